"""The vendored ONS data, read once: the coding index, unit group titles, NS-SEC tables."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

DATA_DIR: Final = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """One entry of the SOC 2020 coding index (Volume 2), in natural word order.

    `soc2020` and `soc2010` are empty where the index says "see the notes" (`}}}}`):
    the title alone does not settle the unit group. `default` is the index's flag
    (O, I, A, Q, QS, M) for the entry to take when a qualifier is not known.
    """

    soc2020: str
    soc2010: str
    default: str
    title: str
    add: str
    ind: str


def read_csv(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@cache
def coding_index() -> tuple[IndexEntry, ...]:
    return tuple(IndexEntry(**row) for row in read_csv("coding_index.csv"))


@cache
def unit_group_titles() -> dict[str, str]:
    """SOC 2020 unit group code to its title (Volume 1)."""
    return {row["soc2020"]: row["title"] for row in read_csv("unit_groups.csv")}


@cache
def unit_group_descriptions() -> dict[str, str]:
    """SOC 2020 unit group code to its description (Volume 1)."""
    return {row["soc2020"]: row["description"] for row in read_csv("unit_group_descriptions.csv")}
