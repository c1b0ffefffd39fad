"""Every path of every pathway, walked to its plan in both languages, generated from the data.

The walker plays each path through the real conversation engine: Start, each answer ("not
sure" where it leads on, a typed and a skipped sum), the summary, every page of the plan, the
date and amount buttons, the plan as one message, and the draft with its two files.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from bot.app import Core
from bot.config import CONTENT_DIR
from bot.services.content import load_content
from bot.services.explorer.check import PathwayWalker, all_paths, static_problems
from bot.services.explorer.plan import NOT_A_PROMISE, sections_of
from bot.services.i18n import LANGUAGES, gettext_for

CONTENT = load_content(Path(os.environ.get("CONTENT_DIR") or CONTENT_DIR))
TAXONOMY = Path(__file__).resolve().parents[2] / "shared" / "taxonomy.md"


def test_every_claim_category_of_the_taxonomy_has_a_pathway() -> None:
    categories = {topic.id for topic in CONTENT.topics_of("pathway")}
    assert len(categories) == 15
    assert set(CONTENT.pathways) == categories


def test_the_taxonomy_file_and_the_content_agree() -> None:
    if not TAXONOMY.exists():
        pytest.skip("../shared/taxonomy.md is not beside the checkout")
    ids = set(re.findall(r"^\| ((?:family|debt|consumer|labour|housing|inheritance|damage|"
                         r"admin|court)[a-z._]*) \|", TAXONOMY.read_text(), re.M))
    assert ids == set(CONTENT.pathways)


def test_the_content_fits_together() -> None:
    assert static_problems(CONTENT) == []


@pytest.mark.parametrize("pathway_id", sorted(CONTENT.pathways))
async def test_every_path_reaches_its_plan_in_both_languages(make_settings, pathway_id) -> None:
    pathway = CONTENT.pathways[pathway_id]
    paths = all_paths(pathway)
    assert paths, "no way through"
    assert 2 <= max(len(path.answers) for path in paths) <= 7  # a few questions, not a form
    core = await Core.build(make_settings(), migrate=True)
    walker = PathwayWalker(core.conversation)
    try:
        for path in paths:
            outcome = pathway.outcomes[path.outcome]
            for language in LANGUAGES:
                shown = await walker.walk(pathway, path, language)
                _ = gettext_for(language)
                names = [screen.name for screen in shown]
                where = f"{language} {path.answers}"
                assert f"summary:{pathway_id}" in names, where
                pages = [s for s in shown if s.name.startswith(f"plan:{pathway_id}/")]
                sections = sections_of(outcome)
                seen_pages = {s.name.rsplit("/", 1)[1] for s in pages}
                assert seen_pages == {str(n) for n in range(1, len(sections) + 1)}, where
                first = next(s for s in pages if s.name.endswith("/1"))
                assert first.text.startswith(outcome.title(language)), where
                assert _("✍️ What to do: {text}").split("{")[0] in first.text, where
                assert _(NOT_A_PROMISE) in first.text, where
                for screen in shown:
                    assert screen.language == language
                    assert "go:human" in {c.id for c in screen.all_choices} or \
                        screen.name.startswith("human"), f"{where}: {screen.name} has no person"
        assert walker.problems == []
    finally:
        await core.close()


@pytest.mark.parametrize("pathway_id", sorted(CONTENT.pathways))
def test_every_plan_cites_its_sources_and_every_question_has_a_way_out(pathway_id) -> None:
    pathway = CONTENT.pathways[pathway_id]
    for question_id in pathway.questions:
        assert pathway.unsure_for(question_id).text.kk
    for outcome in pathway.outcomes.values():
        for item in outcome.statements():
            assert item.source or item.plain
            if item.source:
                source = CONTENT.sources[item.source]
                assert source.url.startswith("https://") and source.checked
                assert source.confidence != "L" or item.check
