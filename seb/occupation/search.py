"""The coding queue's search: what a coder types (a job title, words of a unit group's
title or description, or the start of a code) to the unit groups it may mean, best
first, each with the SOC 2010 unit group a decision for it records.

A unit group is found three ways, merged in this order: the automatic coder's candidates
for the words (which read the index as the coder does: spelling, plurals, word order) that
score at or above its threshold; descriptions holding every word typed; the coder's other
candidates; and index titles and unit group titles matched fuzzily (rapidfuzz). Typed
digits match unit group codes by their start.

A decision needs a SOC 2010 unit group (the full NS-SEC is derived from it). A hit found
through an index entry takes that entry's; one found through its title or description
takes the SOC 2010 unit group most of the unit group's index entries carry
(`usual_soc2010`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache
from typing import Final

from rapidfuzz import fuzz, process

from seb.occupation.coder import THRESHOLD, code
from seb.occupation.data import coding_index, unit_group_descriptions, unit_group_titles
from seb.occupation.normalise import words

MAX_HITS: Final = 10
MAX_QUERY: Final = 100
# Fuzzy matches of index and unit group titles below this similarity are not hits.
FUZZY_CUTOFF: Final = 80.0
# How much of a description a hit shows.
DESCRIPTION_START: Final = 160


@dataclass(frozen=True, slots=True)
class Hit:
    soc2020: str
    soc2010: str
    title: str  # the unit group's title
    description: str  # the start of the unit group's description
    found_by: str  # the index entry or the title that matched, or "description"

    @property
    def choice(self) -> str:
        """The value a form posts to choose this hit: "soc2020:soc2010"."""
        return f"{self.soc2020}:{self.soc2010}"


@cache
def _choices() -> tuple[list[str], list[tuple[str, str]]]:
    """Every index title (with its qualifiers) and unit group title, and the
    (soc2020, soc2010) each stands for."""
    texts: list[str] = []
    codes: list[tuple[str, str]] = []
    for entry in coding_index():
        if entry.soc2020:
            qualifiers = "; ".join(part for part in (entry.add, entry.ind) if part)
            texts.append(f"{entry.title} ({qualifiers})" if qualifiers else entry.title)
            codes.append((entry.soc2020, entry.soc2010))
    usual = usual_soc2010()
    for soc2020, title in unit_group_titles().items():
        if soc2020 in usual:
            texts.append(title)
            codes.append((soc2020, usual[soc2020]))
    return texts, codes


@cache
def usual_soc2010() -> dict[str, str]:
    """Each SOC 2020 unit group's most common SOC 2010 unit group among its index entries."""
    counts: dict[str, Counter[str]] = {}
    for entry in coding_index():
        if entry.soc2020 and entry.soc2010:
            counts.setdefault(entry.soc2020, Counter())[entry.soc2010] += 1
    return {soc2020: found.most_common(1)[0][0] for soc2020, found in counts.items()}


@cache
def known_pairs() -> frozenset[tuple[str, str]]:
    """Every (SOC 2020, SOC 2010) pair the index holds: what a decision may record."""
    return frozenset((e.soc2020, e.soc2010) for e in coding_index() if e.soc2020 and e.soc2010)


def _start(text: str) -> str:
    if len(text) <= DESCRIPTION_START:
        return text
    return text[:DESCRIPTION_START].rsplit(" ", 1)[0] + "…"


def hit(soc2020: str, soc2010: str, found_by: str) -> Hit:
    return Hit(
        soc2020=soc2020,
        soc2010=soc2010,
        title=unit_group_titles().get(soc2020, ""),
        description=_start(unit_group_descriptions().get(soc2020, "")),
        found_by=found_by,
    )


def _by_code(digits: str) -> list[Hit]:
    usual = usual_soc2010()
    return [
        hit(soc2020, usual[soc2020], "code")
        for soc2020 in unit_group_titles()
        if soc2020.startswith(digits) and soc2020 in usual
    ]


def _by_coder(query: str) -> tuple[list[Hit], list[Hit]]:
    """The coder's candidates: those at or above its threshold, and the others."""
    strong: list[Hit] = []
    weak: list[Hit] = []
    for candidate in code(query).candidates:
        if candidate.soc2020 and candidate.soc2010:
            found = hit(candidate.soc2020, candidate.soc2010, candidate.entry)
            (strong if candidate.score >= THRESHOLD else weak).append(found)
    return strong, weak


def _by_titles(query: str) -> list[Hit]:
    texts, codes = _choices()
    found = process.extract(
        query, texts, scorer=fuzz.WRatio, limit=MAX_HITS * 4, score_cutoff=FUZZY_CUTOFF
    )
    return [hit(*codes[at], texts[at]) for _, _, at in found]


@cache
def _description_words() -> dict[str, frozenset[str]]:
    return {soc2020: frozenset(words(text)) for soc2020, text in unit_group_descriptions().items()}


def _by_description(query: str) -> list[Hit]:
    wanted = set(words(query))
    if not wanted:
        return []
    usual = usual_soc2010()
    return [
        hit(soc2020, usual[soc2020], "description")
        for soc2020, found in _description_words().items()
        if soc2020 in usual and wanted <= found
    ]


def search(query: str, *, limit: int = MAX_HITS) -> list[Hit]:
    """The unit groups `query` may mean, best first, one hit each, at most `limit`."""
    query = " ".join(query.split())[:MAX_QUERY]
    if not query:
        return []
    if query.isdigit():
        return _by_code(query)[:limit]
    hits: dict[str, Hit] = {}
    strong, weak = _by_coder(query)
    for found in (strong, _by_description(query), weak, _by_titles(query)):
        for one in found:
            hits.setdefault(one.soc2020, one)
    return list(hits.values())[:limit]
