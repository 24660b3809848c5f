"""The coding queue's reads (docs/spec/coding-queue.md): the open job titles of a survey
grouped by normalised form and sorted by how many responses gave them, one group's typed
variants, the decisions list, the titles waiting for a second coder and the agreement
rate of the double-coding sample.

The queue counts the titles of complete responses (test runs aside): a response in
progress may still settle its own title. A decision codes every title of the form.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, Count, Exists, Max, OuterRef, QuerySet
from django.db.models.functions import Cast

from seb.statuses import ResponseStatus

from ..models import CodingDecision, JobTitle, Survey
from ..responses.job_titles import standing_decision
from .services import UNRESOLVED, in_double_coding_sample

# Typed variants shown for a group.
VARIANTS = 8


def _standing(second: bool = False) -> QuerySet[CodingDecision]:
    return CodingDecision.objects.filter(
        survey_id=OuterRef("response__survey_id"),
        normalised=OuterRef("normalised"),
        is_second_coding=second,
        reversed_at__isnull=True,
    )


def queue_titles(survey: Survey) -> QuerySet[JobTitle]:
    """The survey's open job titles: unresolved, not a non-answer, and not decided."""
    return (
        JobTitle.objects.filter(
            response__survey=survey,
            response__status=ResponseStatus.COMPLETE.value,
            response__is_test=False,
            status__in=UNRESOLVED,
        )
        .exclude(normalised="")
        .exclude(Exists(_standing()))
    )


def queue_groups(survey: Survey) -> QuerySet[JobTitle, dict[str, Any]]:
    """One row per open normalised title, most frequent first: `normalised`, `titles`
    (how many responses gave it) and `key` (a response whose title it is, for its page)."""
    return (
        queue_titles(survey)
        .values("normalised")
        .annotate(titles=Count("pk"), key=Max(Cast("response_id", CharField())))
        .order_by("-titles", "normalised")
    )


@dataclass(frozen=True, slots=True)
class QueueSize:
    titles: int
    groups: int


def queue_size(survey: Survey) -> QueueSize:
    open_titles = queue_titles(survey)
    return QueueSize(
        titles=open_titles.count(), groups=open_titles.values("normalised").distinct().count()
    )


@dataclass(frozen=True, slots=True)
class Group:
    """A normalised title of a survey: how many titles have it, the ways it was typed, and
    the standing decision on it, if any."""

    normalised: str
    key: uuid.UUID
    titles: int
    variants: list[tuple[str, int]]
    decision: CodingDecision | None


def group_of(survey: Survey, response_id: uuid.UUID) -> Group | None:
    """The group of the job title of `response_id`, if it is a title of the survey."""
    title = (
        JobTitle.objects.filter(response_id=response_id, response__survey=survey)
        .exclude(normalised="")
        .first()
    )
    if title is None:
        return None
    same = JobTitle.objects.filter(response__survey=survey, normalised=title.normalised)
    variants = list(same.values("text").annotate(n=Count("pk")).order_by("-n", "text")[:VARIANTS])
    return Group(
        normalised=title.normalised,
        key=title.response_id,
        titles=same.count(),
        variants=[(row["text"], row["n"]) for row in variants],
        decision=standing_decision(survey.pk, title.normalised),
    )


def next_group_key(survey: Survey) -> str | None:
    """The most frequent open title's key: where a coder goes after a decision."""
    first = queue_groups(survey).first()
    return first["key"] if first else None


def decisions_of(survey: Survey) -> QuerySet[CodingDecision]:
    """Every decision on the survey's titles, newest first, with who made and undid it."""
    return CodingDecision.objects.filter(survey=survey).select_related("decided_by", "reversed_by")


def second_coding_waiting(survey: Survey, user: Any) -> list[dict[str, Any]]:
    """The decided titles in the double-coding sample still without a second coding that
    `user` did not decide: what they code blind. Each with a `key` to its page."""
    if survey.double_coding_percent <= 0:
        return []
    seconded = CodingDecision.objects.filter(
        survey=survey,
        normalised=OuterRef("normalised"),
        is_second_coding=True,
        reversed_at__isnull=True,
    )
    firsts = (
        CodingDecision.objects.filter(
            survey=survey, is_second_coding=False, reversed_at__isnull=True
        )
        .exclude(decided_by=user)
        .exclude(Exists(seconded))
        .values_list("normalised", flat=True)
    )
    sampled = [normalised for normalised in firsts if in_double_coding_sample(survey, normalised)]
    keys = (
        JobTitle.objects.filter(response__survey=survey, normalised__in=sampled)
        .values("normalised")
        .annotate(key=Max(Cast("response_id", CharField())), titles=Count("pk"))
        .order_by("-titles", "normalised")
    )
    return list(keys)


@dataclass(frozen=True, slots=True)
class Agreement:
    """The double-coding sample: titles coded twice, and how many of them both coders put
    in the same 4-digit SOC 2020 unit group (both "cannot be coded" agree too)."""

    pairs: int
    agreed: int

    @property
    def percent(self) -> float | None:
        return 100 * self.agreed / self.pairs if self.pairs else None


def agreement(survey: Survey) -> Agreement:
    standing = CodingDecision.objects.filter(survey=survey, reversed_at__isnull=True)
    firsts = dict(standing.filter(is_second_coding=False).values_list("normalised", "soc2020"))
    seconds = standing.filter(is_second_coding=True).values_list("normalised", "soc2020")
    pairs = [(firsts[n], soc2020) for n, soc2020 in seconds if n in firsts]
    return Agreement(pairs=len(pairs), agreed=sum(1 for a, b in pairs if a == b))
