"""Importing responses collected elsewhere, in the interchange format (codes.md).

All or nothing: a first pass checks every line and keeps only the problems; only
a file without any is written, in a second pass, inside one transaction. Both
passes stream the file, so a million lines import in bounded memory. On
PostgreSQL the second pass is COPY, in statements of `ROWS_PER_COPY` rows;
other databases get batched inserts.

Imported responses are complete at the moment of import, carry their derived
NS-SEC classes, and are marked `imported`; the tables count them like any other.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import IO, Final

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import connection, transaction
from django.utils import timezone

from surveys.models import QUESTION_KEYS, Response, StandardVersion, Survey
from surveys.options import OptionIndex, option_index
from surveys.standard import CURRENT_VERSION, load_standard

from .interchange import (
    CheckedLine,
    FileFormat,
    FileProblem,
    LineChecker,
    Problem,
    check_header,
    read_lines,
)

MAX_LISTED_PROBLEMS: Final = 1000
BATCH_SIZE: Final = 10_000
ROWS_PER_COPY: Final = 50_000
ANSWER_TEXTS_KEPT: Final = 50_000
SLUG_MAX_LENGTH: Final = 60  # Survey.slug


@dataclass
class ImportReport:
    """What an import did, or every reason it did nothing.

    `problems` lists the first `MAX_LISTED_PROBLEMS` problems in file order;
    `problem_count` counts them all and `bad_lines` the lines they are on.
    """

    survey: Survey
    lines_read: int = 0
    imported: int = 0
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    bad_lines: int = 0
    bad_header: bool = False
    no_responses: bool = False
    # Called with every problem as it is found, listed or not (the command prints
    # them all this way, in bounded memory).
    listener: Callable[[Problem], None] | None = None

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    @property
    def unlisted(self) -> int:
        return self.problem_count - len(self.problems)

    def add(self, problems: list[Problem], *, limit: int) -> None:
        self.problem_count += len(problems)
        if self.listener is not None:
            for problem in problems:
                self.listener(problem)
        room = limit - len(self.problems)
        if room > 0:
            self.problems.extend(problems[:room])

    @property
    def summary(self) -> str:
        if self.ok:
            noun = "response" if self.imported == 1 else "responses"
            return f"{self.imported:,} {noun} imported into {self.survey.name}"
        if self.bad_lines:
            lines = "line has" if self.bad_lines == 1 else "lines have"
            return f"Nothing was imported: {self.bad_lines:,} {lines} problems"
        if self.bad_header:
            return "Nothing was imported: the header row has problems"
        if self.no_responses:
            return "Nothing was imported: the file has no responses"
        return "Nothing was imported: the file cannot be read"


class SurveyNotFound(Exception):
    """There is no survey to import into (and none can be made with that slug)."""


def survey_for_import(*, slug: str, create: bool = False, name: str = "") -> Survey:
    """The survey with this slug; with `create`, a new one offering every mode if none has it."""
    survey = Survey.objects.filter(slug=slug).select_related("standard").first()
    if survey is not None:
        return survey
    if not create:
        raise SurveyNotFound(f"There is no survey “{slug}”: use --create to make it")
    try:
        validate_slug(slug)
        if len(slug) > SLUG_MAX_LENGTH:
            raise ValidationError("too long")
    except ValidationError:
        raise SurveyNotFound(
            f"“{slug}” cannot be a survey's address: use up to 60 letters, numbers, "
            "hyphens and underscores"
        ) from None
    return Survey.objects.create(
        slug=slug,
        name=name or slug,
        standard=StandardVersion.objects.get(version=CURRENT_VERSION),
        offers_online=True,
        offers_face_to_face=True,
        offers_telephone=True,
    )


@dataclass
class _InterchangeFile:
    """A file read once to check it and once to write it, with the verdicts shared."""

    survey: Survey
    stream: IO[bytes]
    file_format: FileFormat
    checker: LineChecker | None = None

    def checked_lines(self, *, report: ImportReport, limit: int) -> Iterator[CheckedLine]:
        """Every line that passes its checks; the others' problems go in the report."""
        lines = read_lines(self.stream, self.file_format)
        header_line = next(lines, None)
        if header_line is None:
            report.no_responses = True
            report.add(
                [Problem("The file is empty: it has no header row and no responses")], limit=1
            )
            return
        header, problems = check_header(header_line)
        if problems:
            report.bad_header = True
            report.add(problems, limit=limit)
            return
        if self.checker is None or self.checker.header != header:
            self.checker = LineChecker(
                header=header,
                standard=load_standard(self.survey.standard.version),
                modes=self.survey.modes,
                csv_quoting=self.file_format is FileFormat.CSV,
            )
        for line in lines:
            report.lines_read += 1
            checked = self.checker.check(line)
            if isinstance(checked, list):
                report.bad_lines += 1
                report.add(checked, limit=limit)
            else:
                yield checked


