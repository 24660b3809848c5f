"""The standard's routing as a pure function of the mode and the answers so far.

The route is recomputed from stored answers on every request; nothing stores a
"next page". An answer to a question that is not on the route is not part of the
response.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from random import Random

from .standard import END, Mode, Standard


@dataclass(frozen=True, slots=True)
class Route:
    """Where a response stands.

    `answered` are the questions on the route that have an answer the mode
    offers, in order; `next_question` is the first question on the route still
    to be answered (None once the route reaches its end).
    """

    answered: tuple[str, ...]
    next_question: str | None
    answers: Mapping[str, str]

    @property
    def path(self) -> tuple[str, ...]:
        """Every question on the route so far, the unanswered next one included."""
        if self.next_question is None:
            return self.answered
        return (*self.answered, self.next_question)

    @property
    def is_complete(self) -> bool:
        return self.next_question is None

    def previous(self, key: str) -> str | None:
        """The question before `key` on the route (None for the first)."""
        path = self.path
        index = path.index(key)
        return path[index - 1] if index else None

    def following(self, key: str) -> str | None:
        """The question after `key` on the route (None at the end)."""
        path = self.path
        index = path.index(key)
        return path[index + 1] if index + 1 < len(path) else None


def route(standard: Standard, mode: Mode | str, answers: Mapping[str, str | None]) -> Route:
    """Walk the routing graph from the first question, following the answers given.

    An answer the mode does not offer counts as no answer. Answers to questions
    off the route are dropped from `Route.answers`.
    """
    mode = Mode(mode)
    answered: list[str] = []
    kept: dict[str, str] = {}
    key = standard.first.key
    while key != END:
        question = standard.question(key)
        code = answers.get(key)
        if code is None or not question.wording(mode).offers(code):
            return Route(answered=tuple(answered), next_question=key, answers=kept)
        answered.append(key)
        kept[key] = code
        key = question.next_after(code)
    return Route(answered=tuple(answered), next_question=None, answers=kept)


def is_complete(standard: Standard, mode: Mode | str, answers: Mapping[str, str | None]) -> bool:
    """A response is complete when it answers every question on its route and no other."""
    walked = route(standard, mode, answers)
    extra = {key for key, code in answers.items() if code is not None} - set(walked.answers)
    return walked.is_complete and not extra


def reachable_from(standard: Standard, key: str) -> frozenset[str]:
    """The questions some answers could lead to after `key` (itself included)."""
    seen: set[str] = set()
    waiting = [key]
    while waiting:
        current = waiting.pop()
        if current == END or current in seen:
            continue
        seen.add(current)
        waiting.extend(rule.go_to for rule in standard.question(current).routing)
    return frozenset(seen)


def retained_answers(
    standard: Standard, mode: Mode | str, answers: Mapping[str, str | None]
) -> dict[str, str]:
    """The stored answers worth keeping after a change.

    The answers on the route, and, while the route waits on an unanswered
    question, the answers to questions it may still reach from there: they are
    not part of the response yet, but nothing the person said is thrown away
    before a route that cannot reach their question is certain.
    """
    walked = route(standard, mode, answers)
    kept = dict(walked.answers)
    if walked.next_question is not None:
        ahead = reachable_from(standard, walked.next_question)
        mode = Mode(mode)
        for key, code in answers.items():
            if (
                code is not None
                and key in ahead
                and key not in kept
                and standard.question(key).wording(mode).offers(code)
            ):
                kept[key] = code
    return kept


def random_answers(standard: Standard, mode: Mode | str, rng: Random) -> dict[str, str]:
    """A complete, routing-valid set of answers chosen at random (demo and test data)."""
    mode = Mode(mode)
    answers: dict[str, str] = {}
    while (key := route(standard, mode, answers).next_question) is not None:
        answers[key] = rng.choice(standard.question(key).wording(mode).codes)
    return answers
