"""The case outcomes file: one row per case, its outcome and dates, never its contact
details or answers (the page's download and `manage.py export_outcomes`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Final

from django.db.models import Min
from django.utils import timezone

from seb.fieldwork import OUTCOME_LABELS, Outcome

from .models import Case, Survey

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


def _when(moment: datetime | None) -> str:
    return "" if moment is None else timezone.localtime(moment).isoformat(timespec="seconds")


def outcome_rows(survey: Survey) -> Iterator[list[str]]:
    """The file's rows, by reference, in bounded memory."""
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
        )
    )
    for reference, outcome, in_progress, mode, *moments in cases.iterator(chunk_size=CHUNK):
        yield [
            reference,
            outcome,
            OUTCOME_LABELS[Outcome(outcome)],
            "yes" if in_progress else "no",
            mode,
            *(_when(moment) for moment in moments),
        ]
