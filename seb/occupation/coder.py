"""A typed job title coded to a SOC 2020 unit group with the ONS coding index.

`code(text)` mends the typed words to the index's (normalise, index), finds every index
title whose words the text holds (in any order, with extra words), scores each entry by how
much of the text its title and qualifiers explain and how much of the entry the text
matched, and takes the best entry per unit group. The score (0-100) is the raw evidence
mapped through a calibration measured on the tuning half of the evaluation set
(docs/benchmarks/occupation.md), so a score reads as the per cent of titles with that score
that were coded right. A title is `coded` when its best unit group scores at least
`THRESHOLD` and the index itself settles it; `follow-up` when the title fits several unit
groups that only a qualifier separates (the index's "see notes" entries, and titles with
no entry of their own such as "engineer" or "teacher"); `uncoded` otherwise.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from itertools import combinations
from typing import Final

from rapidfuzz import fuzz, process

from seb.occupation.data import unit_group_titles
from seb.occupation.index import Entry, PreparedIndex, mend, prepared_index
from seb.occupation.normalise import NOISE_WORDS, is_non_answer, surface, tokens


class Status(StrEnum):
    CODED = "coded"
    FOLLOW_UP = "follow-up"
    UNCODED = "uncoded"


# Coded at or above this score. Chosen on the tuning half of the evaluation set; the
# precision above it, measured on the held-out half, is in docs/benchmarks/occupation.md.
THRESHOLD: Final = 50
MAX_CANDIDATES: Final = 8
# Entries with less evidence than this are not candidates at all.
MIN_CANDIDATE: Final = 0.05
# Only the start of a very long answer is matched (a job title is a few words).
MAX_TEXT: Final = 200
# The most words of a typed title whose combinations are looked up as index titles.
MAX_WORDS: Final = 8
# Unmatched qualifier words count for this share of their weight against an entry.
UNMATCHED_QUALIFIER: Final = 0.5
# A typed word that nothing explains counts at most this weight (a common word's).
UNEXPLAINED_CAP: Final = 2.5
# An entry whose qualifiers the text does not mention is at most this strong.
UNEVIDENCED_CAP: Final = 0.45
# Where no index title's words are all in the text, whole titles are matched fuzzily.
FUZZY_CUTOFF: Final = 75.0
# The best unit group must lead the next by this much to be coded.
MIN_MARGIN: Final = 0.05
# Each typed word read as a different index word (a spelling mended) costs this factor.
GUESSED_WORD: Final = 0.95
# A margin over the next unit group of this much or more costs the best nothing.
MARGIN_FULL: Final = 0.2
# Raw evidence (best entry x margin over the next unit group) to calibrated score: the
# upper edges of the bins and each bin's share coded right on the tuning half.
CALIBRATION_EDGES: Final = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.01)
CALIBRATION_SCORES: Final = (20, 30, 45, 60, 78, 86, 96, 96, 99, 99)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A unit group the title may belong to, with the index entries that lead to it."""

    soc2020: str
    soc2010: str
    score: int
    raw: float
    unit_group: str
    entry: str  # the best index entry, as "title (qualifier; industry)"
    # The qualifiers of the matched title's entries that lead here (follow-up options).
    adds: tuple[str, ...]
    inds: tuple[str, ...]
    default: bool


@dataclass(frozen=True, slots=True)
class Coding:
    text: str
    status: Status
    candidates: tuple[Candidate, ...]
    # The index title the text matched best (for the follow-up question), or "".
    title: str = ""
    title_key: frozenset[str] = frozenset()
    # The index settles the best unit group (whatever its score).
    settled: bool = False
    # The best unit group's evidence before calibration (its match and its margin).
    evidence: float = 0.0

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    @property
    def soc2020(self) -> str:
        return self.candidates[0].soc2020 if self.status is Status.CODED else ""

    @property
    def soc2010(self) -> str:
        return self.candidates[0].soc2010 if self.status is Status.CODED else ""

    @property
    def score(self) -> int:
        return self.candidates[0].score if self.candidates else 0


@dataclass(slots=True)
class _Scored:
    raw: float
    entry: Entry
    evidenced: bool  # plain, a qualifier typed, or a title the index settles alone


def _weight(index: PreparedIndex, words: Iterable[str]) -> float:
    return sum(index.weight(word) for word in words)


def _unexplained_weights(index: PreparedIndex, words: Iterable[str]) -> dict[str, float]:
    """What each typed word counts against an entry when nothing explains it: a rare word
    no more than a common one (a rare word that matches nothing, "NHS" or a firm's name,
    says little), and seniority, contract and family words nothing."""
    return {
        word: 0.0 if word in NOISE_WORDS else min(index.weight(word), UNEXPLAINED_CAP)
        for word in words
    }


