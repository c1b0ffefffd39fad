"""Debian's espeak-ng and an Opus encoder, for the tests that make real voices; and ffprobe to
check what they made.

Without them those tests are skipped, except in CI, where REQUIRE_SPEECH=1 makes a missing
program a failure."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile

import pytest

from bot.services.speech.synth import Tools


def needs_speech() -> Tools:
    tools = Tools.find()
    missing = tools.missing + ([] if shutil.which("ffprobe") else ["ffprobe (ffmpeg)"])
    if missing:
        if os.environ.get("REQUIRE_SPEECH") == "1":
            raise RuntimeError(f"REQUIRE_SPEECH=1 but {', '.join(missing)} not installed")
        pytest.skip(f"{', '.join(missing)} not installed")
    return tools


def probe(ogg: bytes) -> dict:
    """ffprobe's view of a file: its container, codec, channels and duration."""
    with tempfile.NamedTemporaryFile(suffix=".ogg") as file:
        file.write(ogg)
        file.flush()
        answer = subprocess.run(
            ["ffprobe", "-v", "error", "-show_entries",
             "format=format_name,duration:stream=codec_name,codec_type,channels",
             "-of", "json", file.name], capture_output=True, check=True, text=True)
    found = json.loads(answer.stdout)
    stream = found["streams"][0]
    return {"container": found["format"]["format_name"], "codec": stream["codec_name"],
            "channels": stream["channels"], "seconds": float(found["format"]["duration"])}
