"""`python -m bot hearings import FILE` as an operator runs it: the shipped sample, a second run
that changes nothing, and a file with mistakes that are reported by line."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "court-schedule.csv"


async def run_import(tmp_path: Path, *args: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "hearings", "import", *args, cwd=tmp_path,
        env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": os.getcwd(),
             "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), 60)
    return process.returncode, out.decode(), err.decode()


async def test_the_sample_imports_and_a_second_run_changes_nothing(tmp_path: Path) -> None:
    code, out, err = await run_import(tmp_path, str(SAMPLE))
    assert code == 0, err
    assert "new: 7, moved: 0, cancelled: 0, unchanged: 0" in out
    code, out, err = await run_import(tmp_path, str(SAMPLE))
    assert code == 0, err
    assert "new: 0, moved: 0, cancelled: 0, unchanged: 7, people to notify: 0" in out


async def test_mistakes_are_reported_by_line_and_the_good_rows_still_import(
        tmp_path: Path) -> None:
    schedule = tmp_path / "schedule.csv"
    schedule.write_text(
        "case_number,court,date,time,room,format,status,plaintiff\n"
        "2-1/2026,astana-civil,2026-12-08,10:00,1,in_person,scheduled,Иванов И.И.\n"
        "привет,astana-civil,2026-12-08,10:00,1,in_person,scheduled,\n"
        "2-2/2026,no-such-court,2026-12-08,10:00,1,in_person,scheduled,\n"
        "2-3/2026,astana-civil,08.12.2026,10:00,1,in_person,scheduled,\n"
        "2-4/2026,astana-civil,2026-12-08,10:00,1,by_phone,scheduled,\n", encoding="utf-8")
    code, out, _err = await run_import(tmp_path, str(schedule))
    assert code == 1
    assert "new: 1," in out
    assert "line 3: case_number is empty or not a case number" in out
    assert "line 4: court id 'no-such-court' is not in courts.yaml" in out
    assert "line 5: date must be YYYY-MM-DD and time HH:MM" in out
    assert "line 6: format must be in_person or online" in out
    assert "Иванов" not in out  # party names are never read


async def test_a_missing_file_or_unknown_format_is_a_clear_error(tmp_path: Path) -> None:
    code, _out, err = await run_import(tmp_path, str(tmp_path / "nothing.csv"))
    assert code == 2 and "no such file" in err
    other = tmp_path / "schedule.xlsx"
    other.write_bytes(b"x")
    code, _out, err = await run_import(tmp_path, str(other))
    assert code == 2 and "no schedule reader for .xlsx" in err
