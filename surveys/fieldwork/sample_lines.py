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
import sys
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Final

from seb.credentials import CredentialsDeriver, code_hash_unchecked, link_token_hash, new_nonces
from seb.interchange import Line, Problem
from seb.sample import SampleHeader, SampleRow, check_sample_line
from seb.standard import Mode

from .case_copy import CaseLines, copy_columns
from .codes_file import CodesRows

AHEAD: Final = 2  # batches checked ahead of the one being written
# Distinct sets of sample variables whose JSON is kept for the lines after (a file has
# a few: a region, a grade); past this many, the kept ones are forgotten.
VARIABLES_KEPT: Final = 4_096


@dataclass(slots=True)
class Batch:
    """Some lines: each one's row of the staging table (`staged_line`), and, while no
    line of the file so far has a problem, each one's case (`CaseLines.line`) with its
    interviewer's username; their problems, and how many lines they were."""

    staged: list[str] = field(default_factory=list)
    cases: list[str] = field(default_factory=list)
    interviewers: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    lines: int = 0
    last_line: int = 0


def staged_line(row: SampleRow) -> str:
    """A checked line as the staging table's row: line, reference, interviewer."""
    return f"{row.line}\t{copy_columns(row.reference, row.interviewer)}\n"


class VariablesJson:
    """Sample variables as the JSON a case holds, each distinct set encoded once."""

    def __init__(self) -> None:
        self.kept: dict[tuple[tuple[str, str], ...], str] = {}

    def __call__(self, variables: Mapping[str, str]) -> str:
        key = tuple(variables.items())
        text = self.kept.get(key)
        if text is None:
            if len(self.kept) >= VARIABLES_KEPT:
                self.kept.clear()
            text = self.kept[key] = json.dumps(dict(variables), ensure_ascii=False)
        return text


def checked_batches(
    lines: Iterator[Line],
    *,
    header: SampleHeader,
    modes: frozenset[Mode],
    csv_quoting: bool,
    key: bytes,
    codes: CodesRows | None,
    cases: CaseLines,
    size: int,
) -> Iterator[Batch]:
    """The file's remaining lines checked, in batches of `size` lines, each line with a
    reference staged, whatever its own problems, so the whole-file checks report on
    every line. While no line has had a problem, each such line is also made a case
    with new credentials (one read of the random source a batch), its row written to
    `codes`; after one has, the load will be refused, so nothing more is made."""
    variables_json = VariablesJson()
    derive = CredentialsDeriver(key)
    refused = False
    batch, rows = Batch(), []
    for line in lines:
        batch.lines += 1
        batch.last_line = line.number
        checked, problems = check_sample_line(header, line, modes=modes, csv_quoting=csv_quoting)
        if problems:
            batch.problems.extend(problems)
            refused = True
        if checked is not None and checked.reference:
            batch.staged.append(staged_line(checked))
            rows.append(checked)
        if batch.lines >= size:
            if not refused:
                _make_cases(batch, rows, derive, codes=codes, cases=cases, json=variables_json)
            yield batch
            batch, rows = Batch(), []
    if batch.lines:
        if not refused:
            _make_cases(batch, rows, derive, codes=codes, cases=cases, json=variables_json)
        yield batch


def _make_cases(
    batch: Batch,
    rows: list[SampleRow],
    derive: CredentialsDeriver,
    *,
    codes: CodesRows | None,
    cases: CaseLines,
    json: VariablesJson,
) -> None:
    """Each row's case, with new credentials (`derive`d); its row of `codes`."""
    for row, nonce in zip(rows, new_nonces(len(rows)), strict=True):
        code, token = derive(nonce)
        batch.cases.append(
            cases.line(
                row, json(row.variables), nonce, code_hash_unchecked(code), link_token_hash(token)
            )
        )
        batch.interviewers.append(row.interviewer)
        if codes is not None:
            codes.add(row.reference, code, token)


_END: Final = object()
# While the checking thread runs, the interpreter hands its lock from one thread to the
# other every half millisecond instead of every five: the loader waits for the lock
# after each wait for the database's socket, and at five it left PostgreSQL idle for
# about a fifth of a million-line load.
SWITCH_INTERVAL: Final = 0.0005


class _QuickSwitch:
    """The interpreter's switch interval at SWITCH_INTERVAL while any checking thread
    runs; as it was once none does."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running = 0
        self.before = 0.0

    def __enter__(self) -> None:
        with self.lock:
            if not self.running:
                self.before = sys.getswitchinterval()
                sys.setswitchinterval(min(self.before, SWITCH_INTERVAL))
            self.running += 1

    def __exit__(self, *exc: object) -> None:
        with self.lock:
            self.running -= 1
            if not self.running:
                sys.setswitchinterval(self.before)


_quick_switch: Final = _QuickSwitch()


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
        _quick_switch.__enter__()
        try:
            self.thread.start()
        except BaseException:
            _quick_switch.__exit__()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()
        _quick_switch.__exit__()

    def __iter__(self) -> Iterator[Batch]:
        while True:
            item = self.queue.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            assert isinstance(item, Batch)
            yield item
