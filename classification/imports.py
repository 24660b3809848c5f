"""Importing responses collected elsewhere, in the interchange format (docs/spec/codes.md).

All or nothing, in one pass: the file is read once, a line at a time; each line
is checked, and while no line has failed the checked lines are written (through
`surveys.responses.bulk.responses_create`, with COPY on PostgreSQL) inside one
transaction. At the first bad line writing stops, checking goes on to the end
so the report lists every problem, and the transaction is rolled back. A file
without problems is committed whole. Memory stays bounded whatever the file
holds (`seb.interchange.reading`).

Imported responses are complete at the moment of import, carry their derived
NS-SEC classes, and are marked `imported`; the tables count them like any other.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any, Final

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.utils import timezone

from seb.interchange import LIMITS, FileFormat, FileProblem, Problem, ProblemLog
from seb.interchange.checking import CheckedLine, LineChecker, check_header
from seb.interchange.reading import read_lines
from seb.standard import load_standard
from surveys.models import Response, Survey
from surveys.responses.bulk import NewResponse, responses_create

from .models import ImportRecord

MAX_LISTED_PROBLEMS: Final = LIMITS.problems_listed
SLUG_MAX_LENGTH: Final = 60  # Survey.slug
PROGRESS_EVERY: Final = 10_000


@dataclass(kw_only=True)
class ImportReport(ProblemLog):
    """What an import did, or every reason it did nothing.

    `problems` lists the first `MAX_LISTED_PROBLEMS` problems in file order;
    `problem_count` counts them all and `bad_lines` the lines they are on.
    """

    survey: Survey
    lines_read: int = 0
    imported: int = 0
    bad_lines: int = 0
    bad_header: bool = False
    no_responses: bool = False
    duplicate_of: ImportRecord | None = None

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
        if self.duplicate_of is not None:
            return "Nothing was imported: this file has been imported into the survey before"
        return "Nothing was imported: the file cannot be read"


class SurveyNotFound(Exception):
    """There is no survey to import into (and none can be made with that slug)."""


def survey_for_import(*, slug: str, create: bool = False, name: str = "") -> Survey:
    """The survey with this slug; with `create`, a new one offering every mode if none has it."""
    survey = Survey.objects.filter(slug=slug).first()
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
        offers_online=True,
        offers_face_to_face=True,
        offers_telephone=True,
    )


def file_digest(stream: IO[bytes]) -> str:
    """The SHA-256 of a whole file, to know the same file when it comes again."""
    stream.seek(0)
    digest = hashlib.sha256()
    while chunk := stream.read(1024 * 1024):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


def _checked_lines(
    *, survey: Survey, stream: IO[bytes], file_format: FileFormat, report: ImportReport, limit: int
) -> Iterator[CheckedLine]:
    """Every line that passes its checks; the others' problems go in the report."""
    lines = read_lines(stream, file_format)
    header_line = next(lines, None)
    if header_line is None:
        report.no_responses = True
        report.add([Problem("The file is empty: it has no header row and no responses")], limit=1)
        return
    header, problems = check_header(header_line)
    if problems:
        report.bad_header = True
        report.add(problems, limit=limit)
        return
    checker = LineChecker(
        header=header,
        standard=load_standard(survey.standard_version),
        modes=survey.modes,
        csv_quoting=file_format is FileFormat.CSV,
    )
    for line in lines:
        report.lines_read += 1
        checked = checker.check(line)
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
    on_progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import every line of an interchange file into `survey`, or none of them.

    `stream` is a seekable binary file, read once. `on_problem` is called with
    every problem found, however many there are; `on_progress` with the number
    of lines read, every `PROGRESS_EVERY` lines.
    """
    now = now or timezone.now()
    report = ImportReport(survey=survey, listener=on_problem)

    def responses() -> Iterator[NewResponse]:
        try:
            for checked in _checked_lines(
                survey=survey,
                stream=stream,
                file_format=file_format,
                report=report,
                limit=max_listed,
            ):
                if on_progress is not None and report.lines_read % PROGRESS_EVERY == 0:
                    on_progress(report.lines_read)
                if report.ok:
                    yield NewResponse(
                        complete=checked.response,
                        reference=checked.reference,
                        completed_at=now,
                        started_at=now,
                        source=Response.Source.IMPORTED,
                    )
        except FileProblem as error:
            report.add([error.problem], limit=max_listed)

    with transaction.atomic():
        report.imported = responses_create(survey=survey, responses=responses(), now=now)
        if report.ok and report.lines_read == 0:
            report.no_responses = True
            report.add(
                [Problem("The file has a header row but no responses under it", line=1)],
                limit=max_listed,
            )
        if not report.ok:
            report.imported = 0
            transaction.set_rollback(True)
    return report


def previous_import(*, survey: Survey, digest: str) -> ImportRecord | None:
    """The last time this very file (by its SHA-256) was imported into the survey."""
    return ImportRecord.objects.filter(survey=survey, sha256=digest).first()


def duplicate_problem(record: ImportRecord) -> Problem:
    when = timezone.localtime(record.imported_at)
    who = f" by {record.imported_by.get_username()}" if record.imported_by else ""
    return Problem(
        f"This file was imported into the survey on {when.day} {when:%B %Y at %H:%M}{who} "
        f"({record.responses:,} responses). Importing it again would store its responses "
        "twice: confirm that you mean to, or import a different file"
    )


def import_file(
    *,
    survey: Survey,
    stream: IO[bytes],
    file_format: FileFormat,
    file_name: str,
    user: Any = None,
    allow_duplicate: bool = False,
    on_problem: Callable[[Problem], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import a file, unless the very same file was imported into the survey before
    (and `allow_duplicate` is not given); a file imported is remembered by its digest."""
    digest = file_digest(stream)
    earlier = previous_import(survey=survey, digest=digest)
    if earlier is not None and not allow_duplicate:
        report = ImportReport(survey=survey, listener=on_problem, duplicate_of=earlier)
        report.add([duplicate_problem(earlier)], limit=1)
        return report
    with transaction.atomic():
        report = import_responses(
            survey=survey,
            stream=stream,
            file_format=file_format,
            on_problem=on_problem,
            on_progress=on_progress,
        )
        if report.ok:
            ImportRecord.objects.create(
                survey=survey,
                sha256=digest,
                file_name=file_name[:300],
                responses=report.imported,
                imported_by=user if user is not None and user.is_authenticated else None,
            )
    return report


def report_as_data(report: ImportReport) -> dict[str, Any]:
    """The report as a job keeps it (the first problems listed, and how many in all)."""
    return {
        "ok": report.ok,
        "summary": report.summary,
        "imported": report.imported,
        "lines_read": report.lines_read,
        "problem_count": report.problem_count,
        "unlisted": report.unlisted,
        "duplicate": report.duplicate_of is not None,
        "problems": [
            {"line": p.line, "column": p.column, "reason": p.reason} for p in report.problems
        ],
    }
