"""Actions that remove or stop something, and the ways back: withdraw a case and put
it back, close a survey and reopen it. Each is one transaction that writes its cause,
the state derived from it (`surveys.fieldwork.derived`) and its audit entry; each is harmless
when repeated (a second submit of the same form changes nothing and audits nothing).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from seb.case_actions import may_be_reinstated

from ..audit import Event, audit
from ..models import Case, Survey
from .cases import CaseRefused
from .derived import case_refresh


def case_withdraw_confirmed(*, case: Case, actor: Any) -> bool:
    """Take the case out of the sample (no messages, no visits, in no rate; its code
    and link stop working); whether it changed (False when it already was out)."""
    with transaction.atomic():
        changed = Case.objects.filter(pk=case.pk, withdrawn_at__isnull=True).update(
            withdrawn_at=timezone.now()
        )
        if changed:
            case_refresh(case_id=case.pk)
            audit(Event.CASE_WITHDRAWN, actor=actor, target=case)
    return bool(changed)


def case_reinstate(*, case: Case, actor: Any) -> None:
    """Put a withdrawn case back in the sample: its code and link work again, it
    counts in the rates and can be worked as before it was withdrawn. Refused
    (`seb.case_actions.may_be_reinstated`) for a case whose contact details were
    deleted; harmless for a case already back."""
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.withdrawn_at is None:
            return
        refusal = may_be_reinstated(
            withdrawn=True, contact_deleted=locked.contact_deleted_at is not None
        )
        if refusal:
            raise CaseRefused(refusal)
        Case.objects.filter(pk=case.pk).update(withdrawn_at=None)
        case_refresh(case_id=case.pk)
        audit(Event.CASE_REINSTATED, actor=actor, target=locked)


def survey_close_now(*, survey: Survey, actor: Any, now: datetime | None = None) -> bool:
    """Close the survey at once; whether it changed (False when it had closed)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Survey.objects.select_for_update().get(pk=survey.pk)
        if locked.has_closed(now):
            return False
        if locked.opens_at and locked.opens_at >= now:
            locked.opens_at = None
        locked.closes_at = now
        locked.save(update_fields=["opens_at", "closes_at"])
        audit(Event.SURVEY_CLOSED, actor=actor, target=locked)
    survey.refresh_from_db(fields=["opens_at", "closes_at"])
    return True


def survey_reopen_refusal(survey: Survey, now: datetime | None = None) -> str:
    """Why a closed survey cannot be opened again; empty when it can. Once its
    retention period has passed its contact details are (or are about to be) deleted,
    so its cases could no longer be reached: it stays closed."""
    now = now or timezone.now()
    if not survey.has_closed(now):
        return ""
    assert survey.closes_at is not None
    retention_ends = survey.closes_at + timedelta(days=survey.contact_retention_days)
    deleted = Case.objects.filter(survey=survey, contact_deleted_at__isnull=False).exists()
    if deleted or retention_ends <= now:
        return (
            f"{survey.name} closed more than {survey.contact_retention_days} days ago and its "
            "contact details have been deleted: it cannot be opened again."
        )
    return ""
