"""The interchange format as pure code: reading, checking and writing, without a database."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping

import pytest
from openpyxl import load_workbook

from seb.interchange import (
    COLUMNS,
    LIMITS,
    MICRODATA_COLUMNS,
    FileFormat,
    FileProblem,
    Line,
    Problem,
)
from seb.interchange.checking import (
    CheckedLine,
    Header,
    LineChecker,
    check_answers,
    check_header,
    check_reference,
    unquote_csv_reference,
)
from seb.interchange.reading import read_lines
from seb.interchange.writing import csv_chunks, write_csv, write_xlsx
from seb.routing import CompleteResponse as Checked
from seb.standard import QUESTION_KEYS, Mode, Standard

from .files import EMPLOYEE, LARGE_EMPLOYER, OWN_ACCOUNT, TELEPHONE_DONT_KNOW, xlsx_file

MAX_LINE_BYTES = LIMITS.line_bytes

ALL_MODES = frozenset(Mode)
FORMULAS = ('=HYPERLINK("http://x","y")', "+1", "-1", "@SUM(1)")


def answers_of(row: Mapping[str, str]) -> dict[str, str]:
    return {key: value for key, value in row.items() if key != "reference"}


def problems_of(
    cells: Mapping[str, str], standard: Standard, modes: frozenset[Mode] = ALL_MODES
) -> list[Problem]:
    result = check_answers(cells, standard=standard, modes=modes)
    assert isinstance(result, list), f"expected problems, got {result}"
    return result


def the_problem(cells: Mapping[str, str], standard: Standard) -> Problem:
    problems = problems_of(cells, standard)
    assert len(problems) == 1, problems
    return problems[0]


def header_line(*columns: str) -> Line:
    return Line(number=1, cells=columns)


# Columns -----------------------------------------------------------------


def test_columns_are_mode_the_question_keys_in_order_then_reference(standard: Standard) -> None:
    """codes.md: mode, the eight question keys in the standard's order, then reference."""
    assert standard.keys == QUESTION_KEYS
    assert ("mode", *standard.keys, "reference") == COLUMNS
    assert (*COLUMNS, "nssec5", "nssec3", "response_id", "completed") == MICRODATA_COLUMNS


def test_file_format_follows_the_extension() -> None:
    """A .csv or .xlsx name (any case) gives its format."""
    assert FileFormat.for_name("responses.CSV") is FileFormat.CSV
    assert FileFormat.for_name("dir/responses.xlsx") is FileFormat.XLSX


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("responses.txt", "The file must be a CSV or XLSX file"),
        ("responses", "The file must be a CSV or XLSX file"),
        ("responses.xls", "old Excel workbook (.xls)"),
    ],
)
def test_file_format_refuses_other_extensions(name: str, reason: str) -> None:
    """Any other file type is refused with a reason."""
    with pytest.raises(FileProblem) as raised:
        FileFormat.for_name(name)
    assert reason in raised.value.problem.reason


# The header ----------------------------------------------------------------


def test_header_with_every_column_passes() -> None:
    """A header naming every column once has no problems, and says where each is."""
    header, problems = check_header(header_line(*COLUMNS))
    assert problems == []
    assert header.positions["reference"] == len(COLUMNS) - 1


def test_header_may_leave_out_reference_and_carry_derived_columns() -> None:
    """reference is optional; nssec5 and nssec3 (from a microdata file) are allowed."""
    _, problems = check_header(header_line(*QUESTION_KEYS, "mode", "nssec5", "nssec3"))
    assert problems == []


def test_header_is_read_without_case_or_surrounding_spaces() -> None:
    """ " Mode " is the mode column."""
    header, problems = check_header(header_line(*(f" {c.upper()} " for c in COLUMNS)))
    assert problems == []
    assert header.has("mode")


def test_header_names_an_unknown_column() -> None:
    """An unknown column is refused, naming it and listing the format's columns."""
    _, problems = check_header(header_line(*COLUMNS, "colour"))
    assert [(p.line, p.column) for p in problems] == [(1, "colour")]
    assert "“colour” is not a column of the interchange format" in problems[0].reason
    assert "mode, school_type" in problems[0].reason


def test_header_names_each_missing_column() -> None:
    """Every required column the header lacks is a problem in that column."""
    columns = [c for c in COLUMNS if c not in ("supervisor", "mode")]
    _, problems = check_header(header_line(*columns))
    assert [(p.line, p.column, p.reason) for p in problems] == [
        (1, "mode", "The header row has no such column"),
        (1, "supervisor", "The header row has no such column"),
    ]


