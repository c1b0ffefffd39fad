"""Court words in plain words: the glossary list, one term's meaning, and the meanings of the
words a plan page or guide step uses ("📚 What the words mean").

Screens: `glossary` (type a word or choose one), `term:<id>`, `words:<id>+<id>+<id>`.
"""

from __future__ import annotations

from bot.services.citing import source_line
from bot.services.conversation.context import Context, Services
from bot.services.conversation.registry import Registry, View
from bot.services.conversation.screens import Choice
from bot.services.glossary.lexicon import MAX_WORDS
from bot.services.glossary.model import GlossaryTerm

WORDS_PER_PAGE = 3  # three short explanations keep a screen under 110 words


def register(registry: Registry) -> None:
    @registry.screen("glossary", accepts=lambda services, argument: argument == "" and bool(
        services.lexicon))
    def glossary(ctx: Context, _argument: str) -> View:
        _ = ctx.gettext
        terms = sorted(ctx.services.lexicon.glossary.terms,
                       key=lambda term: term.words(ctx.language).term.lower())
        return View(
            text=_("📚 Court words in plain words. Type a word, for example “{example}”, or "
                   "choose it below.").format(example=_example(ctx)),
            options=[Choice(f"go:term:{term.id}", term.words(ctx.language).term,
                            term.words(ctx.language).short) for term in terms],
        )

    @registry.text_input("glossary")
    async def typed_word(ctx: Context, text: str) -> bool:
        term = ctx.services.lexicon.look_up(text)
        if term is None and len(text.split()) > MAX_WORDS:
            return False  # a sentence, not a word: typed text routes it
        if term is None:
            ctx.notice(ctx.gettext(
                "I don't know that word yet. Try another spelling, or choose from the list."))
        else:
            ctx.go(f"term:{term.id}")
        return True

    @registry.screen("term", accepts=lambda services, term_id: bool(
        services.lexicon and services.lexicon.glossary.get(term_id)))
    def term(ctx: Context, term_id: str) -> View:
        _ = ctx.gettext
        item = ctx.services.lexicon.glossary.get(term_id)
        return View(
            text=explain(ctx, item, other_language=True),
            options=[*words_choice(ctx, item.words(ctx.language).text, skip=term_id),
                     Choice("go:glossary", _("📚 Another word"))],
        )

    @registry.screen("words", accepts=_accepts_words)
    def words(ctx: Context, argument: str) -> View:
        _ = ctx.gettext
        glossary = ctx.services.lexicon.glossary
        items = [glossary.get(term_id) for term_id in argument.split("+")]
        return View(
            text="\n\n".join(explain(ctx, item) for item in items if item),
            options=[Choice("go:glossary", _("📚 All words"))],
        )


def explain(ctx: Context, item: GlossaryTerm, other_language: bool = False) -> str:
    """"📚 Истец — …", with the word in the other language when asked, and a source line when
    the explanation states the law."""
    _ = ctx.gettext
    words = item.words(ctx.language)
    heading = f"📚 {words.term}"
    if other_language:
        other = "ru" if ctx.language == "kk" else "kk"
        in_other = _("(in Russian: {term})") if other == "ru" else _("(in Kazakh: {term})")
        heading += " " + in_other.format(term=item.words(other).term)
    text = f"{heading}\n{words.text}"
    if item.source:
        text += "\n" + source_line(ctx.services.content, item.source, ctx.language)
    return text


def words_choice(ctx: Context, text: str, skip: str | None = None) -> list[Choice]:
    """A "📚 What the words mean" button for the glossary terms a text uses (none if none)."""
    lexicon = ctx.services.lexicon
    if lexicon is None:
        return []
    found = lexicon.terms_in(text, ctx.language, limit=WORDS_PER_PAGE, skip=skip)
    if not found:
        return []
    return [Choice("go:words:" + "+".join(term.id for term in found),
                   ctx.gettext("📚 What the words mean"), ctx.gettext("📚 Words"))]


def _accepts_words(services: Services, argument: str) -> bool:
    if not services.lexicon or not argument:
        return False
    ids = argument.split("+")
    return len(ids) <= WORDS_PER_PAGE and len(set(ids)) == len(ids) and all(
        services.lexicon.glossary.get(term_id) for term_id in ids)


def _example(ctx: Context) -> str:
    glossary = ctx.services.lexicon.glossary
    item = glossary.get("state_duty") or glossary.terms[0]
    return item.words(ctx.language).term.lower()
