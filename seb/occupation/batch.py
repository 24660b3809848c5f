"""Job titles in a CSV file coded in batch, streamed: every input column plus the coding.

Rows are read, coded and written in blocks of `BLOCK_ROWS`, so memory stays bounded
whatever the file holds; a title seen before in the run is taken from a bounded cache;
with `workers` > 1 each block is shared among worker processes. Every cell written goes
through the formula guard (`seb.safe_text`). The same coder as everywhere else.
"""

from __future__ import annotations

import csv
import multiprocessing
import multiprocessing.pool
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final, TextIO

from seb.occupation.coder import Status, code
from seb.occupation.index import prepared_index
from seb.safe_text import CsvWriter

OUTPUT_COLUMNS: Final = ("soc2020", "soc2010", "score", "status", "candidates")
BLOCK_ROWS: Final = 2000
CACHE_TITLES: Final = 20000

Coded = tuple[str, str, str, str, str]


class BatchProblem(Exception):
    """The input cannot be coded as it is; the message says why, for the person."""


@dataclass(frozen=True, slots=True)
class BatchReport:
    rows: int
    coded: int
    follow_up: int
    uncoded: int

    @property
    def summary(self) -> str:
        return (
            f"{self.rows:,} rows: {self.coded:,} coded, {self.follow_up:,} need a follow-up, "
            f"{self.uncoded:,} uncoded"
        )


def code_title(text: str) -> Coded:
    coding = code(text)
    return (
        coding.soc2020,
        coding.soc2010,
        str(coding.score),
        coding.status.value,
        "|".join(candidate.soc2020 for candidate in coding.candidates),
    )


def _rows(reader: Iterator[list[str]], width: int) -> Iterator[tuple[int, list[str]]]:
    line = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise BatchProblem(f"Line {line + 1} cannot be read as CSV: {error}.") from None
        except UnicodeDecodeError:
            raise BatchProblem(
                f"Line {line + 1} is not UTF-8 text: save the file as CSV UTF-8."
            ) from None
        line += 1
        if not row:
            continue
        if len(row) > width:
            raise BatchProblem(
                f"Line {line} has {len(row)} cells but the header has {width}: "
                "is a comma inside a cell without quotes?"
            )
        yield line, row + [""] * (width - len(row))


def _header(reader: Iterator[list[str]], column: str) -> list[str]:
    try:
        header = next(reader)
    except StopIteration:
        raise BatchProblem(
            "The file is empty: it needs a header line naming its columns."
        ) from None
    except UnicodeDecodeError:
        raise BatchProblem("The file is not UTF-8 text: save it as CSV UTF-8.") from None
    except csv.Error as error:
        raise BatchProblem(f"The header line cannot be read as CSV: {error}.") from None
    if column not in header:
        shown = ", ".join(f"“{name}”" for name in header[:20]) or "none"
        raise BatchProblem(
            f"The file has no column “{column}” (its columns: {shown}). "
            "Name the job title column with --column."
        )
    clashes = [name for name in OUTPUT_COLUMNS if name in header]
    if clashes:
        raise BatchProblem(
            "The file already has the column(s) "
            + ", ".join(f"“{name}”" for name in clashes)
            + " that the coding adds: rename them first."
        )
    return header


class _Cache:
    def __init__(self) -> None:
        self._found: OrderedDict[str, Coded] = OrderedDict()

    def get(self, title: str) -> Coded | None:
        found = self._found.get(title)
        if found is not None:
            self._found.move_to_end(title)
        return found

    def put(self, title: str, coded: Coded) -> None:
        self._found[title] = coded
        if len(self._found) > CACHE_TITLES:
            self._found.popitem(last=False)


def code_csv(*, source: TextIO, target: TextIO, column: str, workers: int = 1) -> BatchReport:
    """Code the `column` of every row of the CSV `source` into `target`.

    Raises BatchProblem, having written no more than the rows before the problem, for a
    file that is empty, lacks the column, already has an output column, or has a line
    that is not CSV or not UTF-8: the caller writes to a temporary file and keeps it only
    when this returns.
    """
    reader = csv.reader(source)
    header = _header(reader, column)
    at = header.index(column)
    writer = CsvWriter(target)
    writer.writerow((*header, *OUTPUT_COLUMNS))
    prepared_index()  # loaded once, before any worker is forked
    cache = _Cache()
    counts = {status: 0 for status in Status}
    rows = 0
    pool = multiprocessing.get_context("fork").Pool(workers) if workers > 1 else None
    try:
        block: list[list[str]] = []
        for _, row in _rows(reader, len(header)):
            block.append(row)
            if len(block) == BLOCK_ROWS:
                _write_block(block, at, writer, cache, pool, counts)
                rows += len(block)
                block = []
        _write_block(block, at, writer, cache, pool, counts)
        rows += len(block)
    finally:
        if pool is not None:
            pool.terminate()
    return BatchReport(
        rows=rows,
        coded=counts[Status.CODED],
        follow_up=counts[Status.FOLLOW_UP],
        uncoded=counts[Status.UNCODED],
    )


def _write_block(
    block: list[list[str]],
    at: int,
    writer: CsvWriter,
    cache: _Cache,
    pool: multiprocessing.pool.Pool | None,
    counts: dict[Status, int],
) -> None:
    titles = [row[at] for row in block]
    new = list(dict.fromkeys(t for t in titles if cache.get(t) is None))
    if pool is not None and len(new) > 1:
        found = pool.map(code_title, new, chunksize=max(1, len(new) // 16))
    else:
        found = [code_title(title) for title in new]
    fresh = dict(zip(new, found, strict=True))
    for title, coded in fresh.items():
        cache.put(title, coded)
    for row, title in zip(block, titles, strict=True):
        coded = fresh.get(title) or cache.get(title) or code_title(title)
        counts[Status(coded[3])] += 1
        writer.writerow((*row, *coded))
