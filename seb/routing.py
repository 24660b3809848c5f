"""The standard's routing as a pure function of the mode and the answers so far.

The route is recomputed from stored answers on every request; nothing stores a
"next page". An answer to a question that is not on the route is not part of the
response.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from .derivation import DERIVATION_KEYS, NSSEC, derive
from .standard import END, QUESTION_KEYS, Mode, Standard


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


# NS-SEC can be derived once a response's route has passed every question the
# derivation reads (fieldwork.md's "partial"). Routes go forward through the questions
# in order, so that is when the question it waits on comes after the last of them, or
# it waits on none.
_LAST_DERIVATION_QUESTION: Final = max(QUESTION_KEYS.index(key) for key in DERIVATION_KEYS)
DERIVABLE_AT: Final = frozenset({"", *QUESTION_KEYS[_LAST_DERIVATION_QUESTION + 1 :]})


def nssec_derivable(next_question: str | None) -> bool:
    """Whether a response whose route waits on `next_question` ("" or None: on nothing)
    has answered every question on its route that NS-SEC is derived from."""
    return (next_question or "") in DERIVABLE_AT


class Fault(StrEnum):
    """What can be wrong with one answer of a response, measured against its route."""

    UNKNOWN_CODE = "unknown_code"  # not an option of the question at all
    NOT_OFFERED = "not_offered"  # an option, but not one this mode offers
    OFF_ROUTE = "off_route"  # an answer to a question the route does not ask
    MISSING = "missing"  # no answer to a question on the route


@dataclass(frozen=True, slots=True)
class RouteProblem:
    """One thing wrong with a response. `because` is the earlier answer (question,
    code) that routes to the question (MISSING) or past it (OFF_ROUTE), if any."""

    key: str
    fault: Fault
    code: str = ""
    because: tuple[str, str] | None = None


def check_response(
    standard: Standard, mode: Mode | str, answers: Mapping[str, str | None]
) -> list[RouteProblem]:
    """Everything that stops `answers` being a complete response in `mode`, in
    question order; an empty list means complete.

    The one check of a response against its route: submitting, importing and
    every test factory use it. Each answer must be a code the mode offers; every
    question on the route must be answered, and no other.
    """
    mode = Mode(mode)
    problems: dict[str, RouteProblem] = {}
    offered: dict[str, str] = {}
    for key in QUESTION_KEYS:
        code = answers.get(key)
        if not code:
            continue
        question = standard.question(key)
        if code not in question.codes:
            problems[key] = RouteProblem(key, Fault.UNKNOWN_CODE, code)
        elif not question.wording(mode).offers(code):
            problems[key] = RouteProblem(key, Fault.NOT_OFFERED, code)
        else:
            offered[key] = code
    walked = route(standard, mode, offered)
    # The route goes forward through the questions in order, so a question before
    # the point where it stops is either on it or routed past.
    stop = QUESTION_KEYS.index(walked.next_question) if walked.next_question else len(QUESTION_KEYS)
    for position, key in enumerate(QUESTION_KEYS[:stop]):
        if key in walked.answers or key not in offered:
            continue
        earlier = [k for k in walked.answered if QUESTION_KEYS.index(k) < position][-1]
        problems[key] = RouteProblem(
            key, Fault.OFF_ROUTE, offered[key], (earlier, walked.answers[earlier])
        )
    if walked.next_question is not None and walked.next_question not in problems:
        key = walked.next_question
        last = walked.answered[-1] if walked.answered else None
        because = (last, walked.answers[last]) if last else None
        problems[key] = RouteProblem(key, Fault.MISSING, because=because)
    return [problems[key] for key in QUESTION_KEYS if key in problems]


@dataclass(frozen=True, slots=True)
class CompleteResponse:
    """A response that passed `check_response`, with the NS-SEC its answers derive.

    The only way to make one is `complete_response`: every complete response the
    service stores (submitted, imported, demo or test data) is built by it.
    """

    mode: Mode
    answers: Mapping[str, str]
    nssec: NSSEC


def complete_response(
    standard: Standard, mode: Mode | str, answers: Mapping[str, str | None]
) -> CompleteResponse | list[RouteProblem]:
    """The complete response these answers make, or what stops them making one."""
    problems = check_response(standard, mode, answers)
    if problems:
        return problems
    kept = {key: code for key, code in answers.items() if code}
    return CompleteResponse(mode=Mode(mode), answers=kept, nssec=derive(kept))


def _answer_problem(
    standard: Standard, mode: Mode, walked: Route, key: str, code: str
) -> RouteProblem | None:
    """What stops `code` being recorded for `key` on a response whose route is `walked`."""
    if key not in standard.keys or key not in walked.path:
        return RouteProblem(key, Fault.OFF_ROUTE, code)
    question = standard.question(key)
    if code not in question.codes:
        return RouteProblem(key, Fault.UNKNOWN_CODE, code)
    if not question.wording(mode).offers(code):
        return RouteProblem(key, Fault.NOT_OFFERED, code)
    return None


@dataclass(frozen=True, slots=True)
class AnswerApplied:
    """An answer recorded: the answers to keep, the route they make, and whether they
    differ from the answers before (False: the answer was already so)."""

    answers: Mapping[str, str]
    route: Route
    changed: bool


def apply_answer(
    standard: Standard,
    mode: Mode | str,
    answers: Mapping[str, str | None],
    key: str,
    code: str,
    *,
    walked: Route | None = None,
) -> AnswerApplied | RouteProblem:
    """The one rule for recording an answer: `code` for `key`, on `answers` as they stand.

    Refused, with the problem, when the question is not on the route as the answers
    stand or the mode does not offer the option. Otherwise the answers to keep: this
    one recorded and the others `retained_answers` keeps after the change. `walked`
    is the route of `answers` when the caller has walked it already; the route is
    walked at most twice (once without `walked`, once for the new answers).
    """
    mode = Mode(mode)
    current = walked if walked is not None else route(standard, mode, answers)
    problem = _answer_problem(standard, mode, current, key, code)
    if problem is not None:
        return problem
    given = {answer_key: answer for answer_key, answer in answers.items() if answer is not None}
    if current.answers.get(key) == code:
        return AnswerApplied(answers=given, route=current, changed=False)
    given[key] = code
    updated = route(standard, mode, given)
    return AnswerApplied(
        answers=retained_answers(standard, mode, given, updated), route=updated, changed=True
    )


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
    standard: Standard, mode: Mode, answers: Mapping[str, str | None], walked: Route
) -> dict[str, str]:
    """The stored answers worth keeping after a change, given the route they make.

    The answers on the route, and, while the route waits on an unanswered
    question, the answers to questions it may still reach from there: they are
    not part of the response yet, but nothing the person said is thrown away
    before a route that cannot reach their question is certain.
    """
    kept = dict(walked.answers)
    if walked.next_question is not None:
        ahead = reachable_from(standard, walked.next_question)
        for key, code in answers.items():
            if (
                code is not None
                and key in ahead
                and key not in kept
                and standard.question(key).wording(mode).offers(code)
            ):
                kept[key] = code
    return kept
