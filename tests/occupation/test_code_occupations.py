"""`manage.py code_occupations`: job titles in a CSV coded in batch, streamed."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from seb.occupation.batch import BLOCK_ROWS, BatchProblem, code_csv


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_every_input_column_is_kept_and_the_coding_added(tmp_path):
    source = _write(
        tmp_path / "in.csv",
        [
            ["id", "job_title", "region"],
            ["1", "staff nurse", "North"],
            ["2", "teacher", "South"],
            ["3", "don't know", "East"],
        ],
    )
    out = io.StringIO()
    call_command("code_occupations", input=source, output=tmp_path / "out.csv", stdout=out)
    rows = _read(tmp_path / "out.csv")
    assert list(rows[0]) == [
        "id", "job_title", "region", "soc2020", "soc2010", "score", "status", "candidates"
    ]  # fmt: skip
    nurse, teacher, unknown = rows
    assert (nurse["id"], nurse["region"]) == ("1", "North")
    assert (nurse["soc2020"], nurse["soc2010"], nurse["status"]) == ("2237", "2231", "coded")
    assert nurse["candidates"].split("|")[0] == "2237"
    assert 50 <= int(nurse["score"]) <= 100
    assert teacher["status"] == "follow-up" and teacher["soc2020"] == ""
    assert len(teacher["candidates"].split("|")) > 1
    assert (unknown["status"], unknown["candidates"], unknown["score"]) == ("uncoded", "", "0")
    assert "3 rows: 1 coded, 1 need a follow-up, 1 uncoded" in out.getvalue()


def test_a_named_column_is_coded(tmp_path):
    source = _write(tmp_path / "in.csv", [["occupation"], ["plumber"]])
    call_command("code_occupations", input=source, output=tmp_path / "o.csv", column="occupation")
    assert _read(tmp_path / "o.csv")[0]["soc2020"] == "5315"


def test_cells_that_would_start_a_formula_are_written_as_text(tmp_path):
    source = _write(
        tmp_path / "in.csv",
        [["job_title", "note"], ['=HYPERLINK("http://x")', "+1"], ["nurse", "@SUM(A1)"]],
    )
    call_command("code_occupations", input=source, output=tmp_path / "o.csv")
    rows = _read(tmp_path / "o.csv")
    assert rows[0]["job_title"] == '\'=HYPERLINK("http://x")'
    assert rows[0]["note"] == "'+1"
    assert rows[1]["note"] == "'@SUM(A1)"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"id,title\n1,nurse\n", "no column “job_title” (its columns: “id”, “title”)"),
        (b"", "The file is empty"),
        (b"job_title\n\xff\xfe nurse\n", "not UTF-8"),
        (b"job_title\nnurse,extra,cells\n", "Line 2 has 3 cells but the header has 1"),
        (b"job_title,status\nnurse,x\n", "already has the column(s) “status”"),
        (b'job_title\n"' + b"a" * 200_000 + b'"\n', "Line 2 cannot be read as CSV"),
    ],
)
def test_a_bad_file_gets_a_clear_message_and_no_output(tmp_path, content, message):
    source = tmp_path / "in.csv"
    source.write_bytes(content)
    target = tmp_path / "out.csv"
    with pytest.raises(CommandError, match="Nothing was written") as raised:
        call_command("code_occupations", input=source, output=target)
    assert message in str(raised.value)
    assert not target.exists()
    assert list(tmp_path.iterdir()) == [source]


def test_a_bad_line_after_many_good_ones_leaves_an_earlier_output_untouched(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("kept\n", encoding="utf-8")
    lines = ["job_title"] + ["nurse"] * (BLOCK_ROWS + 10) + ["a,b"]
    source = tmp_path / "in.csv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CommandError, match=f"Line {BLOCK_ROWS + 12} has 2 cells"):
        call_command("code_occupations", input=source, output=target)
    assert target.read_text(encoding="utf-8") == "kept\n"


def test_a_missing_input_file_and_the_input_as_output_are_refused(tmp_path):
    with pytest.raises(CommandError, match="Cannot open"):
        call_command("code_occupations", input=tmp_path / "no.csv", output=tmp_path / "o.csv")
    source = _write(tmp_path / "in.csv", [["job_title"], ["nurse"]])
    with pytest.raises(CommandError, match="must not be the input"):
        call_command("code_occupations", input=source, output=source)
    assert source.read_text(encoding="utf-8").startswith("job_title")


class _Lines:
    """A CSV source that counts the lines read, never holding more than one."""

    def __init__(self, rows: int) -> None:
        self.read = 0
        self.rows = rows

    def __iter__(self):
        yield "job_title\n"
        for i in range(self.rows):
            self.read += 1
            yield ("nurse\n", "teacher\n", "bus driver\n")[i % 3]


class _Target(io.StringIO):
    def __init__(self, source: _Lines) -> None:
        super().__init__()
        self.source = source
        self.read_at_first_row: int | None = None

    def write(self, text: str) -> int:
        if self.read_at_first_row is None and "nurse" in text:
            self.read_at_first_row = self.source.read
        return super().write(text)


def test_rows_are_written_a_block_at_a_time_not_after_the_whole_file_is_read():
    source = _Lines(3 * BLOCK_ROWS + 5)
    target = _Target(source)
    report = code_csv(source=source, target=target, column="job_title")  # type: ignore[arg-type]
    assert target.read_at_first_row is not None
    assert target.read_at_first_row <= BLOCK_ROWS + 1
    assert report.rows == 3 * BLOCK_ROWS + 5
    teachers = len(range(1, source.rows, 3))
    assert report.follow_up == teachers
    assert report.coded == source.rows - teachers  # nurse and bus driver


def test_several_workers_code_as_one_does(tmp_path):
    titles = ["nurse", "teacher", "electrision", "n/a", "fish and chip shop manager"] * 50
    one, two = io.StringIO(), io.StringIO()
    text = "job_title\n" + "\n".join(titles) + "\n"
    code_csv(source=io.StringIO(text), target=one, column="job_title", workers=1)
    code_csv(source=io.StringIO(text), target=two, column="job_title", workers=2)
    assert one.getvalue() == two.getvalue()


def test_batch_problem_is_raised_for_a_missing_column_without_django():
    with pytest.raises(BatchProblem, match="Name the job title column with --column"):
        code_csv(source=io.StringIO("a\nb\n"), target=io.StringIO(), column="job_title")


def test_a_file_saved_with_a_byte_order_mark_is_read(tmp_path):
    source = tmp_path / "in.csv"
    source.write_bytes("\ufeffjob_title\r\nstaff nurse\r\n".encode())
    call_command("code_occupations", input=source, output=tmp_path / "o.csv")
    assert _read(tmp_path / "o.csv")[0]["soc2020"] == "2237"


def test_fewer_than_one_worker_is_refused(tmp_path):
    source = _write(tmp_path / "in.csv", [["job_title"], ["nurse"]])
    with pytest.raises(CommandError, match="--workers must be 1 or more"):
        call_command("code_occupations", input=source, output=tmp_path / "o.csv", workers=0)
    assert not (tmp_path / "o.csv").exists()
