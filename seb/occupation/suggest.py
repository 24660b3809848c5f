"""Suggestions while a job title is typed: coding index entries whose words begin with the
words typed so far, for the survey's autocomplete.

Each suggestion is one index entry that carries a unit group, shown as the index writes it
("Teacher (primary school)"), with its SOC 2020 code. Every typed word must begin a word
of the entry (its title or its qualifiers), so "prim teach" finds "Teacher (primary
school)". Entries whose title holds every typed word come first, then those whose title
begins with the first typed word, then the index's defaults, then the shortest. Where no
entry holds every typed word, the whole words are read with their spelling mended (as the
coder reads them), and once a whole title is typed and still nothing holds it, the coder's
candidates are offered; a word still being typed is never guessed at (the coder codes the
whole title when it is sent).
Built once per process (`suggestion_index`, well under a second); each answer is cached by
the normalised query.
"""

from __future__ import annotations

import bisect
import heapq
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Final

from seb.occupation.coder import code
from seb.occupation.data import coding_index
from seb.occupation.index import mend_word

MIN_QUERY: Final = 2
MAX_QUERY: Final = 100
MAX_SUGGESTIONS: Final = 8
# At most this many typed words are matched (a job title is a few words).
MAX_QUERY_WORDS: Final = 6
_WORD: Final = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True, slots=True)
class Suggestion:
    title: str
    soc2020: str


@dataclass(frozen=True, slots=True)
class SuggestionIndex:
    items: tuple[Suggestion, ...]
    soc2010: dict[Suggestion, str]  # the SOC 2010 unit group of each item's entry
    # Each item's fixed rank among equals: defaults first, then the shortest, then A to Z.
    rank: tuple[int, ...]
    first_word: tuple[str, ...]
    # Each item's words: of its title, and of its title and qualifiers.
    title_words: tuple[tuple[str, ...], ...]
    words: tuple[tuple[str, ...], ...]
    vocabulary: tuple[str, ...]  # sorted
    # Word -> the items that hold it anywhere / in their title.
    anywhere: dict[str, frozenset[int]]
    in_title: dict[str, frozenset[int]]


def words(text: str) -> list[str]:
    """Lower-case ASCII words: accents, case and punctuation go."""
    folded = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(c for c in folded if not unicodedata.combining(c)).replace("'", "")
    return _WORD.findall(folded.replace("’", ""))


def label(title: str, add: str, ind: str) -> str:
    qualifiers = ", ".join(q for q in (add, ind) if q)
    return f"{title} ({qualifiers})" if qualifiers else title


@cache
def suggestion_index() -> SuggestionIndex:
    """Every coded index entry as a suggestion, with its words (once per process)."""
    seen: dict[Suggestion, tuple[str, bool, str]] = {}
    for entry in coding_index():
        if not entry.soc2020:
            continue  # a "see the notes" entry settles nothing
        item = Suggestion(label(entry.title, entry.add, entry.ind), entry.soc2020)
        if item not in seen:
            seen[item] = (entry.title, bool(entry.default), entry.soc2010)
    items = tuple(seen)
    anywhere: dict[str, set[int]] = {}
    in_title: dict[str, set[int]] = {}
    first_word = []
    all_title_words: list[tuple[str, ...]] = []
    all_words: list[tuple[str, ...]] = []
    for position, item in enumerate(items):
        title_words = tuple(dict.fromkeys(words(seen[item][0])))
        item_words = tuple(dict.fromkeys(words(item.title)))
        all_title_words.append(title_words)
        all_words.append(item_words)
        first_word.append(title_words[0] if title_words else "")
        for word in title_words:
            in_title.setdefault(word, set()).add(position)
        for word in item_words:
            anywhere.setdefault(word, set()).add(position)
    order = sorted(
        range(len(items)),
        key=lambda i: (
            not seen[items[i]][1],
            len(items[i].title),
            items[i].title,
            items[i].soc2020,
        ),
    )
    rank = [0] * len(items)
    for place, position in enumerate(order):
        rank[position] = place
    return SuggestionIndex(
        items=items,
        soc2010={item: found[2] for item, found in seen.items()},
        rank=tuple(rank),
        first_word=tuple(first_word),
        title_words=tuple(all_title_words),
        words=tuple(all_words),
        vocabulary=tuple(sorted(anywhere)),
        anywhere={word: frozenset(found) for word, found in anywhere.items()},
        in_title={word: frozenset(found) for word, found in in_title.items()},
    )