def test_header_refuses_a_column_twice() -> None:
    """A column named twice is a problem."""
    _, problems = check_header(header_line(*COLUMNS, "mode"))
    assert [(p.column, p.reason) for p in problems] == [("mode", "This column appears twice")]


def test_header_refuses_a_first_row_that_is_not_a_header() -> None:
    """A file starting with data gets one problem saying the header row comes first."""
    _, problems = check_header(header_line("online", "state", "no"))
    assert len(problems) == 1
    assert problems[0].reason.startswith("The first row must be the header row")


def test_header_ignores_trailing_unnamed_columns_but_not_inner_ones() -> None:
    """Empty header cells at the end are harmless; one between columns is a problem."""
    assert check_header(header_line(*COLUMNS, "", ""))[1] == []
    _, problems = check_header(header_line("mode", "", *QUESTION_KEYS))
    assert [p.reason for p in problems] == ["Column 2 has no name"]


# A response's answers ------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "nssec5", "nssec3"),
    [
        (EMPLOYEE, "1", "1"),
        (LARGE_EMPLOYER, "1", "1"),
        (OWN_ACCOUNT, "3", "2"),
        (TELEPHONE_DONT_KNOW, "dont_know_prefer_not_to_say", "dont_know_prefer_not_to_say"),
    ],
)
def test_answers_on_the_routing_path_pass_and_derive_nssec(
    row: Mapping[str, str], nssec5: str, nssec3: str, standard: Standard
) -> None:
    """Complete answers pass, keep exactly the answers given, and carry their NS-SEC classes."""
    result = check_answers(answers_of(row), standard=standard, modes=ALL_MODES)
    assert isinstance(result, Checked)
    assert result.mode == Mode(row["mode"])
    assert dict(result.answers) == {k: v for k, v in answers_of(row).items() if k != "mode"}
    assert (result.nssec.nssec5, result.nssec.nssec3) == (nssec5, nssec3)


def test_an_empty_mode_is_refused(standard: Standard) -> None:
    """A line without a mode is refused in the mode column."""
    problem = the_problem({**answers_of(EMPLOYEE), "mode": ""}, standard)
    assert problem.column == "mode"
    assert problem.reason == "The mode is empty: enter online, face_to_face or telephone"


def test_an_unknown_mode_is_refused(standard: Standard) -> None:
    """A mode that is not one of codes.md's is refused, with the modes to use."""
    problem = the_problem({**answers_of(EMPLOYEE), "mode": "phone"}, standard)
    assert problem.column == "mode"
    assert problem.reason == "“phone” is not a mode: use online, face_to_face or telephone"


def test_a_mode_the_survey_does_not_take_is_refused(standard: Standard) -> None:
    """A telephone line is refused by a survey that takes only online responses."""
    problems = problems_of(answers_of(OWN_ACCOUNT), standard, modes=frozenset({Mode.ONLINE}))
    assert [(p.column, p.reason) for p in problems] == [
        ("mode", "This survey does not take telephone responses")
    ]


def test_an_unknown_code_is_refused_with_the_question_codes(standard: Standard) -> None:
    """A code that is not one of the question's options is refused in its column."""
    problem = the_problem({**answers_of(EMPLOYEE), "supervisor": "maybe"}, standard)
    assert problem.column == "supervisor"
    assert problem.reason == (
        "“maybe” is not an answer to supervisor: use one of yes, no, dont_know, prefer_not_to_say"
    )


@pytest.mark.parametrize(
    ("mode", "code"),
    [("face_to_face", "dont_know"), ("face_to_face", "prefer_not_to_say"), ("online", "dont_know")],
)
def test_a_code_the_mode_does_not_offer_is_refused(
    mode: str, code: str, standard: Standard
) -> None:
    """earner_employment_status: face-to-face offers neither don't know nor prefer not to say;
    online offers no don't know."""
    row = {**answers_of(TELEPHONE_DONT_KNOW), "mode": mode, "earner_employment_status": code}
    problem = the_problem(row, standard)
    assert problem.column == "earner_employment_status"
    assert problem.reason.startswith(
        f"The {mode} mode does not offer {code} for earner_employment_status: it offers employee"
    )


def test_telephone_offers_dont_know_for_employment_status(standard: Standard) -> None:
    """Telephone's spontaneous don't know routes like prefer not to say."""
    assert isinstance(
        check_answers(answers_of(TELEPHONE_DONT_KNOW), standard=standard, modes=ALL_MODES), Checked
    )


