"""A sample file's lines checked and given credentials on a thread of their own, in
batches, while the loader writes the batch before to the database.

The thread does the pure work of each line (`seb.sample`'s checks, the case's new
credentials, its row of the mail-merge file, its staged row); the loader's thread
(the only one that touches the database, the report and its listeners) takes each
batch in turn. While PostgreSQL stages and inserts one batch, the thread checks the
next, so a load uses the machine's second core. At most `AHEAD` batches wait, so
memory stays bounded whatever the file's size.
"""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Final

from seb.interchange import Line, Problem
from seb.sample import SampleHeader, SampleRow, check_sample_line
from seb.standard import Mode

from .codes_file import CodesRows
from .issuing import Issued, credentials_new

AHEAD: Final = 2  # batches checked ahead of the one being written


@dataclass(slots=True)
class Batch:
    """The staged rows of some lines, their problems, and how many lines they were."""

    rows: list[tuple[Any, ...]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    lines: int = 0
    last_line: int = 0


def staged_values(row: SampleRow, issued: Issued) -> tuple[Any, ...]:
    """A checked line and its credentials as the staging table's row (STAGED_COLUMNS)."""
    return (
        row.line,
        row.reference,
        row.email,
        row.phone,
        row.name,
        row.address,
        row.mode,
        row.interviewer,
        json.dumps(dict(row.variables), ensure_ascii=False),
        issued.nonce,
        issued.access_code_hash,
        issued.link_token_hash,
    )


def checked_batches(
    lines: Iterator[Line],
    *,
    header: SampleHeader,
    modes: frozenset[Mode],
    csv_quoting: bool,
    key: bytes,
    codes: CodesRows | None,
    size: int,
) -> Iterator[Batch]:
    """The file's remaining lines checked, in batches of `size` lines, each line with a
    reference staged with new credentials (its row written to `codes`), whatever its
    own problems, so the whole-file checks report on every line."""
    batch = Batch()
    for line in lines:
        batch.lines += 1
        batch.last_line = line.number
        checked, problems = check_sample_line(header, line, modes=modes, csv_quoting=csv_quoting)
        if problems:
            batch.problems.extend(problems)
        if checked is not None and checked.reference:
            issued = credentials_new(reference=checked.reference, key=key)
            batch.rows.append(staged_values(checked, issued))
            if codes is not None:
                codes.add(issued.credentials)
        if batch.lines >= size:
            yield batch
            batch = Batch()
    if batch.lines:
        yield batch


_END: Final = object()


class Ahead:
    """Iterate `batches` on a thread of its own, at most AHEAD batches ahead of the
    reader; an error raised there is raised again here. Use it as a context manager:
    leaving it early stops the thread."""

    def __init__(self, batches: Iterator[Batch]) -> None:
        self.batches = batches
        self.queue: queue.Queue[object] = queue.Queue(maxsize=AHEAD)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="sample-lines", daemon=True)

    def _put(self, item: object) -> bool:
        while not self.stop.is_set():
            try:
                self.queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _run(self) -> None:
        try:
            for batch in self.batches:
                if not self._put(batch):
                    return
        except BaseException as error:  # raised again on the reader's thread
            self._put(error)
            return
        self._put(_END)

    def __enter__(self) -> Ahead:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()

    def __iter__(self) -> Iterator[Batch]:
        while True:
            item = self.queue.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            assert isinstance(item, Batch)
            yield item
