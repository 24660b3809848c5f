"""GNU PSPP, the free SPSS work-alike, run on syntax in tests: its output as tables.

`make test` installs Debian's `pspp` as it installs Chromium; a machine without it
fails these tests with the command that installs it, never skips them.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
from pathlib import Path

import pytest

INSTALL_HINT = "run `make pspp` (or: sudo apt-get install pspp)"


def pspp_command() -> str:
    found = os.environ.get("PSPP") or shutil.which("pspp")
    if not found:
        pytest.fail(f"GNU PSPP is not installed: {INSTALL_HINT}")
    return found


def run_pspp(syntax: str, folder: Path) -> dict[str, list[list[str]]]:
    """Run `syntax` with PSPP; each output table's rows by its title ("Table: X" -> X).

    Fails the test if PSPP reports an error or a warning.
    """
    script = folder / "syntax.sps"
    script.write_text(syntax, encoding="utf-8")
    done = subprocess.run(
        [pspp_command(), "-O", "format=csv", "--safer", str(script)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    tables: dict[str, list[list[str]]] = {}
    current: list[list[str]] | None = None
    for row in csv.reader(done.stdout.splitlines()):
        if not row:
            current = None
        elif row[0].startswith("Table: ") and len(row) == 1:
            current = tables.setdefault(row[0].removeprefix("Table: "), [])
        elif current is not None:
            current.append(row)
        else:
            assert "error" not in row[0].lower() and "warning" not in row[0].lower(), row
    return tables


def quoted(path: Path) -> str:
    """A file name as PSPP syntax quotes it."""
    return "'" + str(path).replace("'", "''") + "'"