def _score(
    index: PreparedIndex, entry: Entry, leftover: frozenset[str], against: dict[str, float]
) -> _Scored:
    """An entry's evidence, for the typed words its title leaves over (`leftover`) and
    what each counts when unexplained (`against`)."""
    matched_qualifiers = leftover & entry.qualifiers
    matched = sum(index.weights[w] for w in matched_qualifiers)
    explained = entry.title_weight + matched
    unexplained = sum(against.values()) - sum(against[w] for w in matched_qualifiers)
    text_covered = explained / (explained + unexplained)
    missing = entry.qualifier_weight - matched
    entry_covered = explained / (explained + UNMATCHED_QUALIFIER * missing)
    raw = text_covered * entry_covered
    evidenced = not entry.qualifiers or bool(matched_qualifiers) or entry.title in index.one_group
    if not evidenced:
        raw = min(raw, UNEVIDENCED_CAP * text_covered)
    return _Scored(raw, entry, evidenced)


def _titles(index: PreparedIndex, typed: tuple[str, ...]) -> list[frozenset[str]]:
    words = typed[:MAX_WORDS]
    found = []
    for size in range(len(words), 0, -1):
        for combination in combinations(words, size):
            key = frozenset(combination)
            if key in index.by_title:
                found.append(key)
    return found


def _fuzzy_titles(
    index: PreparedIndex, typed: tuple[str, ...]
) -> list[tuple[frozenset[str], float]]:
    found = process.extract(
        " ".join(sorted(typed)),
        index.title_texts,
        scorer=fuzz.token_sort_ratio,
        score_cutoff=FUZZY_CUTOFF,
        limit=10,
    )
    return [(index.title_keys[position], similarity / 100) for _, similarity, position in found]


def top_evidence(raw: float, following: float) -> float:
    """The best unit group's evidence: its match, less where the next is close behind
    (a near tie is a guess)."""
    return raw * (0.5 + 0.5 * min(1.0, (raw - following) / MARGIN_FULL))


def calibrated(raw: float) -> int:
    return CALIBRATION_SCORES[min(bisect.bisect_right(CALIBRATION_EDGES, raw), 9)]


def _describe(entry: Entry) -> str:
    qualifiers = "; ".join(q for q in (entry.source.add, entry.source.ind) if q)
    return f"{entry.source.title} ({qualifiers})" if qualifiers else entry.source.title


def _most_specific(titles: set[frozenset[str]]) -> set[frozenset[str]]:
    """The titles not held within another ("secretary" within "general secretary")."""
    return {title for title in titles if not any(title < other for other in titles)}


def _as_typed(
    entries: tuple[Entry, ...], reading: tuple[str, ...], written: tuple[str, ...]
) -> tuple[Entry, ...]:
    """Where a title's tokens are several titles written differently, the entries
    written as typed: the same words ("securities officer", not "security officer"),
    else the same order ("assistant engineer", not "engineer's assistant"); else all."""
    if len({entry.surface for entry in entries}) == 1:
        return entries
    same = tuple(entry for entry in entries if entry.surface == written)
    if same:
        return same
    key = entries[0].title
    typed_order = tuple(word for word in reading if word in key)
    same = tuple(entry for entry in entries if entry.order == typed_order)
    return same or entries


def _explains(index: PreparedIndex, title: frozenset[str], against: dict[str, float]) -> bool:
    """The title holds the text's telling words: at most a qualifier is missing."""
    return sum(against.values()) <= 0.25 * _weight(index, title)


def _keep(best: dict[int, _Scored], entry: Entry, scored: _Scored) -> None:
    previous = best.get(id(entry))
    if previous is None or scored.raw > previous.raw:
        best[id(entry)] = scored


def _match(index: PreparedIndex, text: str) -> tuple[list[_Scored], set[frozenset[str]]]:
    """Every scored entry, best first, and the titles that explain the whole text."""
    best: dict[int, _Scored] = {}
    explaining: set[frozenset[str]] = set()
    written = tokens(text)
    as_written = surface(text)
    readings = mend(written)
    for rank, reading in enumerate(readings):
        typed = frozenset(reading)
        # Each word read as another index word is a guess.
        guessed = len(typed - set(written))
        titles = _titles(index, reading)
        for key in titles:
            leftover = typed - key
            against = _unexplained_weights(index, leftover)
            if _explains(index, key, against):
                explaining.add(key)
            for entry in _as_typed(index.by_title[key], reading, as_written):
                scored = _score(index, entry, leftover, against)
                scored.raw *= (1 - 0.02 * rank) * GUESSED_WORD**guessed
                _keep(best, entry, scored)
    if not best and readings:
        typed = frozenset(readings[0])
        for key, similarity in _fuzzy_titles(index, readings[0]):
            # Title words not typed are missing evidence, whatever the similarity.
            present = _weight(index, key & typed) / _weight(index, key)
            against = _unexplained_weights(index, typed - key)
            for entry in index.by_title[key]:
                scored = _score(index, entry, typed - key, against)
                scored.raw *= similarity * present**0.5
                _keep(best, entry, scored)
    ranked = sorted(best.values(), key=lambda s: (-s.raw, not s.entry.source.default))
    return ranked, _most_specific(explaining)


