"""Cases: made one at a time, changed, marked (withdrawn, opted out, not eligible,
closed, reopened), assigned, their contact details deleted, and found by an access
code or a personal link. Each change refreshes the case's derived state in its
transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any, Final

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from seb.credentials import link_token_hash, normalise_access_code, secret_hash
from seb.fieldwork import Outcome
from seb.phones import phone_classify

from ..models import Case, Message, SampleLoad, Survey
from .case_rules import case_work_refusal, not_worked
from .derived import case_refresh
from .issuing import Credentials, NewCase, cases_create

CONTACT_FIELDS: Final = ("name", "email", "phone", "address")


class CaseRefused(Exception):
    """A change to a case that its state does not allow; `message` is said as it is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def case_create(
    *, survey: Survey, new: NewCase, sample_load: SampleLoad | None = None
) -> tuple[Case, Credentials]:
    with transaction.atomic():
        (credentials,) = list(cases_create(survey=survey, cases=[new], sample_load=sample_load))
        case = Case.objects.get(survey=survey, reference=new.reference)
    return case, credentials


def case_update(*, case: Case, **fields: Any) -> Case:
    """Change a case's contact details, preferred mode, interviewer or sample variables."""
    allowed = {*CONTACT_FIELDS, "preferred_mode", "interviewer", "interviewer_id", "variables"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"cannot change {sorted(unknown)}")
    if "phone" in fields:  # only a mobile gets text messages (surveys.fieldwork.phones)
        phone = fields["phone"]
        fields = {**fields, "phone_mobile": bool(phone) and phone_classify(phone).mobile}
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.contact_deleted_at and set(fields) & set(CONTACT_FIELDS):
            raise CaseRefused("This case's contact details have been deleted.")
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save(update_fields=[name.removesuffix("_id") for name in fields])
        return case_refresh(case_id=case.pk)


def _case_mark(case: Case, only_if_unset: str | None = None, **values: Any) -> Case:
    """Set the case's own facts (`values`), and its derived state, in one transaction;
    with `only_if_unset`, only when that field is still empty (the first time counts)."""
    cases = Case.objects.filter(pk=case.pk)
    if only_if_unset is not None:
        cases = cases.filter(**{f"{only_if_unset}__isnull": True})
    with transaction.atomic():
        cases.update(**values)
        return case_refresh(case_id=case.pk)


def case_withdraw(*, case: Case) -> Case:
    """Take a case out of the sample: it gets no messages, no visits, and counts in no rate."""
    return _case_mark(case, "withdrawn_at", withdrawn_at=timezone.now())


def case_opt_out(*, case: Case) -> Case:
    """The respondent asked for no more contact: a refusal, and no more reminders."""
    return _case_mark(case, "opted_out_at", opted_out_at=timezone.now())


def case_mark_not_eligible(*, case: Case) -> Case:
    return _case_mark(case, not_eligible_at=timezone.now())


def case_close(*, case: Case) -> Case:
    """No more attempts: the case leaves the interviewer's to-do list."""
    return _case_mark(case, "closed_at", closed_at=timezone.now())


def case_reopen(*, case: Case) -> Case:
    """A supervisor puts a closed or not-eligible case back to be worked."""
    if case.outcome == Outcome.COMPLETE.value:
        raise CaseRefused("A complete case cannot be reopened.")
    if case.opted_out_at is not None:
        raise CaseRefused(
            f"Case {case.reference} opted out: the respondent asked for no more contact, "
            "so it cannot be reopened."
        )
    if case.withdrawn_at is not None:
        raise CaseRefused(
            f"Case {case.reference} has been withdrawn from the sample: its survey's manager "
            "can put it back."
        )
    return _case_mark(case, closed_at=None, not_eligible_at=None)


def case_assign(
    *, cases: Iterable[Case], interviewer: AbstractBaseUser | None, actor: Any = None
) -> int:
    """Give cases to an interviewer (or take them away); the number changed.

    Only cases that may be worked (`seb.case_actions.may_be_assigned`) are given to
    an interviewer; the others are left as they are (`cases_not_assignable` says
    which and why). Taking cases away is always allowed. Nobody joins a survey's
    team by being given its cases: the caller offers only the team's interviewers."""
    ids = [case.pk for case in cases]
    with transaction.atomic():
        chosen = Case.objects.select_for_update().filter(pk__in=ids)
        if interviewer is not None:
            chosen = chosen.exclude(not_worked(timezone.now()))
        changed = Case.objects.filter(pk__in=list(chosen.values_list("pk", flat=True))).update(
            interviewer=interviewer
        )
    return changed


def cases_not_assignable(cases: Iterable[Case]) -> list[tuple[Case, str]]:
    """The cases a supervisor may not give to an interviewer, each with the reason."""
    found = Case.objects.select_related("survey").filter(pk__in=[case.pk for case in cases])
    refusals = ((case, case_work_refusal(case)) for case in found.order_by("reference"))
    return [(case, reason) for case, reason in refusals if reason]


def contact_details_delete(
    *, now: datetime | None = None, on_deleted: Callable[[Survey, int], None] | None = None
) -> int:
    """Delete the contact details of every case of a survey that closed more than its
    retention period ago (and the addresses its messages went to); the cases changed.
    `on_deleted` is called with each survey and its number of cases changed."""
    now = now or timezone.now()
    deleted = 0
    for survey in Survey.objects.filter(closes_at__isnull=False, closes_at__lte=now):
        assert survey.closes_at is not None
        if survey.closes_at + timedelta(days=survey.contact_retention_days) > now:
            continue
        with transaction.atomic():
            cases = Case.objects.filter(survey=survey, contact_deleted_at__isnull=True)
            Message.objects.filter(case__in=cases).update(to="")
            changed = cases.update(name="", email="", phone="", address="", contact_deleted_at=now)
        deleted += changed
        if changed and on_deleted is not None:
            on_deleted(survey, changed)
    return deleted


def case_by_access_code(*, survey: Survey, typed: str) -> Case | None:
    """The survey's case with this access code, if the code is one (any spacing or case)."""
    code = normalise_access_code(typed)
    if code is None:
        return None
    return Case.objects.filter(
        survey=survey, access_code_hash=secret_hash(code, kind="code"), withdrawn_at__isnull=True
    ).first()


def case_by_link_token(*, survey: Survey, token: str) -> Case | None:
    if not token or len(token) > 100:
        return None
    return Case.objects.filter(
        survey=survey, link_token_hash=link_token_hash(token), withdrawn_at__isnull=True
    ).first()
