"""The follow-up question for a title that fits several unit groups.

Generated from what separates the index entries of the matched title: their qualifiers,
what the person did or made (`ADD`) and where they worked (`IND`). One option per unit
group, labelled with the unit group's title (Volume 1) and, as its hint, the qualifiers
that lead there; "None of these" leads to a second question with the next unit groups;
after two questions the title stays uncoded (for the coding queue). Pure data out: the
page that asks it is not here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from seb.occupation.coder import Coding, Status
from seb.occupation.data import unit_group_titles
from seb.occupation.index import prepared_index

MAX_QUESTIONS: Final = 2
MAX_OPTIONS: Final = 6
MAX_EXAMPLES: Final = 3
NONE_OF_THESE: Final = "None of these"
# The index's own markers in front of a qualifier, not what the respondent would say.
_PREFIX: Final = re.compile(r"^(nos|professional|qualified)\s*[:,]\s*")


@dataclass(frozen=True, slots=True)
class Option:
    label: str
    hint: str
    soc2020: str
    soc2010: str


@dataclass(frozen=True, slots=True)
class FollowUp:
    question: str
    options: tuple[Option, ...]
    number: int  # 1 or 2
    none_of_these: str = NONE_OF_THESE


@dataclass(slots=True)
class _Group:
    soc2010: str
    examples: dict[str, None]
    default: bool
    entries: int
    has_add: bool
    has_ind: bool


def _groups(coding: Coding) -> dict[str, _Group]:
    groups: dict[str, _Group] = {}
    for entry in prepared_index().by_title.get(coding.title_key, ()):
        source = entry.source
        if not source.soc2020:
            continue
        group = groups.setdefault(
            source.soc2020, _Group(source.soc2010, {}, False, 0, False, False)
        )
        group.entries += 1
        group.default |= bool(source.default)
        for qualifier in (source.add, source.ind):
            example = _PREFIX.sub("", qualifier)
            if example and example != "nos":
                group.examples.setdefault(example, None)
        group.has_add |= bool(source.add)
        group.has_ind |= bool(source.ind)
    return groups


def _ranked(coding: Coding, groups: dict[str, _Group]) -> list[str]:
    """The unit groups, those the typed text favoured first, then the index's defaults,
    then those with the most entries."""
    weakest = min((c.raw for c in coding.candidates), default=0.0)
    scored = [c.soc2020 for c in coding.candidates if c.soc2020 in groups and c.raw > weakest]
    rest = sorted(
        (code for code in groups if code not in scored),
        key=lambda code: (not groups[code].default, -groups[code].entries, code),
    )
    return scored + rest


def _article(title: str) -> str:
    return "an" if title[:1].lower() in "aeiou" else "a"


def _question(title: str, groups: Iterable[_Group]) -> str:
    chosen = list(groups)
    what = any(g.has_add for g in chosen)
    where = any(g.has_ind for g in chosen)
    job = f"{_article(title)} {title.lower()}"
    if where and not what:
        return f"Where did they work as {job}?"
    if what and not where:
        return f"What did they do or make as {job}?"
    return f"Which of these is closest to their work as {job}?"


def follow_up(coding: Coding, *, asked: int = 0) -> FollowUp | None:
    """The next question for a `follow-up` coding, after `asked` questions answered "None
    of these"; None when the coding needs none or two were asked."""
    if coding.status is not Status.FOLLOW_UP or asked >= MAX_QUESTIONS:
        return None
    groups = _groups(coding)
    ranked = _ranked(coding, groups)
    page = ranked[asked * MAX_OPTIONS : (asked + 1) * MAX_OPTIONS]
    if not page:
        return None
    names = unit_group_titles()
    options = tuple(
        Option(
            label=names[code],
            hint="For example: " + "; ".join(list(groups[code].examples)[:MAX_EXAMPLES])
            if groups[code].examples
            else "",
            soc2020=code,
            soc2010=groups[code].soc2010,
        )
        for code in page
    )
    return FollowUp(
        question=_question(coding.title, (groups[code] for code in page)),
        options=options,
        number=asked + 1,
    )