def test_an_answer_the_routing_skips_is_refused(standard: Standard) -> None:
    """Independent school skips free school meals: an answer there is refused, saying why."""
    problem = the_problem({**answers_of(LARGE_EMPLOYER), "free_school_meals": "no"}, standard)
    assert problem.column == "free_school_meals"
    assert problem.reason == (
        "This cell must be empty: school_type = independent routes past free_school_meals"
    )


def test_an_answer_skipped_later_in_the_route_is_refused(standard: Standard) -> None:
    """Own-account workers are not asked the size or supervisor questions."""
    row = {**answers_of(OWN_ACCOUNT), "employer_size": "1_to_24", "supervisor": "no"}
    problems = problems_of(row, standard)
    assert [p.column for p in problems] == ["employer_size", "supervisor"]
    assert all(
        "earner_employment_status = self_employed_no_employees routes past" in p.reason
        for p in problems
    )


def test_a_missing_answer_on_the_route_is_refused(standard: Standard) -> None:
    """An employee's line without employer_size is refused, saying what routes there."""
    row = {**answers_of(EMPLOYEE), "employer_size": ""}
    problem = the_problem(row, standard)
    assert problem.column == "employer_size"
    assert problem.reason == (
        "The answer to employer_size is missing: earner_employment_status = employee routes to it"
    )


def test_a_missing_first_answer_is_refused(standard: Standard) -> None:
    """Every response answers school_type."""
    problem = the_problem({**answers_of(EMPLOYEE), "school_type": ""}, standard)
    assert problem.column == "school_type"
    assert problem.reason == "The answer to school_type is missing: every response answers it"


def test_a_missing_last_answer_is_refused(standard: Standard) -> None:
    """parental_qualification ends every route."""
    problem = the_problem({**answers_of(OWN_ACCOUNT), "parental_qualification": ""}, standard)
    assert problem.column == "parental_qualification"


def test_where_the_route_stops_later_answers_are_not_judged(standard: Standard) -> None:
    """A bad employment status hides where the route goes: later cells are not called off-route."""
    row = {**answers_of(EMPLOYEE), "earner_employment_status": "retired"}
    problems = problems_of(row, standard)
    assert [p.column for p in problems] == ["earner_employment_status"]


def test_every_problem_on_a_line_is_listed_in_column_order(standard: Standard) -> None:
    """Several faults on one line are all reported, in column order."""
    row = {**answers_of(LARGE_EMPLOYER), "free_school_meals": "no", "earner_employment_status": "x"}
    assert [p.column for p in problems_of(row, standard)] == [
        "free_school_meals",
        "earner_employment_status",
    ]


def test_derived_columns_must_match_the_derivation(standard: Standard) -> None:
    """nssec5 and nssec3, when given, are checked against what the answers derive."""
    row = {**answers_of(OWN_ACCOUNT), "nssec5": "3", "nssec3": "1"}
    problem = the_problem(row, standard)
    assert problem.column == "nssec3"
    assert problem.reason == "nssec3 is “1” but these answers derive 2"
    assert isinstance(
        check_answers({**row, "nssec3": "2"}, standard=standard, modes=ALL_MODES), Checked
    )


# A reference -------------------------------------------------------------


@pytest.mark.parametrize("reference", ["", "case 17", *FORMULAS, "é" * 200])
def test_a_reference_is_free_text_up_to_200_characters(reference: str) -> None:
    """Any text, formulas included, fits as long as it is at most 200 characters."""
    assert check_reference(reference) is None


def test_a_longer_reference_is_refused() -> None:
    """201 characters are refused, saying the limit."""
    problem = check_reference("x" * 201)
    assert problem is not None
    assert problem.column == "reference"
    assert problem.reason == "The reference is 201 characters long: it can be at most 200"


def test_a_reference_with_a_control_character_is_refused() -> None:
    """Spreadsheets cannot hold control characters (the NUL byte among them)."""
    assert check_reference("a\x00b") is not None
    assert check_reference("a\x07b") is not None


def test_the_csv_guard_quote_is_taken_off_references() -> None:
    """safe_text's leading quote before a formula character is undone; any other stays."""
    assert unquote_csv_reference("'=SUM(1)") == "=SUM(1)"
    assert unquote_csv_reference("'-1") == "-1"
    assert unquote_csv_reference("'quoted'") == "'quoted'"


# Lines of a file ---------------------------------------------------------


def checker(
    standard: Standard, columns: tuple[str, ...] = COLUMNS, *, csv_quoting: bool = True
) -> LineChecker:
    header, problems = check_header(header_line(*columns))
    assert problems == []
    return LineChecker(header=header, standard=standard, modes=ALL_MODES, csv_quoting=csv_quoting)


