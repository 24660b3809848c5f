"""Asking for the job title: an addition beyond the harmonised standard.

When a survey asks it, the page right after the standard's occupation question asks for
the job title of the same person (the main or highest income earner), in each mode's
wording. The standard's eight questions and their routing never change: the job title is
not one of them, is never needed to complete a response, and may be left empty ("I don't
know"). This module is the rule for when it is asked, the wording of its pages, and each
step of answering it as plain data: what to store, and which page comes next. The pages
and the storing are in `surveys` (docs/spec/occupation.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Final

from seb.occupation.coder import Coding, Status, code
from seb.occupation.follow_up import NONE_OF_THESE, FollowUp, follow_up
from seb.occupation.normalise import is_non_answer, tokens
from seb.occupation.suggest import suggestion_soc2010

AFTER_QUESTION: Final = "earner_occupation"
# The occupation answer after which the job title is not asked: a refusal is respected.
# "Don't know" is not one: people who cannot place a job in a broad group often know
# its title, and that is where the title helps most.
NOT_AFTER: Final = frozenset({"prefer_not_to_say"})
MAX_TEXT: Final = 200
CLOSEST_QUESTION: Final = "Which of these is closest?"
MAX_CLOSEST: Final = 8
ADDITION: Final = "An addition beyond the harmonised standard"


def is_asked(answers: Mapping[str, str]) -> bool:
    """Whether a response whose route answers are `answers` is asked the job title (its
    survey asking it): once the occupation question is answered, other than by
    "Prefer not to say"."""
    answer = answers.get(AFTER_QUESTION)
    return answer is not None and answer not in NOT_AFTER


@dataclass(frozen=True, slots=True)
class Wording:
    text: str
    hint: str
    instructions: tuple[str, ...] = ()
    label: str = "Job title"


QUESTION_TEXT: Final = (
    "When you were aged about 14, what was the job title of the main or highest income earner?"
)
ONLINE: Final = Wording(
    text=QUESTION_TEXT,
    hint="For example, primary school teacher, bus driver or shop manager. Give their job "
    "title in your own words. Leave this empty if you do not know.",
)
INTERVIEWER: Final = Wording(
    text=QUESTION_TEXT,
    hint="",
    instructions=(
        "Record the job title in the respondent’s own words, as fully as they give it "
        "(“primary school teacher”, not “teacher”).",
        "Type it, then use the arrow keys to choose a matching title from the list, or "
        "keep what you typed if none fits.",
        "If the respondent does not know, leave it empty and continue.",
    ),
)


def wording(*, interviewer: bool) -> Wording:
    return INTERVIEWER if interviewer else ONLINE


class Next(StrEnum):
    """The page after a step of answering the job title."""

    FOLLOW_UP = "follow-up"  # the follow-up question separates the unit groups
    CLOSEST = "closest"  # "Which of these is closest?" (without the suggestions)
    DONE = "done"  # on to the standard's next question


@dataclass(frozen=True, slots=True)
class JobTitleAnswer:
    """A job title and its coding as it stands (what `surveys.models.JobTitle` stores,
    less the full NS-SEC, derived from `soc2010` beside the employment answers)."""

    text: str
    normalised: str
    status: Status
    method: str  # "automatic", "suggestion", "follow-up" or "" (not coded)
    score: int | None
    soc2020: str = ""
    soc2010: str = ""
    follow_ups: tuple[Mapping[str, str], ...] = field(default_factory=tuple)

    @property
    def asked_follow_ups(self) -> int:
        return sum(1 for asked in self.follow_ups if asked["question"] != CLOSEST_QUESTION)

    def as_data(self) -> dict[str, object]:
        """The answer as JSON-ready data (a stored row's fields, a preview's session)."""
        return {
            "text": self.text,
            "normalised": self.normalised,
            "status": self.status.value,
            "method": self.method,
            "score": self.score,
            "soc2020": self.soc2020,
            "soc2010": self.soc2010,
            "follow_ups": [dict(asked) for asked in self.follow_ups],
        }

    @classmethod
    def from_data(cls, data: Mapping[str, object]) -> JobTitleAnswer:
        """The answer `as_data` gave."""
        score = data["score"]
        follow_ups = data["follow_ups"]
        assert score is None or isinstance(score, int)
        assert isinstance(follow_ups, list)
        return cls(
            text=str(data["text"]),
            normalised=str(data["normalised"]),
            status=Status(str(data["status"])),
            method=str(data["method"]),
            score=score,
            soc2020=str(data["soc2020"]),
            soc2010=str(data["soc2010"]),
            follow_ups=tuple(follow_ups),
        )


def normalised(text: str) -> str:
    """The coder's tokens of a title, space-separated: identical titles (case, plurals,
    punctuation, abbreviations aside) have the same form; a non-answer has none."""
    return "" if is_non_answer(text) else " ".join(tokens(text[:MAX_TEXT]))[:MAX_TEXT]


def _coded(answer: JobTitleAnswer, coding: Coding, soc2020: str, method: str) -> JobTitleAnswer:
    candidate = next((c for c in coding.candidates if c.soc2020 == soc2020), None)
    return replace(
        answer,
        status=Status.CODED,
        method=method,
        soc2020=soc2020,
        soc2010=candidate.soc2010 if candidate else answer.soc2010,
        score=candidate.score if candidate else None,
    )


def answer_text(
    text: str, *, chosen_soc2020: str = "", saw_suggestions: bool = False
) -> tuple[JobTitleAnswer, Next]:
    """The typed title coded; `chosen_soc2020` the code of a suggestion picked from the
    list (taken only when the text is that suggestion's own), `saw_suggestions` whether
    the person was offered suggestions as they typed (then "not listed" means not
    listed, and "Which of these is closest?" is not asked again)."""
    text = " ".join(text.split())[:MAX_TEXT]
    base = JobTitleAnswer(
        text=text, normalised=normalised(text), status=Status.UNCODED, method="", score=None
    )
    if not base.normalised:
        return base, Next.DONE
    coding = code(text)
    soc2010 = suggestion_soc2010(text, chosen_soc2020) if chosen_soc2020 else None
    if soc2010 is not None:
        picked = _coded(base, coding, chosen_soc2020, "suggestion")
        return replace(picked, soc2010=soc2010), Next.DONE
    if coding.status is Status.CODED:
        answer = replace(
            base,
            status=Status.CODED,
            method="automatic",
            soc2020=coding.soc2020,
            soc2010=coding.soc2010,
            score=coding.score,
        )
        return answer, Next.DONE
    scored = replace(base, score=coding.score if coding.candidates else None)
    if coding.status is Status.FOLLOW_UP:
        return replace(scored, status=Status.FOLLOW_UP), Next.FOLLOW_UP
    if coding.candidates and not saw_suggestions:
        return scored, Next.CLOSEST
    return scored, Next.DONE


def follow_up_question(answer: JobTitleAnswer) -> FollowUp | None:
    """The follow-up question still to ask, or None."""
    if answer.status is not Status.FOLLOW_UP:
        return None
    return follow_up(code(answer.text), asked=answer.asked_follow_ups)


def answer_follow_up(answer: JobTitleAnswer, chosen: str) -> tuple[JobTitleAnswer, Next] | None:
    """A follow-up answered with the SOC 2020 code of an option, or "" for "None of
    these"; None when `chosen` is not one of the question's options."""
    question = follow_up_question(answer)
    if question is None:
        return None
    option = next((o for o in question.options if o.soc2020 == chosen), None)
    if chosen and option is None:
        return None
    asked = {"question": question.question, "answer": option.label if option else NONE_OF_THESE}
    answered = replace(answer, follow_ups=(*answer.follow_ups, asked))
    if option is not None:
        coded = replace(
            answered,
            status=Status.CODED,
            method="follow-up",
            soc2020=option.soc2020,
            soc2010=option.soc2010,
        )
        return coded, Next.DONE
    if follow_up_question(answered) is not None:
        return answered, Next.FOLLOW_UP
    return replace(answered, status=Status.UNCODED), Next.DONE


def closest_candidates(answer: JobTitleAnswer) -> tuple[tuple[str, str, str], ...]:
    """(SOC 2020 code, index entry, unit group) of the candidates "Which of these is
    closest?" offers, best first; none once the title is coded or was not typed."""
    if answer.status is not Status.UNCODED or not answer.normalised:
        return ()
    return tuple(
        (c.soc2020, c.entry, c.unit_group) for c in code(answer.text).candidates[:MAX_CLOSEST]
    )


def answer_closest(answer: JobTitleAnswer, chosen: str) -> JobTitleAnswer | None:
    """ "Which of these is closest?" answered with a candidate's SOC 2020 code, or "" for
    "None of these" (the title stays uncoded, for the coding queue); None when `chosen`
    is not one of the candidates."""
    offered = {soc2020: entry for soc2020, entry, _ in closest_candidates(answer)}
    if not offered or (chosen and chosen not in offered):
        return None
    asked = {"question": CLOSEST_QUESTION, "answer": offered[chosen] if chosen else NONE_OF_THESE}
    answered = replace(answer, follow_ups=(*answer.follow_ups, asked))
    if not chosen:
        return answered
    return _coded(answered, code(answer.text), chosen, "suggestion")
