"""The case outcomes file: one row per case, its outcome and dates, never its contact
details or answers (the page's download and `manage.py export_outcomes`); on request,
with the case's interviewer (a username) and its sample variables, after the dates."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Final

from django.db.models import Min
from django.utils import timezone

from seb.fieldwork import OUTCOME_LABELS, Outcome

from ..models import Case, Survey

OUTCOMES_COLUMNS: Final = (
    "reference",
    "outcome",
    "outcome_label",
    "in_progress",
    "mode",
    "added",
    "first_contacted",
    "last_activity",
    "completed",
    "withdrawn",
)
CHUNK: Final = 5_000
INTERVIEWER_COLUMN: Final = "interviewer"


def outcomes_columns(
    survey: Survey, *, interviewer: bool = False, variables: bool = False
) -> tuple[str, ...]:
    """The file's columns: OUTCOMES_COLUMNS, then, if asked for, the interviewer and
    each sample variable (by the name the sample gave it)."""
    return (
        *OUTCOMES_COLUMNS,
        *((INTERVIEWER_COLUMN,) if interviewer else ()),
        *(tuple(map(variable_column, survey.sample_variables or ())) if variables else ()),
    )


def variable_column(name: str) -> str:
    """A sample variable's column: its own name, unless the file has a column of that
    name already (then `sample_` before it)."""
    return f"sample_{name}" if name in (*OUTCOMES_COLUMNS, INTERVIEWER_COLUMN) else name


def _when(moment: datetime | None) -> str:
    return "" if moment is None else timezone.localtime(moment).isoformat(timespec="seconds")


def outcome_rows(
    survey: Survey, *, interviewer: bool = False, variables: bool = False
) -> Iterator[list[str]]:
    """The file's rows, by reference, in bounded memory (columns: `outcomes_columns`)."""
    names = list(survey.sample_variables or ()) if variables else []
    cases = (
        Case.objects.filter(survey=survey)
        .order_by("reference")
        .annotate(first_contacted=Min("messages__sent_at"))
        .values_list(
            "reference",
            "outcome",
            "in_progress",
            "mode",
            "created_at",
            "first_contacted",
            "last_activity_at",
            "completed_at",
            "withdrawn_at",
            "interviewer__username",
            "variables",
        )
    )
    for row in cases.iterator(chunk_size=CHUNK):
        reference, outcome, in_progress, mode, *moments, username, values = row
        extra = [username or ""] if interviewer else []
        extra += [str(values.get(name, "")) for name in names]
        yield [
            reference,
            outcome,
            OUTCOME_LABELS[Outcome(outcome)],
            "yes" if in_progress else "no",
            mode,
            *(_when(moment) for moment in moments),
            *extra,
        ]
