"""Text to an OGG/Opus voice message, offline: espeak-ng speaks (WAV), opusenc or ffmpeg
encodes. Both run as child processes, so the event loop never waits on them.

espeak-ng is Debian's; it has Kazakh (`kk`) and Russian (`ru`) voices. It sounds mechanical,
but every word is clear, it needs no model files, and it speaks a screen in milliseconds; the
Opus encoding takes most of the time (see bench/speech.py). ffmpeg is tried first: it encodes
at 16 kHz (wideband, plenty for a voice) and so takes about two thirds of opusenc's time,
which always resamples to 48 kHz.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
from dataclasses import dataclass

log = logging.getLogger(__name__)

VOICES = {"kk": "kk", "ru": "ru"}
OPUS_BITRATE_KBPS = 16  # clear speech, about 2 KB a second
COMPLEXITY = 2  # of Opus's 0-10: for a synthetic voice 10 sounds no better, and is slower
SECONDS_LIMIT = 30  # a process that takes longer is stuck: it is killed


class SpeechFailed(Exception):
    """The engine or the encoder failed on this text."""


@dataclass(frozen=True)
class Tools:
    """Where the programs are; None when a program is missing."""

    espeak: str | None
    opusenc: str | None
    ffmpeg: str | None

    @classmethod
    def find(cls) -> Tools:
        return cls(shutil.which("espeak-ng"), shutil.which("opusenc"), shutil.which("ffmpeg"))

    @property
    def missing(self) -> list[str]:
        gaps = [] if self.espeak else ["espeak-ng"]
        if not (self.opusenc or self.ffmpeg):
            gaps.append("opusenc or ffmpeg")
        return gaps


class Synthesiser:
    """Spoken-form text in, OGG/Opus bytes out."""

    def __init__(self, tools: Tools, words_per_minute: int = 150) -> None:
        self.tools = tools
        self.words_per_minute = words_per_minute

    @property
    def available(self) -> bool:
        return not self.tools.missing

    async def ogg_opus(self, text: str, language: str) -> bytes:
        wav = await self._run([self.tools.espeak, "-v", VOICES.get(language, "ru"),
                               "-s", str(self.words_per_minute), "-b", "1", "--stdout"],
                              text.encode())
        return await self._run(self._encoder(), wav)

    def _encoder(self) -> list[str]:
        if self.tools.ffmpeg:
            return [self.tools.ffmpeg, "-hide_banner", "-loglevel", "error", "-f", "wav",
                    "-i", "pipe:0", "-ac", "1", "-ar", "16000", "-c:a", "libopus",
                    "-b:a", f"{OPUS_BITRATE_KBPS}k", "-application", "voip",
                    "-compression_level", str(COMPLEXITY), "-f", "ogg", "pipe:1"]
        return [self.tools.opusenc, "--quiet", "--speech", "--bitrate", str(OPUS_BITRATE_KBPS),
                "--comp", str(COMPLEXITY), "-", "-"]

    @staticmethod
    async def _run(command: list[str | None], given: bytes) -> bytes:
        if None in command:
            raise SpeechFailed("a program is missing")
        process = await asyncio.create_subprocess_exec(
            *command, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE)
        try:
            out, err = await asyncio.wait_for(process.communicate(given), SECONDS_LIMIT)
        except TimeoutError:
            process.kill()
            await process.wait()
            raise SpeechFailed(f"{command[0]} took longer than {SECONDS_LIMIT} s") from None
        if process.returncode != 0 or not out:
            # The error text never holds the spoken words (they went in on stdin).
            raise SpeechFailed(f"{command[0]} exited {process.returncode}: {err[-200:]!r}")
        return out