def query_key(text: str) -> str:
    """The form a query is answered and cached by: its words, lower case, at most
    `MAX_QUERY_WORDS`, with a trailing space kept (the last word is then whole)."""
    found = words(text[:MAX_QUERY])[:MAX_QUERY_WORDS]
    whole = bool(text[:MAX_QUERY]) and not text[:MAX_QUERY][-1].isalnum()
    return " ".join(found) + (" " if whole and found else "")


@lru_cache(maxsize=4096)
def _beginning(prefix: str, *, title: bool) -> frozenset[int]:
    """The items with a word (in their title, or anywhere) that begins with `prefix`."""
    index = suggestion_index()
    postings = index.in_title if title else index.anywhere
    start = bisect.bisect_left(index.vocabulary, prefix)
    found: set[int] = set()
    for word in index.vocabulary[start:]:
        if not word.startswith(prefix):
            break
        found |= postings.get(word, frozenset())
    return frozenset(found)


def _holding(typed: list[str], *, title: bool) -> frozenset[int]:
    """The items with, for each typed word, a word (in their title, or anywhere) that
    begins with it. The longest typed word is looked up; the others are checked on
    the items it found, so a short word ("o", "in") costs no union over the index."""
    if not typed:
        return frozenset()
    index = suggestion_index()
    longest, *others = sorted(typed, key=len, reverse=True)
    found = _beginning(longest, title=title)
    words_of = index.title_words if title else index.words
    for prefix in others:
        found = frozenset(
            position
            for position in found
            if any(word.startswith(prefix) for word in words_of[position])
        )
        if not found:
            break
    return found


@lru_cache(maxsize=8192)
def _suggest(key: str) -> tuple[Suggestion, ...]:
    typed = key.split()
    if len(key.strip()) < MIN_QUERY:
        return ()
    index = suggestion_index()
    found = _holding(typed, title=False)
    if not found:
        typed = _mended(typed, whole=key.endswith(" "))
        found = _holding(typed, title=False)
    if not found:
        return _from_coder(key) if key.endswith(" ") else ()
    in_title = _holding(typed, title=True)
    first = typed[0]

    def order(position: int) -> tuple[bool, bool, int]:
        return (
            position not in in_title,
            not index.first_word[position].startswith(first),
            index.rank[position],
        )

    best = heapq.nsmallest(MAX_SUGGESTIONS, found, key=order)
    return tuple(index.items[position] for position in best)


def _mended(typed: list[str], *, whole: bool) -> list[str]:
    """The typed words with each whole one (every word but the one still being typed)
    mended to the index's spelling by the coder's own rule (`mend_word`)."""
    done = typed if whole else typed[:-1]
    mended = [" ".join(mend_word(word)[0]) for word in done]
    return " ".join(mended).split() + ([] if whole else typed[-1:])


def _from_coder(key: str) -> tuple[Suggestion, ...]:
    """The coder's candidates, for a query no entry holds every word of (a slip)."""
    return tuple(
        Suggestion(candidate.entry, candidate.soc2020)
        for candidate in code(key).candidates[:MAX_SUGGESTIONS]
    )


def suggest(text: str) -> tuple[Suggestion, ...]:
    """Up to `MAX_SUGGESTIONS` entries for what has been typed so far (none for fewer
    than `MIN_QUERY` letters)."""
    return _suggest(query_key(text))


def suggestion_soc2010(text: str, soc2020: str) -> str | None:
    """The SOC 2010 unit group when `text` with `soc2020` is a suggestion the index
    makes (a title the person chose from the list, sent back with its code); None for
    anything else, which is only typed text."""
    return suggestion_index().soc2010.get(Suggestion(text, soc2020))


def warm() -> int:
    """Answer, once, every two- and three-letter beginning of an index word (under half
    a second): the first letters of any title are then answered from the cache. The
    number answered."""
    vocabulary = suggestion_index().vocabulary
    beginnings = {word[:size] for word in vocabulary for size in (2, 3) if len(word) >= size}
    for beginning in sorted(beginnings):
        _suggest(beginning)
    return len(beginnings)
