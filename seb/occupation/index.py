"""The coding index prepared for matching: each entry's tokens, titles by token set, the
index's vocabulary with each word's weight, and the mending of a typed word to the index's."""

from __future__ import annotations

import bisect
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import product
from typing import Final

from rapidfuzz import process
from rapidfuzz.distance import OSA

from seb.occupation.data import IndexEntry, coding_index
from seb.occupation.normalise import NOISE_WORDS, STOP_WORDS, surface, tokens

# "nos" (not otherwise specified) is a qualifier no one types: an entry qualified only by
# it still needs a qualifier, so it stays a token that nothing typed can match.
NOT_OTHERWISE_SPECIFIED: Final = "nos"


@dataclass(frozen=True, slots=True)
class Entry:
    """An index entry with the tokens it is matched on."""

    source: IndexEntry
    title: frozenset[str]
    qualifiers: frozenset[str]
    order: tuple[str, ...] = ()  # the title's tokens in the index's natural word order
    surface: tuple[str, ...] = ()  # the title's words as written (normalise.surface)
    title_weight: float = 0.0
    qualifier_weight: float = 0.0

    @property
    def soc2020(self) -> str:
        return self.source.soc2020

    @property
    def is_plain(self) -> bool:
        """No qualifier: the entry for the title alone."""
        return not self.qualifiers


@dataclass(frozen=True, slots=True)
class PreparedIndex:
    entries: tuple[Entry, ...]
    by_title: dict[frozenset[str], tuple[Entry, ...]]
    weights: dict[str, float]
    vocabulary: tuple[str, ...]  # most frequent first
    sorted_vocabulary: tuple[str, ...]
    by_length: dict[int, tuple[str, ...]]
    # Titles whose coded entries are all in one unit group, with no "see notes" entry:
    # the index settles them whatever the qualifier.
    one_group: frozenset[frozenset[str]]
    title_texts: tuple[str, ...]
    title_keys: tuple[frozenset[str], ...]
    max_weight: float

    def weight(self, token: str) -> float:
        return self.weights.get(token, self.max_weight)


@cache
def _index_tokens(text: str) -> tuple[str, ...]:
    """The index's own text as tokens (its qualifiers repeat: read each once)."""
    return tokens(text, acronyms=True)


@cache
def _index_surface(text: str) -> tuple[str, ...]:
    return surface(text)


def _qualifier_tokens(entry: IndexEntry) -> frozenset[str]:
    return frozenset(_index_tokens(entry.add)) | frozenset(_index_tokens(entry.ind))


def _title_keys(title: str) -> list[tuple[str, ...]]:
    """The tokens a title is found by, in order: as written, and with hyphens closed up
    ("Fork-lift driver" is found as "fork lift driver" and as "forklift driver"). A stop
    word joined by a hyphen is part of the title ("Sealer-in")."""
    first, _, rest = title.partition(" ")
    if first.lower() in STOP_WORDS and rest:
        # A title does not begin with a stop word: "In engineer" is the acronym IN.
        title = f"{first.upper()} {rest}"
    keys = [_index_tokens(title)]
    if "-" in title:
        keys.append(_index_tokens(title.replace("-", "")))
    return [key for i, key in enumerate(keys) if key and key not in keys[:i]]


@cache
def prepared_index() -> PreparedIndex:
    """The index prepared once per process (about a second)."""
    found: list[tuple[IndexEntry, tuple[str, ...], frozenset[str]]] = []
    frequency: Counter[str] = Counter()
    for source in coding_index():
        qualifiers = _qualifier_tokens(source)
        for order in _title_keys(source.title):
            found.append((source, order, qualifiers))
            frequency.update(frozenset(order) | qualifiers)
    total = len(found)
    weights = {token: math.log(1 + total / count) for token, count in frequency.items()}
    by_title: dict[frozenset[str], list[Entry]] = {}
    for source, order, qualifiers in found:
        title = frozenset(order)
        by_title.setdefault(title, []).append(
            Entry(
                source=source,
                title=title,
                qualifiers=qualifiers,
                order=order,
                surface=_index_surface(source.title),
                title_weight=sum(weights[t] for t in title),
                qualifier_weight=sum(weights[t] for t in qualifiers),
            )
        )
    entries = [entry for group in by_title.values() for entry in group]
    keys = tuple(by_title)
    _index_tokens.cache_clear()
    _index_surface.cache_clear()
    return PreparedIndex(
        entries=tuple(entries),
        by_title={key: tuple(group) for key, group in by_title.items()},
        weights=weights,
        vocabulary=tuple(sorted(frequency, key=lambda t: (-frequency[t], t))),
        sorted_vocabulary=tuple(sorted(frequency)),
        by_length=_by_length(frequency),
        one_group=frozenset(
            key
            for key, group in by_title.items()
            if all(e.soc2020 for e in group) and len({e.soc2020 for e in group}) == 1
        ),
        title_texts=tuple(" ".join(sorted(key)) for key in keys),
        title_keys=keys,
        max_weight=max(weights.values()),
    )


