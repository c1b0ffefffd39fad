"""Voices already made, kept on disk: one file per distinct (language, spoken text).

A file's name is a hash of what it says, so the same screen is made once however many people
listen to it. Only screens with nothing personal in them come here (see `Speech`): the cache
holds what every citizen hears alike.

- Two requests for the same text at once make one file: the second waits for the first's
  future. With several instances on one disk, each writes to a temporary name and renames, so
  a reader sees a whole file or none (at worst both instances make it once).
- The folder stays under its size limit: after a write, the files read least recently go
  first (reading a file touches its time).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
from collections.abc import Awaitable, Callable
from pathlib import Path

SUFFIX = ".ogg"


def cache_key(language: str, text: str) -> str:
    return hashlib.sha256(f"{language}\n{text}".encode()).hexdigest()


class VoiceCache:
    def __init__(self, folder: Path, limit_bytes: int) -> None:
        self.folder = folder
        self.limit_bytes = limit_bytes
        self._making: dict[str, asyncio.Future[bytes]] = {}
        self.made = 0  # files this process made (for the tests and the benchmark)

    def path(self, key: str) -> Path:
        return self.folder / f"{key}{SUFFIX}"

    async def get_or_make(self, language: str, text: str,
                          make: Callable[[], Awaitable[bytes]]) -> bytes:
        key = cache_key(language, text)
        kept = self._read(key)
        if kept is not None:
            return kept
        if key in self._making:
            return await asyncio.shield(self._making[key])
        future: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        self._making[key] = future
        try:
            voice = await make()
            self._write(key, voice)
            future.set_result(voice)
            return voice
        except BaseException as error:
            future.set_exception(error)
            future.exception()  # retrieved: nobody else may be waiting
            raise
        finally:
            del self._making[key]

    def _read(self, key: str) -> bytes | None:
        path = self.path(key)
        try:
            voice = path.read_bytes()
        except OSError:
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # read recently: evicted last
        return voice

    def _write(self, key: str, voice: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        temporary = self.folder / f".{key}.{os.getpid()}.tmp"
        temporary.write_bytes(voice)
        os.replace(temporary, self.path(key))
        self.made += 1
        self.evict()

    def evict(self) -> None:
        """Delete the least recently read files until the folder is within its limit."""
        files = []
        for entry in os.scandir(self.folder):
            if entry.name.endswith(SUFFIX):
                with contextlib.suppress(OSError):
                    stat = entry.stat()
                    files.append((stat.st_mtime, stat.st_size, entry.path))
        total = sum(size for _, size, _ in files)
        for _, size, path in sorted(files):
            if total <= self.limit_bytes:
                break
            with contextlib.suppress(OSError):
                os.remove(path)
                total -= size

    def size(self) -> tuple[int, int]:
        """(files, bytes) in the cache now."""
        if not self.folder.exists():
            return 0, 0
        sizes = [entry.stat().st_size for entry in os.scandir(self.folder)
                 if entry.name.endswith(SUFFIX)]
        return len(sizes), sum(sizes)