def test_a_line_is_checked_and_its_reference_kept(standard: Standard) -> None:
    """A good line gives its answers and its reference as written."""
    line = Line(number=2, cells=tuple(EMPLOYEE.get(c, "") for c in COLUMNS))
    checked = checker(standard).check(line)
    assert isinstance(checked, CheckedLine)
    assert checked.reference == "R-1"
    assert checked.response.answers["supervisor"] == "yes"


def test_line_problems_carry_the_line_number(standard: Standard) -> None:
    """Problems from a line say which line."""
    row = {**EMPLOYEE, "mode": "phone", "reference": "x" * 300}
    problems = checker(standard).check(Line(number=7, cells=tuple(row.get(c, "") for c in COLUMNS)))
    assert isinstance(problems, list)
    assert [(p.line, p.column) for p in problems] == [(7, "mode"), (7, "reference")]


def test_a_line_with_more_cells_than_the_header_is_refused(standard: Standard) -> None:
    """Extra non-empty cells are a problem on that line; extra empty ones are not."""
    cells = tuple(EMPLOYEE.get(c, "") for c in COLUMNS)
    assert isinstance(checker(standard).check(Line(number=3, cells=(*cells, "", ""))), CheckedLine)
    problems = checker(standard).check(Line(number=3, cells=(*cells, "extra")))
    assert isinstance(problems, list)
    assert problems[0].line == 3
    assert problems[0].reason == "The line has 11 cells but the header row names 10 columns"


def test_a_short_line_reads_as_empty_cells(standard: Standard) -> None:
    """Cells missing at the end of a line are empty (no reference here)."""
    cells = tuple(EMPLOYEE.get(c, "") for c in COLUMNS[:-1])
    checked = checker(standard).check(Line(number=2, cells=cells))
    assert isinstance(checked, CheckedLine)
    assert checked.reference == ""


def test_codes_are_read_without_surrounding_spaces(standard: Standard) -> None:
    """' state ' is the code state."""
    cells = tuple(f" {EMPLOYEE.get(c, '')} " if c != "reference" else "" for c in COLUMNS)
    assert isinstance(checker(standard).check(Line(number=2, cells=cells)), CheckedLine)


def test_a_line_checker_reaches_the_same_verdict_from_memory(standard: Standard) -> None:
    """The same answers on two lines give the same verdict, each with its own line number."""
    check = checker(standard)
    row = {**EMPLOYEE, "mode": "phone"}
    cells = tuple(row.get(c, "") for c in COLUMNS)
    first, second = (
        check.check(Line(number=2, cells=cells)),
        check.check(Line(number=9, cells=cells)),
    )
    assert isinstance(first, list)
    assert isinstance(second, list)
    assert [p.line for p in first + second] == [2, 9]


# Reading files -------------------------------------------------------------


def lines_of(data: bytes, file_format: FileFormat = FileFormat.CSV) -> list[Line]:
    return list(read_lines(io.BytesIO(data), file_format))


def test_csv_lines_skip_blank_lines_and_keep_their_numbers() -> None:
    """Blank lines are skipped; the others keep their line numbers in the file."""
    data = b"mode,school_type\r\n\r\nonline,state\r\n,\r\ntelephone,state\r\n"
    assert [(line.number, line.cells) for line in lines_of(data)] == [
        (1, ("mode", "school_type")),
        (3, ("online", "state")),
        (5, ("telephone", "state")),
    ]


def test_csv_line_numbers_count_newlines_inside_quoted_cells() -> None:
    """A quoted cell over two lines: the next line's number is the line it starts on."""
    data = b'mode,reference\nonline,"two\nlines"\nonline,x\n'
    assert [(line.number, line.cells[1]) for line in lines_of(data)][1:] == [
        (2, "two\nlines"),
        (4, "x"),
    ]


def test_csv_byte_order_mark_is_ignored() -> None:
    """Excel's 'CSV UTF-8' starts with a byte order mark: the first column is still mode."""
    assert lines_of("\ufeffmode,school_type\n".encode())[0].cells == ("mode", "school_type")


def test_csv_that_is_not_utf8_is_refused_at_its_line() -> None:
    """A Latin-1 byte is refused, naming the line and saying how to save the file."""
    with pytest.raises(FileProblem) as raised:
        lines_of("mode,reference\nonline,ok\nonline,caf\xe9\n".encode("latin-1"))
    problem = raised.value.problem
    assert problem.line == 3
    assert (
        problem.reason == "The file is not UTF-8 text: save it as “CSV UTF-8” and upload it again"
    )