def import_responses(
    *,
    survey: Survey,
    stream: IO[bytes],
    file_format: FileFormat,
    now: datetime | None = None,
    max_listed: int = MAX_LISTED_PROBLEMS,
    on_problem: Callable[[Problem], None] | None = None,
) -> ImportReport:
    """Import every line of an interchange file into `survey`, or none of them.

    `stream` is a seekable binary file; it is read twice. `on_problem` is called
    with every problem found, however many there are.
    """
    survey = Survey.objects.select_related("standard").get(pk=survey.pk)
    source = _InterchangeFile(survey=survey, stream=stream, file_format=file_format)
    checking = ImportReport(survey=survey, listener=on_problem)
    try:
        for _ in source.checked_lines(report=checking, limit=max_listed):
            pass
    except FileProblem as error:
        checking.add([error.problem], limit=max_listed)
    if checking.ok and checking.lines_read == 0:
        checking.no_responses = True
        checking.add(
            [Problem("The file has a header row but no responses under it", line=1)],
            limit=max_listed,
        )
    if not checking.ok:
        return checking

    now = now or timezone.now()
    writing = ImportReport(survey=survey)
    writer = _copy_responses if connection.vendor == "postgresql" else _insert_responses
    try:
        with transaction.atomic():
            lines = source.checked_lines(report=writing, limit=1)
            writing.imported = writer(survey=survey, lines=lines, now=now)
            if not writing.ok or writing.lines_read != checking.lines_read:
                raise _FileChanged
    except (_FileChanged, FileProblem):
        changed = ImportReport(survey=survey)
        changed.add([Problem("The file changed while it was being imported")], limit=1)
        return changed
    return writing


class _FileChanged(Exception):
    """The second pass did not read what the first checked: nothing is kept."""


def _copy_text(value: str) -> str:
    """`value` escaped for PostgreSQL's COPY text format."""
    return (
        value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    )


def _copy_responses(*, survey: Survey, lines: Iterator[CheckedLine], now: datetime) -> int:
    """Write the lines with COPY, `ROWS_PER_COPY` rows per statement."""
    index = option_index(survey.standard.version)
    fixed = {
        "survey": str(survey.pk),
        "standard": str(survey.standard_id),
        "status": Response.Status.COMPLETE.value,
        "source": Response.Source.IMPORTED.value,
        "stop_reason": "",
        "revision": "0",
        "started_at": now.isoformat(),
        "updated_at": now.isoformat(),
        "completed_at": now.isoformat(),
    }
    fields = ["id", "reference", "mode", *QUESTION_KEYS, "nssec5", "nssec3", *fixed]
    columns = [Response._meta.get_field(name).column for name in fields]
    tail = "\t".join(fixed.values()) + "\n"
    quote = connection.ops.quote_name
    table = quote(Response._meta.db_table)
    sql = f"COPY {table} ({', '.join(quote(column) for column in columns)}) FROM STDIN"
    rows = _copy_rows(lines, index=index, tail=tail)
    written = 0
    with connection.cursor() as cursor:
        # Each COPY checks its foreign keys when it ends, not at commit:
        # PostgreSQL holds every pending check in memory until it runs.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        while chunk := list(islice(rows, ROWS_PER_COPY)):
            with cursor.copy(sql) as copy:
                for start in range(0, len(chunk), BATCH_SIZE):
                    copy.write("".join(chunk[start : start + BATCH_SIZE]))
            written += len(chunk)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    return written


def _copy_rows(lines: Iterator[CheckedLine], *, index: OptionIndex, tail: str) -> Iterator[str]:
    """A line of COPY text per response; the answers' text is worked out once per pattern."""
    answer_text: dict[str, str] = {}
    for line in lines:
        text = answer_text.get(line.key)
        if text is None:
            text = _answer_text(line, index)
            if len(answer_text) < ANSWER_TEXTS_KEPT:
                answer_text[line.key] = text
        yield f"{uuid.uuid4()}\t{_copy_text(line.reference)}\t{text}\t{tail}"


def _answer_text(line: CheckedLine, index: OptionIndex) -> str:
    checked = line.answers
    cells = [checked.mode.value]
    for key in QUESTION_KEYS:
        code = checked.answers.get(key)
        cells.append("\\N" if code is None else str(index.id_for(key, code)))
    cells += [checked.nssec.nssec5, checked.nssec.nssec3]
    return "\t".join(cells)


def _insert_responses(*, survey: Survey, lines: Iterator[CheckedLine], now: datetime) -> int:
    """Write the lines in batches of bulk inserts (databases without COPY)."""
    index = option_index(survey.standard.version)
    written = 0
    batch: list[Response] = []
    for line in lines:
        checked = line.answers
        response = Response(
            survey=survey,
            standard_id=survey.standard_id,
            mode=checked.mode.value,
            status=Response.Status.COMPLETE,
            source=Response.Source.IMPORTED,
            reference=line.reference,
            started_at=now,
            updated_at=now,
            completed_at=now,
            nssec5=checked.nssec.nssec5,
            nssec3=checked.nssec.nssec3,
        )
        for key, code in checked.answers.items():
            setattr(response, f"{key}_id", index.id_for(key, code))
        batch.append(response)
        if len(batch) == BATCH_SIZE:
            Response.objects.bulk_create(batch)
            written += len(batch)
            batch.clear()
    if batch:
        Response.objects.bulk_create(batch)
        written += len(batch)
    return written
