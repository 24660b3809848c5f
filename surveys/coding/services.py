"""The coding queue's writes (docs/spec/coding-queue.md): a coder's decision codes every
job title of the survey with the same normalised form, now and later; an undo puts them
back as the automatic coder left them; a second coder's blind code for the
double-coding sample is recorded and never applied.

Each function runs in one transaction that writes the decision and the job titles it
codes (their SOC codes and the full NS-SEC derived from each response's employment
answers), and audits it on the survey. The audit entry names the decision and the codes,
never the title, which can identify a person.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any, Final

from django.db import IntegrityError, transaction
from django.utils import timezone

from seb.occupation.coder import Status, code
from seb.occupation.search import known_pairs

from ..audit import Event, audit
from ..models import CodingDecision, JobTitle, Survey
from ..responses.job_titles import NSSEC_FIELDS, full_nssec_fields, route_answers, standing_decision

# Titles the queue holds: the automatic coder and the respondent left them open.
UNRESOLVED: Final = (JobTitle.Status.UNCODED, JobTitle.Status.FOLLOW_UP)
CODING_FIELDS: Final = (
    "status",
    "method",
    "score",
    "soc2020",
    "soc2010",
    *NSSEC_FIELDS,
    "coded_at",
    "coded_by",
    "updated_at",
)


class CodingRefused(Exception):
    """A decision that cannot be recorded, with the reason in words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def in_double_coding_sample(survey: Survey, normalised: str) -> bool:
    """Whether the decision on `normalised` is in the survey's double-coding sample: a
    fixed share of titles, chosen by a hash of the survey and the title, so the same
    titles stay in it whoever decides and whenever."""
    if survey.double_coding_percent <= 0:
        return False
    digest = hashlib.sha256(f"{survey.pk}:{normalised}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100 < survey.double_coding_percent


def _answers(job_title: JobTitle) -> Mapping[str, str]:
    """The response's answers as its route stands (answers off the route do not count)."""
    return route_answers(job_title.response)


def _set(job_title: JobTitle, fields: Mapping[str, Any]) -> None:
    for name, value in fields.items():
        setattr(job_title, name, value)
    job_title.updated_at = timezone.now()


def _decided(job_title: JobTitle, decision: CodingDecision) -> None:
    """Code the title by `decision` (or mark it as not codable)."""
    codes = {"soc2020": decision.soc2020, "soc2010": decision.soc2010}
    _set(
        job_title,
        {
            "status": UNRESOLVED[0] if decision.uncodable else JobTitle.Status.CODED,
            "method": JobTitle.Method.CODER,
            "score": None,
            **codes,
            **full_nssec_fields(decision.soc2010, _answers(job_title)),
            "coded_at": decision.decided_at,
            "coded_by": decision.decided_by,
        },
    )


def _automatic(job_title: JobTitle) -> None:
    """The title as the automatic coder codes its text (what an undo restores)."""
    coding = code(job_title.text)
    coded = coding.status is Status.CODED
    _set(
        job_title,
        {
            "status": coding.status.value,
            "method": JobTitle.Method.AUTOMATIC if coded else JobTitle.Method.NONE,
            "score": coding.score if coding.candidates else None,
            "soc2020": coding.soc2020,
            "soc2010": coding.soc2010,
            **full_nssec_fields(coding.soc2010, _answers(job_title)),
            "coded_at": timezone.now() if coded else None,
            "coded_by": None,
        },
    )


def _group(survey: Survey, normalised: str, **where: Any) -> list[JobTitle]:
    rows = JobTitle.objects.select_for_update(of=("self",)).select_related("response__survey")
    return list(rows.filter(response__survey=survey, normalised=normalised, **where))


def _checked(soc2020: str, soc2010: str, uncodable: bool) -> tuple[str, str]:
    if uncodable:
        return "", ""
    if (soc2020, soc2010) not in known_pairs():
        raise CodingRefused("Select a unit group from the list")
    return soc2020, soc2010


def _record(
    survey: Survey, normalised: str, codes: tuple[str, str], *, second: bool, actor: Any
) -> CodingDecision:
    try:
        with transaction.atomic():
            return CodingDecision.objects.create(
                survey=survey,
                normalised=normalised,
                soc2020=codes[0],
                soc2010=codes[1],
                uncodable=not codes[0],
                is_second_coding=second,
                decided_by=actor,
            )
    except IntegrityError:
        raise CodingRefused(
            "Someone else coded this title a moment ago: it is in the decisions list"
        ) from None


def decide(
    *,
    survey: Survey,
    normalised: str,
    soc2020: str = "",
    soc2010: str = "",
    uncodable: bool = False,
    actor: Any,
) -> tuple[CodingDecision, int]:
    """Record a coder's decision on a normalised title and code every unresolved job
    title of the survey with that form by it; the decision and how many titles it coded.

    Refused for codes the index does not hold, a title with no job titles in the
    survey, and a title already decided (undo that decision first).
    """
    codes = _checked(soc2020, soc2010, uncodable)
    with transaction.atomic():
        titles = _group(survey, normalised)
        if not normalised or not titles:
            raise CodingRefused("There is no such job title in this survey’s queue")
        if standing_decision(survey.pk, normalised) is not None:
            raise CodingRefused("This title is already coded: undo that decision first")
        decision = _record(survey, normalised, codes, second=False, actor=actor)
        coded = [title for title in titles if title.status in UNRESOLVED]
        for title in coded:
            _decided(title, decision)
        JobTitle.objects.bulk_update(coded, CODING_FIELDS)
        audit(
            Event.CODING_DECIDED,
            actor=actor,
            target=survey,
            count=len(coded),
            decision=decision.pk,
            soc2020=decision.soc2020 or "uncodable",
        )
    return decision, len(coded)


def undo(*, survey: Survey, decision_id: int, actor: Any) -> tuple[CodingDecision, int]:
    """Reverse a decision: it stays in the list as undone, and the job titles it coded
    go back to the automatic coder's coding (and to the queue, when that leaves them
    open). A second coding undone simply no longer counts. Refused when already undone."""
    with transaction.atomic():
        decision = (
            CodingDecision.objects.select_for_update().filter(survey=survey, pk=decision_id).first()
        )
        if decision is None:
            raise CodingRefused("There is no such decision in this survey")
        if decision.reversed_at is not None:
            raise CodingRefused("That decision was already undone")
        decision.reversed_at, decision.reversed_by = timezone.now(), actor
        decision.save(update_fields=["reversed_at", "reversed_by"])
        restored: list[JobTitle] = []
        if not decision.is_second_coding:
            restored = _group(survey, decision.normalised, method=JobTitle.Method.CODER)
            for title in restored:
                _automatic(title)
            JobTitle.objects.bulk_update(restored, CODING_FIELDS)
        audit(
            Event.CODING_REVERSED,
            actor=actor,
            target=survey,
            count=len(restored),
            decision=decision.pk,
        )
    return decision, len(restored)


def second_code(
    *,
    survey: Survey,
    normalised: str,
    soc2020: str = "",
    soc2010: str = "",
    uncodable: bool = False,
    actor: Any,
) -> CodingDecision:
    """Record a second coder's blind code for a title in the double-coding sample; it
    counts for the agreement rate and codes nothing. Refused for a title not in the
    sample or not yet decided, for the person who decided it, and when it already has
    a second coding."""
    codes = _checked(soc2020, soc2010, uncodable)
    with transaction.atomic():
        first = standing_decision(survey.pk, normalised)
        if first is None or not in_double_coding_sample(survey, normalised):
            raise CodingRefused("This title is not waiting for a second coding")
        if first.decided_by_id == getattr(actor, "pk", None):
            raise CodingRefused("You coded this title: a different coder codes it a second time")
        decision = _record(survey, normalised, codes, second=True, actor=actor)
        audit(Event.CODING_SECOND, actor=actor, target=survey, decision=decision.pk)
    return decision


def double_coding_set(*, survey: Survey, percent: int, actor: Any) -> None:
    """Set the share of decisions the double-coding sample takes (0 is off), audited."""
    if not 0 <= percent <= 100:
        raise CodingRefused("Enter a per cent from 0 to 100")
    with transaction.atomic():
        Survey.objects.filter(pk=survey.pk).update(double_coding_percent=percent)
        survey.double_coding_percent = percent
        audit(Event.DOUBLE_CODING_CHANGED, actor=actor, target=survey, percent=percent)