def test_a_workbook_named_csv_is_refused() -> None:
    """An XLSX file uploaded as .csv is refused, saying what it is."""
    with pytest.raises(FileProblem) as raised:
        lines_of(xlsx_file([["mode"]]))
    assert "Excel workbook, not CSV" in raised.value.problem.reason


def test_a_line_longer_than_the_format_allows_is_refused() -> None:
    """A line over 64 KB is not this format and is not read whole."""
    with pytest.raises(FileProblem) as raised:
        lines_of(b"mode\n" + b"x" * (MAX_LINE_BYTES + 1) + b"\n")
    assert raised.value.problem.line == 2


def test_xlsx_lines_are_the_first_sheet_rows_with_their_row_numbers() -> None:
    """Rows keep their spreadsheet numbers; numbers in cells read as their text."""
    data = xlsx_file([["mode", "reference"], [None, None], ["online", 1234], ["online", 2.5]])
    assert [(line.number, line.cells) for line in lines_of(data, FileFormat.XLSX)] == [
        (1, ("mode", "reference")),
        (3, ("online", "1234")),
        (4, ("online", "2.5")),
    ]


def test_a_damaged_workbook_is_refused() -> None:
    """A file that is not a workbook is refused as one that cannot be opened."""
    with pytest.raises(FileProblem) as raised:
        lines_of(b"not a zip at all", FileFormat.XLSX)
    assert (
        raised.value.problem.reason
        == "The file is not an Excel workbook (.xlsx) that can be opened"
    )


def test_problem_text_says_where() -> None:
    """A problem reads 'Line n, column c: reason'."""
    assert str(Problem("Bad", line=4, column="mode")) == "Line 4, column mode: Bad"
    assert str(Problem("Bad", column="mode")) == "Column mode: Bad"
    assert str(Problem("Bad")) == "Bad"


# Writing files -------------------------------------------------------------

ROW = ("online", "state", "no", "employee", "1_to_24", "", "no", "manager", "degree")


def test_csv_output_guards_formulas_in_references() -> None:
    """A reference that a spreadsheet would run as a formula is written after a quote."""
    rows = [(*ROW, reference, "1", "1") for reference in FORMULAS]
    stream = io.BytesIO()
    assert write_csv(rows, stream) == len(FORMULAS)
    read = list(csv.reader(io.StringIO(stream.getvalue().decode("utf-8"))))
    assert read[0] == list(MICRODATA_COLUMNS)
    assert [row[9] for row in read[1:]] == [f"'{formula}" for formula in FORMULAS]
    assert [unquote_csv_reference(row[9]) for row in read[1:]] == list(FORMULAS)


def test_csv_chunks_are_the_same_file_as_write_csv() -> None:
    """The streamed download and the written file are the same text."""
    rows = [(*ROW, "=1", "1", "1"), (*ROW, "plain", "1", "1")]
    stream = io.BytesIO()
    write_csv(rows, stream)
    assert "".join(csv_chunks(rows)).encode() == stream.getvalue()


def test_xlsx_output_keeps_formula_like_references_as_text() -> None:
    """Formula-like references are text cells holding exactly the reference."""
    rows = [(*ROW, reference, "1", "1") for reference in FORMULAS]
    stream = io.BytesIO()
    assert write_xlsx(rows, stream) == len(FORMULAS)
    sheet = load_workbook(io.BytesIO(stream.getvalue())).worksheets[0]
    references = [sheet.cell(row=n, column=10) for n in range(2, 2 + len(FORMULAS))]
    assert [cell.value for cell in references] == list(FORMULAS)
    assert {cell.data_type for cell in references} == {"s"}


def test_a_header_knows_its_columns() -> None:
    """Header.has says whether a column is present."""
    header = Header(columns=("mode",), positions={"mode": 0})
    assert header.has("mode")
    assert not header.has("reference")


def test_cells_holding_the_key_separator_are_judged_on_their_own(standard: Standard) -> None:
    """Lines whose cells would join to the same text are still checked one by one."""
    check = checker(standard)
    first = {**EMPLOYEE, "mode": "x\x1fy", "school_type": ""}
    second = {**EMPLOYEE, "mode": "x", "school_type": "y"}
    problems = [
        check.check(Line(number=n, cells=tuple(row.get(c, "") for c in COLUMNS)))
        for n, row in ((2, first), (3, second))
    ]
    assert [[p.reason for p in found] for found in problems if isinstance(found, list)] == [
        ["“x\x1fy” is not a mode: use online, face_to_face or telephone"],
        ["“x” is not a mode: use online, face_to_face or telephone"],
    ]
