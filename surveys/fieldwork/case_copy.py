"""A sample load's staged rows written straight into the cases table, a batch a `COPY`.

What `cases.cases_insert` does with an INSERT ... SELECT from the staging table,
for rows the load still holds: each case gets the survey, the load, the time, its
preferred mode as its mode, and every other column that cannot be NULL its model
default. A batch is copied inside a savepoint, so a reference the survey already
has (or one repeated in the file) rolls back that batch only and is reported; the
load then stops making cases and the whole-file checks say why. The survey, load and
interviewers each batch names are checked once, as the batch's statement ends
(migration 0022's trigger).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Final

import psycopg
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from ..models import Case, SampleLoad, Survey

# The staged row's columns (`sample_lines.staged_values`), by position.
LINE, REFERENCE, EMAIL, PHONE, NAME, ADDRESS, MODE, INTERVIEWER, VARIABLES = range(9)
NONCE, CODE_HASH, LINK_HASH = 9, 10, 11
COPIED: Final = (
    "survey",
    "sample_load",
    "created_at",
    "credentials_issued_at",
    "mode",
    "reference",
    "name",
    "email",
    "phone",
    "address",
    "preferred_mode",
    "interviewer",
    "variables",
    "credentials_nonce",
    "access_code_hash",
    "link_token_hash",
)


class CaseCopier:
    """Makes cases of a load's staged rows, a batch at a time, while every batch so
    far has become cases in full."""

    def __init__(self, *, survey: Survey, load: SampleLoad, now: datetime) -> None:
        self.given = (survey.pk, load.pk, now, now)
        fixed = [
            (f.column, f.get_db_prep_save(f.get_default(), connection))
            for f in Case._meta.concrete_fields
            if not f.primary_key and not f.null and f.name not in COPIED
        ]
        self.defaults = tuple(value for _, value in fixed)
        columns = [Case._meta.get_field(name).column for name in COPIED]
        columns += [column for column, _ in fixed]
        quote = connection.ops.quote_name
        self.sql = (
            f"COPY {quote(Case._meta.db_table)} ({', '.join(map(quote, columns))}) FROM STDIN"
        )
        self.user_ids: dict[str, int] = {}
        self.created = 0

    def _interviewer_ids(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """Learn the user id of each username the rows name (an unknown one stays
        unknown: its case has no interviewer, and the load is refused for it)."""
        names = {row[INTERVIEWER] for row in rows if row[INTERVIEWER]} - self.user_ids.keys()
        if names:
            found = get_user_model().objects.filter(username__in=names)
            self.user_ids.update(found.values_list("username", "pk"))

    def copy(self, cursor: Any, rows: Sequence[tuple[Any, ...]]) -> bool:
        """The rows as cases; False (and no case made of them) when one of their
        references is already a case of the survey."""
        if not rows:
            return True
        self._interviewer_ids(rows)
        given, defaults, ids = self.given, self.defaults, self.user_ids
        try:
            with transaction.atomic(), cursor.copy(self.sql) as copy:
                for row in rows:
                    mode = row[MODE]
                    copy.write_row(
                        (
                            *given,
                            mode,
                            row[REFERENCE],
                            row[NAME],
                            row[EMAIL],
                            row[PHONE],
                            row[ADDRESS],
                            mode,
                            ids.get(row[INTERVIEWER]),
                            row[VARIABLES],
                            row[NONCE],
                            row[CODE_HASH],
                            row[LINK_HASH],
                            *defaults,
                        )
                    )
        except psycopg.errors.UniqueViolation:
            return False
        self.created += len(rows)
        return True
