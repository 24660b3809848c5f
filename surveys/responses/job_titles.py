"""The job title of a response (an addition beyond the standard, docs/spec/occupation.md):
the only code that writes `JobTitle`.

Each function runs in one transaction, locks the response, and writes the title, its
coding and the full NS-SEC derived from its SOC 2010 unit group and the response's
employment answers (as its route stands) together, so the derived columns are never
stale: `job_title_rederive` runs in the transaction of every change to the employment
answers and of the submission (`surveys.responses`). A standing coding-queue decision for
the same normalised title codes a new title at once, as it codes every identical one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from django.db import transaction
from django.utils import timezone

from seb.occupation.asking import JobTitleAnswer, is_asked
from seb.occupation.coder import Status
from seb.occupation.nssec import derive_full
from seb.routing import route

from ..models import CodingDecision, JobTitle, Response

# The answers full NS-SEC is placed by (seb.occupation.nssec.placement).
EMPLOYMENT_KEYS: Final = frozenset(
    {
        "earner_employment_status",
        "employer_size",
        "self_employed_size",
        "supervisor",
        "earner_occupation",
    }
)
NSSEC_FIELDS: Final = (
    "nssec_method",
    "nssec_operational",
    "nssec8",
    "nssec5_full",
    "nssec3_full",
)


class JobTitleRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def route_answers(response: Response) -> Mapping[str, str]:
    return route(response.survey.standard, response.mode, response.answers).answers


def job_title_asked(response: Response, answers: Mapping[str, str] | None = None) -> bool:
    """Whether the response's survey asks the job title and its route has reached it."""
    if not response.survey.asks_job_title:
        return False
    return is_asked(route_answers(response) if answers is None else answers)


def as_answer(job_title: JobTitle) -> JobTitleAnswer:
    """A stored job title as the pure steps of `seb.occupation.asking` take it."""
    return JobTitleAnswer(
        text=job_title.text,
        normalised=job_title.normalised,
        status=Status(job_title.status),
        method=job_title.method,
        score=job_title.score,
        soc2020=job_title.soc2020,
        soc2010=job_title.soc2010,
        follow_ups=tuple(job_title.follow_ups),
    )


def full_nssec_fields(soc2010: str, answers: Mapping[str, str]) -> dict[str, str]:
    """The full NS-SEC columns of a title coded to `soc2010`, for these route answers;
    all empty when it is not coded or the answers place nothing (not working)."""
    full = derive_full(soc2010=soc2010, answers=answers) if soc2010 else None
    if full is None:
        return dict.fromkeys(NSSEC_FIELDS, "")
    return {
        "nssec_method": full.method.value,
        "nssec_operational": full.operational_category,
        "nssec8": full.nssec8,
        "nssec5_full": full.nssec5,
        "nssec3_full": full.nssec3,
    }


def standing_decision(survey_id: int, normalised: str) -> CodingDecision | None:
    """The survey's standing (not undone) decision on a normalised title, if any: the
    coding queue's, applied to every title of that form, present and future."""
    if not normalised:
        return None
    return (
        CodingDecision.objects.select_related("decided_by")
        .filter(
            survey_id=survey_id,
            normalised=normalised,
            is_second_coding=False,
            reversed_at__isnull=True,
        )
        .first()
    )


def _fields(answer: JobTitleAnswer) -> dict[str, Any]:
    """The stored fields of `answer`: its codes only once it is coded."""
    fields = answer.as_data()
    if answer.status is not Status.CODED:
        fields.update(soc2020="", soc2010="")
    return fields


def job_title_record(*, response_id: Any, answer: JobTitleAnswer) -> JobTitle:
    """Store `answer` as the response's job title (replacing any before), with the full
    NS-SEC its code derives, in one transaction.

    Refused when the response is not in progress or its survey does not ask the job
    title where its route now stands. A title not coded here that a coder already
    decided (the same normalised form, in the coding queue) takes that decision.
    """
    with transaction.atomic():
        response = Response.objects.select_for_update().select_related("survey").get(pk=response_id)
        if response.status != Response.Status.IN_PROGRESS:
            raise JobTitleRefused("These answers have already been submitted.")
        answers = route_answers(response)
        if not job_title_asked(response, answers):
            raise JobTitleRefused(
                "The job title is not asked because of an earlier answer. Nothing was saved."
            )
        fields = _fields(answer)
        now = timezone.now()
        fields["coded_by_id"] = None
        fields["coded_at"] = now if answer.status is Status.CODED else None
        decision = (
            None
            if answer.status is Status.CODED
            else standing_decision(response.survey_id, answer.normalised)
        )
        if decision is not None and not decision.uncodable:
            fields.update(
                status=Status.CODED.value,
                method=JobTitle.Method.CODER.value,
                soc2020=decision.soc2020,
                soc2010=decision.soc2010,
                coded_at=decision.decided_at,
                coded_by_id=decision.decided_by_id,
            )
        fields.update(full_nssec_fields(fields["soc2010"], answers))
        fields["updated_at"] = now
        job_title, _ = JobTitle.objects.update_or_create(response=response, defaults=fields)
    return job_title


def job_title_rederive(response: Response, answers: Mapping[str, str]) -> None:
    """Bring the response's job title in line with its route `answers`, inside the
    caller's transaction (which holds the response's lock): the full NS-SEC derived
    again; at completion, a title the route no longer asks is not part of the response
    and is deleted."""
    found = JobTitle.objects.filter(response_id=response.pk)
    if response.status == Response.Status.COMPLETE and not is_asked(answers):
        found.delete()
        return
    coded = found.exclude(soc2010="").values_list("soc2010", flat=True).first()
    if coded is None:
        return
    found.update(**full_nssec_fields(coded, answers), updated_at=timezone.now())


def job_title_of(response: Response) -> JobTitle | None:
    if response.pk is None or response._state.adding:
        return None
    return JobTitle.objects.filter(response_id=response.pk).first()