def _by_length(words: Iterable[str]) -> dict[int, tuple[str, ...]]:
    found: dict[int, list[str]] = {}
    for word in words:
        found.setdefault(len(word), []).append(word)
    return {length: tuple(group) for length, group in found.items()}


def _allowed_edits(token: str) -> int:
    if len(token) <= 3:
        return 0
    if len(token) <= 7:
        return 1
    return 2


# A typed word's readings: each a tuple of index words (one, or two for a word split).
Readings = tuple[tuple[str, ...], ...]
# At most this many readings of a whole title are matched.
MAX_READINGS: Final = 6
# At most this many index words, as near as each other, are tried for one misspelt word.
MAX_ALTERNATIVES: Final = 4
# A word this long that begins an index word is read as that word ("physio").
MIN_PREFIX: Final = 5


@lru_cache(maxsize=65536)
def mend_word(token: str) -> Readings:
    """A typed word as the index's word(s): itself when the index has it; split in two
    when both halves are index words ("bookkeeper"); the most frequent index word it
    begins ("physio"); else the nearest index words by edit distance (a swap counts one;
    up to two readings when two are as near, "electrican"); else itself."""
    index = prepared_index()
    if token in index.weights or token.isdigit() or token in NOISE_WORDS:
        return ((token,),)
    for cut in range(3, len(token) - 2):
        head, tail = token[:cut], token[cut:]
        if head in index.weights and tail in index.weights:
            return ((head, tail),)
    if len(token) >= MIN_PREFIX:
        start = bisect.bisect_left(index.sorted_vocabulary, token)
        longer = []
        for word in index.sorted_vocabulary[start:]:
            if not word.startswith(token):
                break
            longer.append(word)
        if longer:
            return ((min(longer, key=index.weight),),)
    edits = _allowed_edits(token)
    if edits:
        # Only words within `edits` letters of its length can be within `edits` edits.
        near_length = [
            word
            for length in range(len(token) - edits, len(token) + edits + 1)
            for word in index.by_length.get(length, ())
        ]
        found = process.extract(
            token, near_length, scorer=OSA.distance, score_cutoff=edits, limit=None
        )
        if found:
            # The nearest, the most frequent (lightest) first among equals.
            ranked = sorted(found, key=lambda m: (m[1], index.weight(m[0]), m[0]))
            nearest = ranked[0][1]
            return tuple((match[0],) for match in ranked[:MAX_ALTERNATIVES] if match[1] == nearest)
    return ((token,),)


def mend(typed: Iterable[str]) -> tuple[tuple[str, ...], ...]:
    """The readings of a typed title in the index's words, the likeliest first: two typed
    words that the index writes as one ("fork lift" for "forklift") are joined, and each
    word is mended by `mend_word`."""
    index = prepared_index()
    words = list(typed)
    slots: list[Readings] = []
    i = 0
    while i < len(words):
        if i + 1 < len(words) and not (words[i] in index.weights and words[i + 1] in index.weights):
            joined = words[i] + words[i + 1]
            if joined in index.weights:
                slots.append(((joined,),))
                i += 2
                continue
        slots.append(mend_word(words[i]))
        i += 1
    readings = []
    for choice in product(*slots):
        reading: dict[str, None] = {}
        for part in choice:
            for word in part:
                reading.setdefault(word, None)
        readings.append(tuple(reading))
        if len(readings) == MAX_READINGS:
            break
    return tuple(readings)