def code(text: str) -> Coding:
    """The coding of one typed job title."""
    if is_non_answer(text):
        return Coding(text=text, status=Status.UNCODED, candidates=())
    index = prepared_index()
    scored, explaining = _match(index, text[:MAX_TEXT])
    if not scored:
        return Coding(text=text, status=Status.UNCODED, candidates=())
    # The most specific titles decide: where a title holds all the telling words, a
    # shorter title that leaves some unexplained ("servant" in "civil servant") does not.
    deciding = [s for s in scored if s.entry.title in explaining] or scored
    others = [s for s in scored if s.entry.title not in explaining] if explaining else []
    top = deciding[0]
    candidates = _candidates(deciding + others, top.entry.title)
    settled = _settled(top, deciding, candidates)
    status = _status(settled, candidates, deciding_title=top.entry.title in explaining)
    following = candidates[1].raw if len(candidates) > 1 else 0.0
    return Coding(
        text=text,
        status=status,
        candidates=candidates,
        title=top.entry.source.title,
        title_key=top.entry.title,
        settled=settled,
        evidence=top_evidence(candidates[0].raw, following) if candidates else 0.0,
    )


def _settled(top: _Scored, deciding: list[_Scored], candidates: tuple[Candidate, ...]) -> bool:
    """Whether the best entry settles the unit group: evidenced, coded (not a "see notes"
    entry as good as it), and ahead of the next unit group by the margin."""
    see_notes = any(not s.entry.soc2020 and s.raw >= top.raw - 1e-9 for s in deciding)
    if see_notes or not top.evidenced or top.entry.soc2020 == "":
        return False
    groups = [c for c in candidates if c.raw > 0]
    return not (len(groups) > 1 and groups[1].raw > top.raw - MIN_MARGIN)


def _status(settled: bool, candidates: tuple[Candidate, ...], *, deciding_title: bool) -> Status:
    """Coded when settled above the threshold; a follow-up when the deciding title leads
    to several unit groups; otherwise uncoded."""
    if settled and candidates and candidates[0].score >= THRESHOLD:
        return Status.CODED
    if len(candidates) > 1 and deciding_title:
        return Status.FOLLOW_UP
    return Status.UNCODED


@lru_cache(maxsize=4096)
def _qualifiers(
    title: frozenset[str],
) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """A title's qualifiers (what was done or made; the industry) by the unit group they
    lead to, in the index's order."""
    adds: dict[str, dict[str, None]] = {}
    inds: dict[str, dict[str, None]] = {}
    for entry in prepared_index().by_title[title]:
        if entry.soc2020:
            if entry.source.add:
                adds.setdefault(entry.soc2020, {}).setdefault(entry.source.add, None)
            if entry.source.ind:
                inds.setdefault(entry.soc2020, {}).setdefault(entry.source.ind, None)
    return (
        {group: tuple(found) for group, found in adds.items()},
        {group: tuple(found) for group, found in inds.items()},
    )


def _candidates(scored: list[_Scored], title: frozenset[str]) -> tuple[Candidate, ...]:
    names = unit_group_titles()
    best: dict[str, _Scored] = {}
    for s in scored:
        if s.raw < MIN_CANDIDATE:
            continue
        if s.entry.soc2020 and s.entry.soc2020 not in best:
            best[s.entry.soc2020] = s
            if len(best) == MAX_CANDIDATES:
                break
    adds, inds = _qualifiers(title)
    ranked = list(best.values())[:MAX_CANDIDATES]
    out: list[Candidate] = []
    for i, s in enumerate(ranked):
        following = ranked[i + 1].raw if i + 1 < len(ranked) else 0.0
        evidence = top_evidence(s.raw, following) if i == 0 else s.raw
        out.append(
            Candidate(
                soc2020=s.entry.soc2020,
                soc2010=s.entry.source.soc2010,
                score=calibrated(evidence) if i == 0 else min(calibrated(evidence), out[0].score),
                raw=s.raw,
                unit_group=names.get(s.entry.soc2020, ""),
                entry=_describe(s.entry),
                adds=adds.get(s.entry.soc2020, ()),
                inds=inds.get(s.entry.soc2020, ()),
                default=bool(s.entry.source.default),
            )
        )
    return tuple(out)
