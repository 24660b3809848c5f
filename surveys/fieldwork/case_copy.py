"""A sample load's checked lines written straight into the cases table, a batch a `COPY`.

Each case gets the survey, the load, the time, its preferred mode as its mode, and
every other column that cannot be NULL its model default, as `cases_insert` gives
them with an INSERT ... SELECT. The checking thread (`sample_lines`) writes each
line's case as a line of `COPY` text (`CaseLines.line`, everything but the
interviewer, the last column); the loader's thread gives each its interviewer's id,
which needs the database, and copies the batch (`CaseCopier`) inside a savepoint, so
a reference the survey already has (or one repeated in the file) rolls back that
batch only; the load then stops making cases and the whole-file checks say why. The
survey, load and interviewers a batch names are checked once, as its statement ends
(migration 0022's trigger).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Final

import psycopg
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from seb.sample import SampleRow

from ..models import Case, SampleLoad, Survey
from .issuing import GIVEN_FIELDS, INSERTED_FIELDS

# The columns of a new case (`issuing`'s, as `cases_insert` gives them): the given ones,
# then the line's own, the interviewer moved last (the loader fills it in);
# `CaseLines.line` writes them in this order.
LAST: Final = "interviewer"
COPIED: Final = (*GIVEN_FIELDS, *(name for name in INSERTED_FIELDS if name != LAST))
NULL: Final = "\\N"
# COPY's text format: a backslash, and the tab, newline and carriage return that
# separate its columns and rows, escaped (a cell may hold them: an address's lines).
_ESCAPES: Final = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_ESCAPED: Final = re.compile(r"[\\\t\n\r]")


def copy_columns(*values: str) -> str:
    """Text values as columns of one COPY line (most need no escape: one search says)."""
    if _ESCAPED.search("".join(values)) is None:
        return "\t".join(values)
    return "\t".join(value.translate(_ESCAPES) for value in values)


def copy_text(value: object) -> str:
    """A value as a column of COPY's text format."""
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False).translate(_ESCAPES)
    raise TypeError(f"no COPY text for {type(value).__name__}")


class CaseLines:
    """How a checked line of a load becomes a line of the cases' COPY: made on the
    loader's thread, used on the checking thread (it touches no database)."""

    def __init__(self, *, survey: Survey, load: SampleLoad, now: datetime) -> None:
        fixed = [
            (f.column, f.get_db_prep_save(f.get_default(), connection))
            for f in Case._meta.concrete_fields
            if not f.primary_key and not f.null and f.name not in (*COPIED, LAST)
        ]
        self.head = "\t".join(copy_text(value) for value in (survey.pk, load.pk, now, now))
        self.tail = "".join(f"\t{copy_text(value)}" for _, value in fixed)
        quote = connection.ops.quote_name
        columns = [
            *(Case._meta.get_field(name).column for name in COPIED),
            *(column for column, _ in fixed),
            Case._meta.get_field(LAST).column,
        ]
        self.sql = (
            f"COPY {quote(Case._meta.db_table)} ({', '.join(map(quote, columns))}) FROM STDIN"
        )

    def line(
        self, row: SampleRow, variables: str, nonce: str, code_hash: str, link_hash: str
    ) -> str:
        """The case of `row` (its variables as JSON) up to its interviewer's column."""
        mode = row.mode
        given = copy_columns(
            mode, row.reference, row.name, row.email, row.phone, row.address, mode, variables
        )
        return f"{self.head}\t{given}\t{nonce}\t{code_hash}\t{link_hash}{self.tail}\t"


class CaseCopier:
    """Makes cases of a load's lines, a batch at a time, while every batch so far has
    become cases in full."""

    def __init__(self, lines: CaseLines) -> None:
        self.sql = lines.sql
        self.user_ids: dict[str, str] = {}
        self.created = 0

    def _interviewer_ids(self, names: Sequence[str]) -> None:
        """Learn the user id of each username the lines name (an unknown one stays
        unknown: its case has no interviewer, and the load is refused for it)."""
        unknown = {name for name in names if name} - self.user_ids.keys()
        if unknown:
            found = get_user_model().objects.filter(username__in=unknown)
            pairs = found.values_list("username", "pk")
            self.user_ids.update((name, str(pk)) for name, pk in pairs)

    def copy(self, cursor: Any, lines: Sequence[str], interviewers: Sequence[str]) -> bool:
        """The lines (`CaseLines.line`, each with the username of its interviewer or "")
        as cases; False (and no case made of them) when one of their references is
        already a case of the survey."""
        if not lines:
            return True
        self._interviewer_ids(interviewers)
        ids = self.user_ids
        text = "".join(
            f"{line}{ids.get(name, NULL) if name else NULL}\n"
            for line, name in zip(lines, interviewers, strict=True)
        )
        try:
            with transaction.atomic(), cursor.copy(self.sql) as copy:
                copy.write(text)
        except psycopg.errors.UniqueViolation:
            return False
        self.created += len(lines)
        return True
