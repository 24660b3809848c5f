"""The mail-merge file: `reference,access_code,link` for each case of a sample load
(or of the whole sample, after codes are regenerated for all), written once for
someone to download once (docs/guides/fieldwork.md).

A sample load writes it from the credentials it makes each case with, as it stages
the lines (`CodesOut`, `CodesRows`: `surveys.fieldwork.samples.sample_load`); `codes_write`
writes it again from the cases' nonces, for every case after codes are regenerated,
or for a load's job run again after its load committed. Neither the codes nor the
links are ever stored or logged.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Final

from django.db.models import QuerySet

from seb.interchange.writing import write_csv
from seb.safe_text import CsvWriter

from ..models import Case, Survey
from .contacts import personal_link_path, public_url
from .issuing import case_credentials

CODES_COLUMNS: Final = ("reference", "access_code", "link")
PAGE: Final = 5_000  # cases read at a time


@dataclass(frozen=True, kw_only=True)
class CodesOut:
    """Where a load writes the mail-merge file of its new cases, from the credentials
    it makes them with.

    The rows go to `partial` (made by `open`, readable by its owner alone) as the
    lines are staged, and it becomes `path` only once the load's transaction has
    ended without error; a load that is refused, fails or is rolled back deletes
    it, so no file of codes for cases that do not exist is left behind. A process
    killed mid-load can leave `partial` (its codes open nothing), and one killed between
    the commit and the rename leaves it with codes that do: a load's job run again
    removes it, and a command run again refuses to start until it is deleted.
    """

    path: Path
    open: Callable[[Path], IO[bytes]]

    @property
    def partial(self) -> Path:
        return self.path.with_name(f"{self.path.name}.partial")


class CodesRows:
    """The mail-merge file a load writes as it stages its cases, each row from the
    credentials the case is then made with (`CodesOut` says when it is kept)."""

    def __init__(self, stream: IO[bytes], survey: Survey) -> None:
        self.text = io.TextIOWrapper(stream, encoding="utf-8", newline="")
        self.writer = CsvWriter(self.text)
        self.link = link_maker(survey)
        self.writer.writerow(CODES_COLUMNS)

    def add(self, reference: str, access_code: str, link_token: str) -> None:
        self.writer.writerow((reference, access_code, self.link(link_token)))

    def close(self) -> None:
        self.text.flush()
        os.fsync(self.text.fileno())
        self.text.close()


def link_maker(survey: Survey) -> Callable[[str], str]:
    """The personal link of a token, as `public_url(personal_link_path(...))` makes it,
    without resolving the URL again for every case."""
    marker = "T" * 43  # the shape of a token: URL-safe, never escaped
    head, tail = public_url(personal_link_path(survey, marker)).split(marker)
    return lambda token: f"{head}{token}{tail}"


def codes_rows(cases: QuerySet[Case], *, survey: Survey) -> Iterator[list[str]]:
    """reference, access code, personal link for each case (rebuilt from its nonce)."""
    link = link_maker(survey)
    page = cases.order_by("pk").only("pk", "reference", "credentials_nonce", "access_code_hash")
    last = 0
    while batch := list(page.filter(pk__gt=last)[:PAGE]):
        for case in batch:
            credentials = case_credentials(case)
            if credentials is not None:
                yield [case.reference, credentials.access_code, link(credentials.link_token)]
        last = batch[-1].pk


def codes_write(*, cases: QuerySet[Case], survey: Survey, stream: IO[bytes]) -> int:
    """Write the mail-merge CSV of `cases`; the number of rows."""
    return write_csv(codes_rows(cases, survey=survey), stream, columns=CODES_COLUMNS)
