"""The content check walks every screen, and really catches what it promises to catch."""

from __future__ import annotations

from dataclasses import replace

from bot.app import Core
from bot.services.content_check import check_screens, walk
from bot.services.conversation.registry import View


async def test_every_screen_passes_in_both_languages(make_settings) -> None:
    # With SMS set up, as `python -m bot content check` walks it: its screens are checked too.
    core = await Core.build(make_settings(sms_provider="mobizon", sms_api_key="check",
                                          sms_inbound_secret="check"))
    try:
        result = await walk(core)
        assert check_screens(result, core.conversation.registry) == []
        languages = {language for (_who, language, _ref) in result.screens}
        assert languages == {"kk", "ru"}
        reached = {ref.split(":")[0] for (_w, _l, ref) in result.screens}
        assert {"menu", "language", "consent", "explorer", "guides", "guide", "human",
                "mydata", "mydata_delete", "hearings", "guide_step", "guide_trouble", "guide_end",
                "glossary", "term", "words", "path", "plan", "hearing", "h_date", "h_time",
                "h_confirm", "h_found", "h_cant", "h_stop", "reminder", "h_sms",
                "h_sms_number"} <= reached
        assert result.edges > 300
    finally:
        await core.close()


async def test_the_check_reports_dead_ends_long_screens_and_long_labels(make_settings) -> None:
    core = await Core.build(make_settings())
    registry = core.conversation.registry
    try:
        @registry.screen("broken")
        def broken(ctx, _argument: str) -> View:
            from bot.services.conversation.screens import Choice

            return View(text="слово " * 150, options=[Choice("go:guides", "x" * 30)],
                        back=False, menu=False, human=False)

        original = registry.screens["menu"].render

        def menu_with_a_way_in(ctx, argument: str) -> View:
            from bot.services.conversation.screens import Choice

            view = original(ctx, argument)
            view.options.append(Choice("go:broken", "Broken"))
            return view

        registry.screens["menu"] = replace(registry.screens["menu"], render=menu_with_a_way_in)
        problems = "\n".join(check_screens(await walk(core), registry))
        assert "agreed/kk/broken: 150 words (at most 110)" in problems
        assert "agreed/ru/broken: no way back or to the menu" in problems
        assert "agreed/ru/broken: no way to a person" in problems
        assert "over 24 chars" in problems
    finally:
        await core.close()
