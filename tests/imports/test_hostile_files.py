"""Hostile files: each is refused with a message naming the limit it breaks, and the
importer's peak memory, measured in a child process, stays under 300 MB."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from seb.interchange import COLUMNS, LIMITS, FileFormat, FileProblem
from seb.interchange.reading import read_lines
from surveys.models import Response, Survey
from tests.database_urls import database_url

from .files import EMPLOYEE, csv_file

ROOT = Path(__file__).resolve().parent.parent.parent
PEAK_LIMIT_MB = 300
HEADER = ",".join(COLUMNS).encode() + b"\n"
GOOD_LINE = csv_file([EMPLOYEE]).split(b"\n", 1)[1]

SHEET_START = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_END = b"</sheetData></worksheet>"


def workbook(path: Path, sheet: Callable[[Callable[[bytes], None]], None]) -> Path:
    """A minimal workbook whose first sheet's XML is written by `sheet` (as a stream)."""
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>'
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
            '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Target="worksheets/sheet1.xml" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
            "</Relationships>"
        ),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            sheet(part.write)
    return path


def header_row(write: Callable[[bytes], None]) -> None:
    write(b"<row>")
    for column in COLUMNS:
        write(b'<c t="inlineStr"><is><t>' + column.encode() + b"</t></is></c>")
    write(b"</row>")


def huge_cell(size: int) -> Callable[[Callable[[bytes], None]], None]:
    def sheet(write: Callable[[bytes], None]) -> None:
        write(SHEET_START)
        header_row(write)
        write(b'<row><c t="inlineStr"><is><t>')
        block = b"A" * (1024 * 1024)
        for _ in range(size // len(block)):
            write(block)
        write(b"</t></is></c></row>" + SHEET_END)

    return sheet


def wide_row(cells: int) -> Callable[[Callable[[bytes], None]], None]:
    def sheet(write: Callable[[bytes], None]) -> None:
        write(SHEET_START)
        header_row(write)
        write(b"<row>")
        block = b"<c/>" * 100_000
        for _ in range(cells // 100_000):
            write(block)
        write(b"</row>" + SHEET_END)

    return sheet


def deep(levels: int) -> Callable[[Callable[[bytes], None]], None]:
    def sheet(write: Callable[[bytes], None]) -> None:
        write(SHEET_START + b"<row>" + b"<x>" * levels + b"</x>" * levels + b"</row>" + SHEET_END)

    return sheet


def entity_bomb(write: Callable[[bytes], None]) -> None:
    lines = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10}">' for n in range(1, 10)
    ]
    write(b'<?xml version="1.0"?><!DOCTYPE worksheet [' + "".join(lines).encode() + b"]>")
    write(
        SHEET_START.split(b"?>", 1)[1] + b'<row><c t="inlineStr"><is><t>&lol9;</t></is></c></row>'
    )
    write(SHEET_END)


def csv_path(path: Path, write: Callable[[Callable[[bytes], None]], None]) -> Path:
    with path.open("wb") as handle:
        write(handle.write)
    return path


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    return {
        "xlsx-1gib-cell": workbook(folder / "cell.xlsx", huge_cell(1024**3)),
        "xlsx-5-million-cell-row": workbook(folder / "wide.xlsx", wide_row(5_000_000)),
        "xlsx-20mb-cell": workbook(folder / "cell20.xlsx", huge_cell(20 * 1024**2)),
        "xlsx-deep-xml": workbook(folder / "deep.xlsx", deep(100_000)),
        "xlsx-entity-bomb": workbook(folder / "bomb.xlsx", entity_bomb),
        "csv-20mb-cell": csv_path(
            folder / "cell.csv", lambda w: (w(HEADER), w(b'"' + b"A" * 20 * 1024**2 + b'"\n'))
        ),
        "csv-5-million-cell-row": csv_path(
            folder / "wide.csv", lambda w: (w(HEADER), w(b"," * 5_000_000 + b"\n"))
        ),
        "csv-1gib-line": csv_path(
            folder / "long.csv",
            lambda w: (w(HEADER), [w(b"A" * 1024**2) for _ in range(1024)]),
        ),
        "csv-many-quoted-lines": csv_path(
            folder / "lines.csv",
            lambda w: (w(HEADER), w(b"online"), [w(b',"x\n"') for _ in range(700_000)], w(b"\n")),
        ),
        "csv-endless-quoted-cell": csv_path(
            folder / "quoted.csv",
            lambda w: (w(HEADER), w(b'online,"'), [w(b"x\n") for _ in range(2_000_000)]),
        ),
    }


