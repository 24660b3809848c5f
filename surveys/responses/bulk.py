"""Complete responses made in bulk (imports, demo data, benchmarks): rows streamed to
the database by COPY in pieces, made ahead on a thread, with their tallies, in one
transaction.
"""

from __future__ import annotations

import os
import queue
import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from django.db import connection, transaction
from django.utils import timezone

from seb.routing import (
    CompleteResponse,
    complete_response,
)
from seb.standard import QUESTION_KEYS, Mode, load_standard

from ..fieldwork.derived import BATCH_SIZE as DERIVE_BATCH
from ..fieldwork.derived import among, cases_derive
from ..models import (
    Case,
    Response,
    Survey,
)
from .lifecycle import _complete_fields
from .tallies import _tally_add, _tally_key_of

ROWS_PER_COPY: Final = 50_000


# A COPY statement's rows are sent in pieces of this many as they are made, so the
# database starts on the first rows while the rest are still being read.
ROWS_PER_PIECE: Final = 2_000


# How many pieces may be made ahead of the one being sent (memory: a few megabytes).
PIECES_AHEAD: Final = 50


BATCH_SIZE: Final = 10_000


PATTERNS_KEPT: Final = 50_000


@dataclass(slots=True)
class NewResponse:
    """A complete response to store in bulk (import, demo data, test data)."""

    complete: CompleteResponse
    reference: str = ""
    completed_at: datetime | None = None
    started_at: datetime | None = None
    source: str = Response.Source.COLLECTED
    interviewer_id: int | None = None
    case_id: int | None = None
    is_test: bool = False


def complete(
    survey: Survey, mode: Mode | str, answers: Mapping[str, str | None]
) -> CompleteResponse:
    """The CompleteResponse of `answers`, or ValueError naming what stops it."""
    made = complete_response(load_standard(survey.standard_version), mode, answers)
    if isinstance(made, list):
        raise ValueError(f"not a complete response: {made}")
    return made


def responses_create(
    *, survey: Survey, responses: Iterable[NewResponse], now: datetime | None = None
) -> int:
    """Store complete responses in bulk, with their tallies and the derived state of
    the cases they are for; the number stored.

    The rows go in with COPY, in statements of `ROWS_PER_COPY` rows. The caller's
    transaction (or one of its own) makes it all or nothing.
    """
    now = now or timezone.now()
    case_ids: set[int] = set()

    def noting_cases() -> Iterator[NewResponse]:
        for new in responses:
            if new.case_id is not None:
                case_ids.add(new.case_id)
            yield new

    with transaction.atomic():
        written = _copy_responses(survey=survey, responses=noting_cases(), now=now)
        ordered = sorted(case_ids)
        for start in range(0, len(ordered), DERIVE_BATCH):
            chunk = ordered[start : start + DERIVE_BATCH]
            cases_derive(cases=among(Case.objects.all(), chunk, "id"))
    return written


def _row_fields(survey: Survey, new: NewResponse, now: datetime) -> dict[str, Any]:
    completed = new.completed_at or now
    return {
        **_complete_fields(new.complete),
        "survey_id": survey.pk,
        "standard_version": survey.standard_version,
        "source": new.source,
        "is_test": new.is_test,
        "case_id": new.case_id,
        "reference": new.reference,
        "interviewer_id": new.interviewer_id,
        "stop_reason": "",
        "revision": 0,
        "start_token": "",
        "started_at": new.started_at or completed,
        "updated_at": completed,
        "completed_at": completed,
    }


# The columns COPY writes: first those that differ on every row, then those that
# one answer pattern (and its dates) fixes, turned into text once per pattern.
# (The id is left to the database's default, gen_random_uuid(): migration 0008.)
PER_ROW_FIELDS: Final = ("case", "reference", "interviewer", "record_key")


PATTERN_FIELDS: Final = (
    "survey",
    "standard_version",
    "mode",
    "status",
    "source",
    "is_test",
    "stop_reason",
    "revision",
    "next_question",
    "start_token",
    "started_at",
    "updated_at",
    "completed_at",
    *QUESTION_KEYS,
    "nssec5",
    "nssec3",
)


