"""Reading printed pages back as a person's phone would: poppler renders the PDF page to an
image, zbar decodes the QR codes on it; poppler also extracts the text and lists the fonts.

Debian's poppler-utils and zbar-tools; a test that needs them is skipped where they are
missing, except in CI, where REQUIRE_QR_TOOLS=1 makes a missing tool a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

TOOLS = {name: shutil.which(name) for name in ("pdftoppm", "zbarimg", "pdftotext", "pdffonts")}
MISSING = sorted(name for name, path in TOOLS.items() if path is None)


def needs_qr_tools(test):
    if MISSING and os.environ.get("REQUIRE_QR_TOOLS"):
        raise RuntimeError(f"REQUIRE_QR_TOOLS=1 but {', '.join(MISSING)} is not installed "
                           "(Debian: poppler-utils, zbar-tools)")
    return pytest.mark.skipif(bool(MISSING), reason=f"{', '.join(MISSING)} not installed "
                              "(Debian: poppler-utils, zbar-tools; CI installs them)")(test)


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=60)


def qr_codes_in(pdf: bytes, dpi: int = 150) -> list[str]:
    """What every QR code on the first page says, as a phone's camera would read it."""
    with tempfile.TemporaryDirectory() as folder:
        source, image = Path(folder) / "page.pdf", Path(folder) / "page"
        source.write_bytes(pdf)
        rendered = _run(TOOLS["pdftoppm"], "-r", str(dpi), "-f", "1", "-l", "1", "-png",
                        "-singlefile", str(source), str(image))
        assert rendered.returncode == 0, rendered.stderr
        decoded = _run(TOOLS["zbarimg"], "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable",
                       str(image.with_suffix(".png")))
        # zbarimg exits 4 when it finds no code: then the list is empty.
        assert decoded.returncode in (0, 4), decoded.stderr
        return sorted(line for line in decoded.stdout.splitlines() if line)


def text_of(pdf: bytes) -> str:
    """The page's text, with line breaks and runs of spaces made single spaces."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "page.pdf"
        source.write_bytes(pdf)
        extracted = _run(TOOLS["pdftotext"], "-enc", "UTF-8", str(source), "-")
        assert extracted.returncode == 0, extracted.stderr
        return " ".join(extracted.stdout.split())


def fonts_of(pdf: bytes) -> list[tuple[str, bool]]:
    """(font name, embedded?) for every font the PDF uses."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "page.pdf"
        source.write_bytes(pdf)
        listed = _run(TOOLS["pdffonts"], str(source))
        assert listed.returncode == 0, listed.stderr
        rows = listed.stdout.splitlines()[2:]  # after the header and its rule
        return [(row.split()[0], row.split()[-5] == "yes") for row in rows if row.strip()]
