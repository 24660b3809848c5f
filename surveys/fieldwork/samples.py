"""Loading a sample from a file, all or nothing, with the mail-merge file of its cases.

A file is read once, a line at a time (`seb.interchange.reading`: CSV or XLSX,
in bounded memory, with its limits). Each line is checked on its own
(`seb.sample`) and given the credentials its case will have (a new nonce and the
hashes of the code and link it derives, one HMAC), the code and link themselves
going only to the mail-merge file, if one was asked for (`CodesOut`); that work runs
on a thread of its own, a batch ahead (`surveys.fieldwork.sample_lines`). Each batch is
staged in a temporary table (COPY) and, while no problem has been found, made into
cases at once (`surveys.fieldwork.case_copy`: a COPY in a savepoint, which a reference the
survey already has rolls back). Then the checks that need the whole file run in the
database: a reference repeated in the file or already in the survey's sample (only
when a batch was refused, or a line had a problem: otherwise the cases' unique
reference has checked them), an interviewer who is not one. With no problem
anywhere, the cases stand and the mail-merge file is kept; with any, the transaction
is rolled back (the cases made so far with it), the file deleted, and the report
lists every problem with its line, column and reason, as a response import's does.
Memory stays bounded whatever the file's size: the file, the staged rows and the new
cases are each handled in batches.

The mail-merge file is `surveys.fieldwork.codes_file`'s.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any, Final

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from seb.interchange import LIMITS, FileFormat, FileProblem, Problem, ProblemLog
from seb.interchange.reading import read_lines
from seb.sample import check_sample_header

from ..audit import Event, audit
from ..models import Case, SampleLoad, Survey
from .case_copy import CaseCopier, CaseLines
from .codes_file import CodesOut, CodesRows
from .issuing import credentials_keys
from .phones import PhoneCheck, load_phones_classify
from .sample_lines import Ahead, checked_batches
from .staff import interviewers
from .teams import interviewers_join

STAGING: Final = "seb_sample_staging"
STAGE_BATCH: Final = 5_000
PROGRESS_EVERY: Final = 10_000
# What the whole-file checks read of each line (`sample_lines.staged_line`).
STAGED_COLUMNS: Final = ("line", "reference", "interviewer")


@dataclass(kw_only=True)
class SampleReport(ProblemLog):
    """What a load did, or every reason it did nothing (the shape of an import's report)."""

    survey: Survey
    lines_read: int = 0
    created: int = 0
    bad_header: bool = False
    empty: bool = False
    load: SampleLoad | None = None
    phones: PhoneCheck | None = None

    def add(self, problems: list[Problem], *, limit: int = LIMITS.problems_listed) -> None:
        super().add(problems, limit=limit)

    @property
    def summary(self) -> str:
        if self.ok:
            noun = "case" if self.created == 1 else "cases"
            return f"{self.created:,} {noun} added to the sample of {self.survey.name}"
        if self.bad_header:
            return "No case was added: the header row has problems"
        if self.empty:
            return "No case was added: the file has no cases"
        lines = len({problem.line for problem in self.problems if problem.line})
        if lines:
            return (
                f"No case was added: the file has {self.problem_count:,} "
                f"problem{'s' if self.problem_count != 1 else ''}"
            )
        return "No case was added: the file cannot be read"

    def as_data(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "summary": self.summary,
            "created": self.created,
            "lines_read": self.lines_read,
            "problem_count": self.problem_count,
            "phones": self.phones.as_data() if self.phones is not None else None,
            "unlisted": self.unlisted,
            "problems": [
                {"line": p.line, "column": p.column, "reason": p.reason} for p in self.problems
            ],
        }


# The staging table ------------------------------------------------------------------


def _create_staging(cursor: Any) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")
    text_columns = ", ".join(f"{name} TEXT NOT NULL" for name in STAGED_COLUMNS[1:])
    # No index while the lines go in (a line's number is unique as the file is read);
    # the references are indexed only if they are checked (`_database_problems`).
    cursor.execute(f"CREATE TEMPORARY TABLE {STAGING} (line INTEGER NOT NULL, {text_columns})")


def _stage(cursor: Any, lines: list[str]) -> None:
    """Write staged rows (`sample_lines.staged_line`)."""
    if not lines:
        return
    columns = ", ".join(STAGED_COLUMNS)
    with cursor.copy(f"COPY {STAGING} ({columns}) FROM STDIN") as copy:
        copy.write("".join(lines))


# Each line whose reference an earlier line has, with that earlier line: one pass
# over the staging table in reference order (its index), whatever the planner knows.
DUPLICATES_SQL: Final = (
    "SELECT line, reference, first FROM (SELECT line, reference, "  # noqa: S608
    f"MIN(line) OVER (PARTITION BY reference) AS first FROM {STAGING}) s "
    "WHERE line > first"
)


def _database_problems(
    cursor: Any, survey: Survey, load: SampleLoad, limit: int, *, references: bool = True
) -> tuple[list[Problem], int]:
    """Problems that need the whole file or the database, in line order (the first
    `limit`), and how many there are. Without `references`, the references are not
    checked: every staged line is a case of `load` already, so the cases' unique
    reference has checked them.

    The staging table is analysed first: without its statistics PostgreSQL guesses
    it holds a few rows and may plan a join that loops over every pair of lines.
    """
    if references:
        # Indexed only now: most loads never need it.
        cursor.execute(f"CREATE INDEX IF NOT EXISTS {STAGING}_reference ON {STAGING} (reference)")
        cursor.execute(f"ANALYZE {STAGING}")
    quote = connection.ops.quote_name
    case_table = quote(Case._meta.db_table)
    # The one selector of who is an interviewer, as SQL.
    interviewer_names, interviewer_params = (
        interviewers().order_by().values("username").query.sql_with_params()
    )
    checks = [
        (
            DUPLICATES_SQL,
            [],
            lambda line, ref, first: Problem(
                f"The reference {ref} is also on line {first}: each case has its own reference",
                line=line,
                column="reference",
            ),
        ),
        (
            f"SELECT s.line, s.reference, '' FROM {STAGING} s JOIN {case_table} c "  # noqa: S608
            "ON c.survey_id = %s AND c.reference = s.reference "
            # Not the cases this load has made of the file's lines so far.
            "AND c.sample_load_id IS DISTINCT FROM %s",
            [survey.pk, load.pk],
            lambda line, ref, _: Problem(
                f"The reference {ref} is already in the survey's sample: a file adds new "
                "cases, and never changes existing ones (edit a case on its own page)",
                line=line,
                column="reference",
            ),
        ),
        (
            f"SELECT s.line, s.interviewer, '' FROM {STAGING} s WHERE s.interviewer <> '' "  # noqa: S608
            f"AND s.interviewer NOT IN ({interviewer_names})",
            list(interviewer_params),
            lambda line, name, _: Problem(
                f"{name} is not the username of an interviewer",
                line=line,
                column="interviewer",
            ),
        ),
    ]
    found: list[Problem] = []
    total = 0
    for sql, params, problem in checks if references else checks[2:]:
        cursor.execute(f"SELECT COUNT(*) FROM ({sql}) q", params)  # noqa: S608
        total += int(cursor.fetchone()[0])
        cursor.execute(f"{sql} ORDER BY 1 LIMIT {int(limit)}", params)
        found.extend(problem(*row) for row in cursor.fetchall())
    found.sort(key=lambda p: p.line or 0)
    return found[:limit], total


# Loading ----------------------------------------------------------------------------


def sample_load(
    *,
    survey: Survey,
    stream: IO[bytes],
    file_format: FileFormat,
    file_name: str = "",
    user: Any = None,
    job_id: Any = None,
    on_problem: Callable[[Problem], None] | None = None,
    on_progress: Callable[[int, str], None] | None = None,
    max_listed: int = LIMITS.problems_listed,
    codes: CodesOut | None = None,
) -> SampleReport:
    """Load every case of a sample file into `survey`, or none of them; with `codes`,
    write each new case's code and link there from the credentials it is made with
    (see `CodesOut`)."""
    report = SampleReport(survey=survey, listener=on_problem)
    now = timezone.now()
    rows = None
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            # Opened first: a partial file this load did not make (another load's) is
            # refused by `open` and never deleted here.
            rows = None if codes is None else CodesRows(codes.open(codes.partial), survey)
            try:
                _load(
                    cursor,
                    report=report,
                    survey=survey,
                    stream=stream,
                    file_format=file_format,
                    file_name=file_name,
                    user=user,
                    job_id=job_id,
                    on_progress=on_progress,
                    max_listed=max_listed,
                    codes=rows,
                    now=now,
                )
            finally:
                if rows is not None:
                    rows.close()
    except BaseException:
        if codes is not None and rows is not None:
            codes.partial.unlink(missing_ok=True)
        raise
    if codes is not None:
        if report.ok:
            os.replace(codes.partial, codes.path)
        else:
            codes.partial.unlink(missing_ok=True)
    return report


def _load(
    cursor: Any,
    *,
    report: SampleReport,
    survey: Survey,
    stream: IO[bytes],
    file_format: FileFormat,
    file_name: str,
    user: Any,
    job_id: Any,
    on_progress: Callable[[int, str], None] | None,
    max_listed: int,
    codes: CodesRows | None,
    now: datetime,
) -> None:
    _create_staging(cursor)
    # Made first, for the cases made as the file is read; rolled back with them.
    load = SampleLoad.objects.create(
        survey=survey,
        job_id=job_id,
        file_name=file_name[:300],
        created_by=user if getattr(user, "is_authenticated", False) else None,
        created_at=now,
    )
    try:
        variables, all_cases = _stage_file(
            cursor, survey=survey, load=load, stream=stream, file_format=file_format,
            report=report, limit=max_listed, on_progress=on_progress, codes=codes, now=now,
        )  # fmt: skip
    except FileProblem as error:
        report.add([error.problem], limit=max_listed)
        variables, all_cases = [], False
    if report.ok and report.lines_read == 0 and not report.bad_header:
        report.empty = True
        report.add([Problem("The file has a header row but no cases under it", line=1)])
    if not report.bad_header and report.lines_read:
        if on_progress is not None:
            on_progress(report.lines_read, "Checking references and interviewers")
        problems, total = _database_problems(
            cursor, survey, load, max_listed, references=not all_cases
        )
        if total:
            _merge(report, problems, total, limit=max_listed)
    if report.ok:
        if not all_cases:  # a reference left out, with no problem found to say why
            raise RuntimeError("a sample line was not made into a case")
        if on_progress is not None:
            on_progress(report.created, f"Added {report.created:,} cases")
        load.cases = report.created
        load.save(update_fields=["cases"])
        known = list(survey.sample_variables or [])
        added = [name for name in variables if name not in known]
        if added:
            Survey.objects.filter(pk=survey.pk).update(sample_variables=known + added)
            survey.sample_variables = known + added
        audit(Event.CASES_CREATED, actor=user, target=survey, count=report.created, file=file_name)
        _interviewers_join(cursor, survey=survey, user=user, file_name=file_name)
        report.load = load
        report.phones = load_phones_classify(load)
    else:
        report.created = 0
    cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")
    if not report.ok:
        transaction.set_rollback(True)


def _interviewers_join(cursor: Any, *, survey: Survey, user: Any, file_name: str) -> None:
    """The interviewers the file assigns cases to join the survey's team (audited)."""
    cursor.execute(f"SELECT DISTINCT interviewer FROM {STAGING} WHERE interviewer <> ''")  # noqa: S608
    names = [row[0] for row in cursor.fetchall()]
    if names:
        ids = get_user_model().objects.filter(username__in=names).values_list("pk", flat=True)
        interviewers_join(survey=survey, user_ids=ids, actor=user, file=file_name)


def _merge(report: SampleReport, problems: list[Problem], total: int, *, limit: int) -> None:
    """Add the whole-file problems to the line problems, keeping the first `limit` of
    them all in line order."""
    if report.listener is not None:
        for problem in problems:
            report.listener(problem)
    merged = sorted([*report.problems, *problems], key=lambda p: p.line or 0)
    report.problems = merged[:limit]
    report.problem_count += total


def _stage_file(
    cursor: Any,
    *,
    survey: Survey,
    load: SampleLoad,
    stream: IO[bytes],
    file_format: FileFormat,
    report: SampleReport,
    limit: int,
    on_progress: Callable[[int, str], None] | None,
    codes: CodesRows | None,
    now: datetime,
) -> tuple[list[str], bool]:
    """Check each line on its own and stage it, with the credentials its case will
    have (their row written to `codes`); the sample variables' names, and whether
    every staged line is already a case.

    While no problem has been found, each batch of lines is also made into cases at
    once (`case_copy`; a batch with a reference the survey already has is not), in
    the transaction the load rolls back if any problem turns up later; the lines are
    checked on a thread of their own meanwhile (`sample_lines`).
    """
    lines = read_lines(stream, file_format)
    header_line = next(lines, None)
    if header_line is None:
        report.empty = True
        report.add([Problem("The file is empty: it has no header row and no cases")], limit=1)
        return [], False
    header, problems = check_sample_header(header_line)
    if problems:
        report.bad_header = True
        report.add(problems, limit=limit)
        return [], False
    batches = checked_batches(
        lines,
        header=header,
        modes=frozenset(survey.modes),
        csv_quoting=file_format is FileFormat.CSV,
        key=credentials_keys()[0],
        codes=codes,
        cases=(case_lines := CaseLines(survey=survey, load=load, now=now)),
        size=STAGE_BATCH,
    )
    all_cases = True
    copier = CaseCopier(case_lines)
    with Ahead(batches) as ahead:
        for batch in ahead:
            before = report.lines_read
            report.lines_read += batch.lines
            if batch.problems:
                report.add(batch.problems, limit=limit)
            _stage(cursor, batch.staged)
            # Every staged line has its case while no line has had a problem.
            all_cases = (
                all_cases
                and report.ok
                and len(batch.cases) == len(batch.staged)
                and copier.copy(cursor, batch.cases, batch.interviewers)
            )
            if on_progress is not None and (
                report.lines_read // PROGRESS_EVERY > before // PROGRESS_EVERY
            ):
                on_progress(report.lines_read, f"Checked {report.lines_read:,} lines")
    report.created = copier.created
    return [name for name, _ in header.variables], all_cases


def load_cases(load: SampleLoad) -> QuerySet[Case]:
    return Case.objects.filter(sample_load=load)


def sample_cases(survey: Survey) -> QuerySet[Case]:
    """The survey's cases still in its sample (for a file after regenerating all)."""
    return Case.objects.filter(survey=survey, withdrawn_at__isnull=True)
