"""How fast a screen is read aloud, and what the voice cache costs.

    .venv/bin/python -m bench.speech [--runs N]

Makes the voice of a 100-word screen (text and buttons, in spoken form) in Kazakh and in
Russian with espeak-ng and the Opus encoder, as the bot does: each run a new text (a number
in it changes), so nothing comes from the cache. Then the same screen from the cache, and the
size of one screen's voice on disk. Prints median and worst times. The README's "Performance"
table holds the last results. Aims: under 1 s to make, under 5 ms from the cache.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bot.services.conversation.screens import Choice, Screen
from bot.services.speech import Speech
from bot.services.speech.cache import VoiceCache
from bot.services.speech.synth import Synthesiser, Tools

# About 100 words each with the buttons, written as the plans are: sums, dates, a source.
TEXTS = {
    "ru": ("Иск о взыскании долга подают в районный суд по месту жительства ответчика. "
           "Госпошлина — 1 % от суммы иска, для суммы 500 000 ₸ это 5 000 ₸. Срок исковой "
           "давности — три года. Подать иск можно онлайн через «Судебный кабинет», войдя с "
           "ЭЦП, или принести его в канцелярию суда. Приложите договор, расписку или выписку "
           "о переводе и претензию, если она была. Заседание назначат в течение 15 рабочих "
           "дней. Если сомневаетесь, позвоните в колл-центр суда или обратитесь за "
           "бесплатной юридической помощью. Проверено {n} декабря 2026 г.\n"
           "📖 ГПК РК, ст. 148 · проверено 22.11.2026"),
    "kk": ("Қарызды өндіріп алу туралы талап арызы жауапкердің тұрғылықты жері бойынша "
           "аудандық сотқа беріледі. Мемлекеттік баж — талап сомасының 1 %, 500 000 ₸ сома "
           "үшін бұл 5 000 ₸. Талап қою мерзімі — үш жыл. Талап арызын «Сот кабинеті» арқылы "
           "ЭЦҚ-мен кіріп онлайн беруге немесе сот кеңсесіне әкелуге болады. Шартты, қолхатты "
           "немесе аударым туралы үзінді көшірмені және наразылық хатты қоса беріңіз. "
           "Отырыс 15 жұмыс күні ішінде тағайындалады. Күмәніңіз болса, соттың байланыс "
           "орталығына қоңырау шалыңыз немесе тегін заң көмегін сұраңыз. Тексерілді: "
           "2026 ж. {n} желтоқсан.\n📖 ҚР АПК, 148-бап · тексерілді 22.11.2026"),
}
BUTTONS = {
    "ru": ("📄 Черновик иска", "📅 Посчитать сроки", "◀ Назад", "🏠 Меню", "👤 Помощь человека"),
    "kk": ("📄 Талап арызының жобасы", "📅 Мерзімдерді есептеу", "◀ Артқа", "🏠 Мәзір",
           "👤 Адам көмегі"),
}


def screen(language: str, number: int) -> Screen:
    return Screen("plan", language, TEXTS[language].format(n=number),
                  tuple(Choice(f"b{i}", label) for i, label in enumerate(BUTTONS[language])))


async def measure(runs: int) -> int:
    tools = Tools.find()
    if tools.missing:
        print(f"not measured: {', '.join(tools.missing)} not installed")
        return 1
    encoder = "ffmpeg" if tools.ffmpeg else "opusenc"  # the order Synthesiser tries them
    with tempfile.TemporaryDirectory() as folder:
        cache = VoiceCache(Path(folder), 10**9)
        speech = Speech(Synthesiser(tools), cache)
        print(f"espeak-ng + {encoder}, {runs} runs each")
        for language in ("kk", "ru"):
            words = len(speech.script(screen(language, 1)).split())
            made = []
            for run in range(runs):
                started = time.perf_counter()
                await speech.voice(screen(language, 1 + run % 28))
                made.append(time.perf_counter() - started)
                cache.path(_key(speech, screen(language, 1 + run % 28))).unlink()
            voice = await speech.voice(screen(language, 1))
            hits = []
            for _ in range(runs * 10):
                started = time.perf_counter()
                await speech.voice(screen(language, 1))
                hits.append(time.perf_counter() - started)
            print(f"{language}: {words} spoken words; made in {_ms(made)}; "
                  f"from the cache in {_ms(hits)}; {len(voice) / 1024:.1f} KB on disk")
    return 0


def _key(speech: Speech, shown: Screen) -> str:
    from bot.services.speech.cache import cache_key

    return cache_key(shown.language, speech.script(shown))


def _ms(seconds: list[float]) -> str:
    return (f"median {statistics.median(seconds) * 1000:.1f} ms, "
            f"worst {max(seconds) * 1000:.1f} ms")


def main() -> int:
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 10
    return asyncio.run(measure(runs))


if __name__ == "__main__":
    raise SystemExit(main())
