"""The occupation outputs' reads: the microdata's occupation columns and the counts of
the table of self-coded NS-SEC by full NS-SEC (docs/spec/occupation-outputs.md).

Both read a survey's responses with their job titles in one query (a LEFT JOIN on the
one-to-one `JobTitle`), never a query a row. The table is one GROUP BY over the
selected responses with the sum of their record keys, not the tallies: a title's
coding changes after the response is complete (a coder in the queue), and the
tallies count one column at a time (docs/decisions/occupation-table-from-responses.md).
"""

from __future__ import annotations

from typing import Final

from django.db.models import Count, QuerySet, Sum

from seb.crosstab import CrossTable, CrossTableError, build_cross
from seb.interchange import MICRODATA_COLUMNS
from seb.occupation.tables import SELF_BY_FULL
from seb.occupation.variables import JOB_TITLE, OCCUPATION_COLUMNS
from seb.perturbation import KeyedCount
from seb.tables import TableError
from surveys.models import Response, Survey

# The model field behind each occupation column, through the response's job title.
OCCUPATION_FIELDS: Final = {
    "soc2020": "job_title__soc2020",
    "soc2010": "job_title__soc2010",
    "job_title_status": "job_title__status",
    "coding_method": "job_title__method",
    "coding_score": "job_title__score",
    "nssec_operational": "job_title__nssec_operational",
    "nssec8": "job_title__nssec8",
    "nssec5_full": "job_title__nssec5_full",
    "nssec3_full": "job_title__nssec3_full",
    JOB_TITLE: "job_title__text",
}
assert tuple(OCCUPATION_FIELDS)[:-1] == OCCUPATION_COLUMNS


def microdata_columns(survey: Survey, *, typed_title: bool = False) -> tuple[str, ...]:
    """The survey's microdata columns: the standard's; for a survey that asks the job
    title, the occupation columns too, and the typed title where `typed_title` (only for
    readers allowed unrounded figures and microdata, who alone get microdata today)."""
    if not survey.asks_job_title:
        return MICRODATA_COLUMNS
    return (*MICRODATA_COLUMNS, *OCCUPATION_COLUMNS, *((JOB_TITLE,) if typed_title else ()))


def field_of(column: str) -> str:
    """The model field (or path) a microdata column reads."""
    return OCCUPATION_FIELDS.get(column, column)


def self_by_full_counts(
    responses: QuerySet[Response],
) -> dict[tuple[str, str | None], KeyedCount]:
    """(self-coded nssec5, full nssec8 or None) to the number of responses and the sum
    of their record keys: one GROUP BY. None is a response with no coded full NS-SEC."""
    rows = (
        responses.order_by()
        .values_list("nssec5", "job_title__nssec8")
        .annotate(n=Count("pk"), keys=Sum("record_key"))
    )
    counts: dict[tuple[str, str | None], KeyedCount] = {}
    for nssec5, nssec8, n, keys in rows:
        key = (nssec5, nssec8 or None)
        counts[key] = counts.get(key, KeyedCount(0)) + KeyedCount(n, keys)
    return counts


def occupation_tables(*, survey: Survey, responses: QuerySet[Response]) -> tuple[CrossTable, ...]:
    """The two-way tables of a survey that asks for the job title (none otherwise), for
    `responses` (the selection's counted responses): one GROUP BY each."""
    if not survey.asks_job_title:
        return ()
    try:
        return (build_cross(SELF_BY_FULL, self_by_full_counts(responses)),)
    except CrossTableError as error:
        raise TableError(str(error)) from error
