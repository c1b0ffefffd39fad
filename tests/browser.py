"""Debian's headless Chromium driven by Playwright, for the tests of web pages."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def needs_browser(test):
    """Marks a test that drives Chromium; skipped only where Chromium is missing and CI's
    REQUIRE_BROWSER is not set."""
    test = pytest.mark.skipif(not CHROMIUM and not os.environ.get("REQUIRE_BROWSER"),
                              reason="Debian's chromium is not installed (CI installs it)")(test)
    return pytest.mark.browser(test)


@asynccontextmanager
async def chromium() -> AsyncIterator:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"],
        )
        try:
            yield browser
        finally:
            await browser.close()