# What each file is refused for: the limit, named in the message.
EXPECTED = {
    "xlsx-1gib-cell": "compressed more than 100 times",
    "xlsx-5-million-cell-row": "compressed more than 100 times",
    "xlsx-20mb-cell": "compressed more than 100 times",
    "xlsx-deep-xml": "nested more than 20 levels deep",
    "xlsx-entity-bomb": "document type declaration",
    "csv-20mb-cell": "longer than 64 KB",
    "csv-5-million-cell-row": "longer than 64 KB",
    "csv-1gib-line": "longer than 64 KB",
    "csv-endless-quoted-cell": "holds more than 1,000 characters",
    "csv-many-quoted-lines": "runs over more than 100 lines",
}


def import_in_child(path: Path, slug: str) -> tuple[int, str, float]:
    """Run the import command on `path` in a child process: exit code, what it said on
    stderr, and its peak memory in MB."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "LOG_LEVEL": "WARNING",
    }
    child = subprocess.run(
        [
            sys.executable,
            "-c",
            PEAK_OF,
            sys.executable,
            "manage.py",
            "import_responses",
            str(path),
            "--survey",
            slug,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        check=True,
    )
    code, peak = child.stdout.decode().split()
    return int(code), child.stderr.decode(), float(peak)


# Runs a command as a grandchild and prints its exit code and peak memory (MB). Linux
# keeps a process's peak across fork and exec, so a child of this (large) test process
# would count the test's own memory; a small launcher in between does not.
PEAK_OF = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss / 1024)
"""


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", list(EXPECTED))
def test_a_hostile_file_is_refused_clearly_in_bounded_memory(
    name: str, hostile: dict[str, Path], make_survey: Callable[..., Survey]
) -> None:
    make_survey("target")
    code, said, peak = import_in_child(hostile[name], "target")
    print(f"{name}: peak {peak:.0f} MB")
    assert code != 0
    assert EXPECTED[name] in said, said[-500:]
    assert len(said) < 2000, "the message quotes a readable amount, not the whole value"
    assert peak < PEAK_LIMIT_MB, f"{name} took {peak:.0f} MB"
    assert Response.objects.count() == 0


def test_a_bad_value_is_quoted_cut_to_a_readable_length() -> None:
    """A long wrong code is quoted by its first characters and its length, not whole."""
    from seb.interchange.checking import check_header

    lines = read_lines(
        io.BytesIO(HEADER + GOOD_LINE.replace(b"online", b"x" * 900, 1)), FileFormat.CSV
    )
    header, _ = check_header(next(lines))
    from seb.interchange.checking import LineChecker
    from seb.standard import Mode, load_standard

    problems = LineChecker(header=header, standard=load_standard(), modes=set(Mode)).check(
        next(lines)
    )
    assert isinstance(problems, list)
    message = str(problems[0])
    assert "… (900 characters)" in message
    assert len(message) < 200


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        (
            LIMITS.cells_per_line + 1,
            f"a line of the interchange format has at most {LIMITS.cells_per_line}",
        ),
    ],
)
def test_a_line_with_too_many_cells_is_refused(cells: int, message: str) -> None:
    data = HEADER + b"," * (cells - 1) + b"\n"
    with pytest.raises(FileProblem, match=message):
        list(read_lines(io.BytesIO(data), FileFormat.CSV))


def test_a_cell_over_the_cell_limit_is_refused() -> None:
    data = HEADER + b"online," + b"x" * (LIMITS.cell_characters + 1) + b"\n"
    with pytest.raises(FileProblem, match="holds more than 1,000 characters"):
        list(read_lines(io.BytesIO(data), FileFormat.CSV))
