"""Readers for the project's own copies of the published standard and its specification
(docs/reference/, docs/spec/), for tests that check our data against them."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from seb.routing import route
from seb.standard import Mode, Standard

DOCS = Path(__file__).resolve().parent.parent / "docs"
STANDARD_TEXT = DOCS / "reference" / "seb-harmonised-standard.txt"
CODES_MD = DOCS / "spec" / "codes.md"

MODE_HEADINGS = {
    "online": "Online self-completion questions",
    "face_to_face": "Face-to-face interview questions",
    "telephone": "Telephone interview questions",
}
SECTION_END = "End of socio-economic background questions."


@cache
def standard_text() -> str:
    return STANDARD_TEXT.read_text(encoding="utf-8")


@cache
def mode_section(mode: str) -> str:
    """The published text of one mode's questions, from its heading to its end line."""
    text = standard_text()
    start = text.index(f"\n{MODE_HEADINGS[mode]}\n")
    return text[start : text.index(SECTION_END, start)]


def question_blocks(mode: str, question_texts: list[str]) -> list[str]:
    """A mode's published text cut at each question's wording, in the given order.

    Each block runs from its question's wording to the next one's, so a block holds
    that question's options, hints, instructions and routing text and nothing else.
    """
    section = mode_section(mode)
    starts = [section.index(f"\n{text}\n") for text in question_texts]
    assert starts == sorted(starts), f"{mode}: questions are not in the published order"
    ends = [*starts[1:], len(section)]
    return [section[start:end] for start, end in zip(starts, ends, strict=True)]


def _codes(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


@cache
def codes_md_questions() -> dict[str, list[str]]:
    """codes.md's "Questions and options" table: question key to option codes."""
    rows = {}
    in_table = False
    for line in CODES_MD.read_text(encoding="utf-8").splitlines():
        if line.startswith("| question key"):
            in_table = True
            continue
        if in_table and line.startswith("|---"):
            continue
        if in_table and line.startswith("| `"):
            key_cell, _name, codes_cell = (cell.strip() for cell in line.strip("|").split("|"))
            rows[_codes(key_cell)[0]] = _codes(codes_cell)
        elif in_table:
            break
    return rows


@cache
def codes_md_routing() -> list[tuple[str, str, str]]:
    """codes.md's routing table as (from, answer cell, next) rows, in order."""
    rows = []
    in_table = False
    for line in CODES_MD.read_text(encoding="utf-8").splitlines():
        if line.startswith("| from | answer | next"):
            in_table = True
            continue
        if in_table and line.startswith("|---"):
            continue
        if in_table and line.startswith("|"):
            source, answer, target = (cell.strip() for cell in line.strip("|").split("|"))
            rows.append((_codes(source)[0], answer, target.strip("`")))
        elif in_table:
            break
    return rows


def codes_md_next(question: str, code: str) -> str:
    """Where codes.md's routing table sends `code` on `question` ("end" at the end)."""
    for source, answer, target in codes_md_routing():
        if source != question:
            continue
        if answer in ("any", "any other") or code in _codes(answer):
            return target
    raise AssertionError(f"codes.md has no route for {question}={code}")


def all_paths(standard: Standard, mode: Mode) -> list[dict[str, str]]:
    """Every complete set of answers a mode allows, by walking the routing graph."""
    complete: list[dict[str, str]] = []
    partial: list[dict[str, str]] = [{}]
    while partial:
        answers = partial.pop()
        walked = route(standard, mode, answers)
        if walked.is_complete:
            complete.append(answers)
            continue
        key = walked.next_question
        assert key is not None
        for code in standard.question(key).wording(mode).codes:
            partial.append({**answers, key: code})
    return complete


def covering_paths(standard: Standard, mode: Mode) -> list[dict[str, str]]:
    """A few complete paths that between them give every answer the mode offers."""
    chosen: list[dict[str, str]] = []
    covered: set[tuple[str, str]] = set()
    for answers in sorted(all_paths(standard, mode), key=lambda a: sorted(a.items())):
        pairs = set(answers.items())
        if not pairs <= covered:
            chosen.append(answers)
            covered |= pairs
    return chosen


def expected_questions(answers: dict[str, str]) -> list[str]:
    """The questions codes.md's routing table asks for these answers, in order."""
    asked = []
    key = next(iter(codes_md_questions()))
    while key != "end":
        asked.append(key)
        key = codes_md_next(key, answers[key])
    return asked