def _copy_text(value: Any) -> str:
    """`value` in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value)
    if "\\" not in text and "\t" not in text and "\n" not in text and "\r" not in text:
        return text
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


NULL_TEXT: Final = "\\N"


def _copy_responses(*, survey: Survey, responses: Iterator[NewResponse], now: datetime) -> int:
    """Write the rows with COPY, in statements of `ROWS_PER_COPY` rows.

    The rows' text is made in a thread of its own (reading and checking a file
    happens there too, when `responses` is an import's), in pieces of
    `ROWS_PER_PIECE` rows, while this thread sends the pieces made before:
    PostgreSQL's work and Python's overlap, on two cores, from the first piece on.
    Each distinct answer pattern is turned into text once.
    """
    quote = connection.ops.quote_name
    columns = ", ".join(
        quote(Response._meta.get_field(name).column) for name in (*PER_ROW_FIELDS, *PATTERN_FIELDS)
    )
    sql = f"COPY {quote(Response._meta.db_table)} ({columns}) FROM STDIN"
    # By the CompleteResponse object (its checker hands out one per answer pattern,
    # which the cache keeps alive) and what else fixes the text.
    texts: dict[tuple[Any, ...], tuple[CompleteResponse, str, tuple[Any, ...] | None]] = {}
    tally: Counter[tuple[Any, ...]] = Counter()
    key_sums: Counter[tuple[Any, ...]] = Counter()

    def chunks() -> Iterator[tuple[str, int]]:
        rows: list[str] = []
        # Record keys drawn as the database's default draws them (uniform, 0 to 255),
        # here so that the tallies can sum them; one byte each.
        keys: Iterator[int] = iter(())
        for new in responses:
            record_key = next(keys, None)
            if record_key is None:
                keys = iter(os.urandom(ROWS_PER_PIECE))
                record_key = next(keys)
            pattern = (id(new.complete), new.source, new.is_test, new.completed_at, new.started_at)
            known = texts.get(pattern)
            if known is None:
                fields = _row_fields(survey, new, now)
                fields["survey"] = fields.pop("survey_id")
                text = "\t".join(_copy_text(fields[name]) for name in PATTERN_FIELDS)
                known = (new.complete, text, None if new.is_test else _tally_key_of(fields))
                if len(texts) < PATTERNS_KEPT:
                    texts[pattern] = known
            _, text, tally_key = known
            if tally_key is not None:
                tally[tally_key] += 1
                key_sums[tally_key] += record_key
            case = NULL_TEXT if new.case_id is None else str(new.case_id)
            interviewer = NULL_TEXT if new.interviewer_id is None else str(new.interviewer_id)
            reference = _copy_text(new.reference) if new.reference else ""
            rows.append(f"{case}\t{reference}\t{interviewer}\t{record_key}\t{text}\n")
            if len(rows) == ROWS_PER_PIECE:
                yield "".join(rows), len(rows)
                rows.clear()
        if rows:
            yield "".join(rows), len(rows)

    written = 0
    with connection.cursor() as cursor:
        # Each COPY checks its constraints when it ends, not at commit.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        pieces = _made_ahead(chunks(), ahead=PIECES_AHEAD)
        try:
            piece = next(pieces, None)
            while piece is not None:
                with cursor.copy(sql) as copy:
                    in_statement = 0
                    while piece is not None and in_statement < ROWS_PER_COPY:
                        text, count = piece
                        copy.write(text)
                        in_statement += count
                        piece = next(pieces, None)
                written += in_statement
        finally:
            pieces.close()
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    _tally_add(survey.pk, tally, key_sums)
    return written


_DONE: Final = object()


def _made_ahead(items: Iterator[Any], *, ahead: int = 2) -> Iterator[Any]:
    """`items`, made in a thread of their own up to `ahead` items in advance.

    The thread closes any database connection it opened (a progress report's) when
    it ends; an exception in it is raised here, where the items are used.
    """
    from django.db import connections

    made: queue.Queue[Any] = queue.Queue(maxsize=ahead)
    stop = threading.Event()

    def make() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        made.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            made.put(_DONE)
        except BaseException as error:  # handed to the consumer, raised there
            made.put(_Failed(error))
        finally:
            connections.close_all()

    maker = threading.Thread(target=make, name="rows-ahead", daemon=True)
    maker.start()
    try:
        while (item := made.get()) is not _DONE:
            if isinstance(item, _Failed):
                raise item.error
            yield item
    finally:
        stop.set()
        maker.join()


@dataclass(frozen=True, slots=True)
class _Failed:
    error: BaseException
