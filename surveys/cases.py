"""Writing cases: the only code that creates or changes a case (docs/spec/fieldwork.md).

Cases are created with their access code and personal link, which are returned
once, in plain, and stored only as hashes. A case's outcome and the rest of its
derived state are refreshed (`surveys.derived.case_refresh`) by every service that
changes something they depend on (a response, an attempt, a message, an opt-out),
in the transaction that changes it, so an outcome is never typed, never stale, and
the monitoring pages are a GROUP BY at any size.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice
from typing import Any, Final

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, connection, transaction
from django.db.models import Value
from django.db.models.functions import Replace, Upper
from django.utils import timezone

from seb.case_actions import normalise_reference
from seb.caseload import CLOSING_ATTEMPTS
from seb.fieldwork import (
    AttemptOutcome,
    Outcome,
    access_code_hash,
    code_hash_unchecked,
    derived_credentials,
    link_token_hash,
    new_nonce,
    normalise_access_code,
    secret_hash,
)
from seb.phones import phone_classify
from seb.standard import Mode

from .audit import Event, audit
from .case_rules import case_work_refusal, not_worked
from .derived import case_refresh
from .models import Attempt, Case, Message, Response, SampleLoad, Survey

BATCH_SIZE: Final = 5_000
CONTACT_FIELDS: Final = ("name", "email", "phone", "address")


class CaseRefused(Exception):
    """A change to a case that its state does not allow; `message` is said as it is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class Credentials:
    """A case's access code and personal-link token, in plain: shown or exported once."""

    reference: str
    access_code: str
    link_token: str


@dataclass(frozen=True, slots=True)
class NewCase:
    reference: str
    name: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""
    preferred_mode: str = ""
    interviewer_id: int | None = None
    variables: Mapping[str, str] = field(default_factory=dict)


def credentials_keys() -> list[bytes]:
    """The keys credentials are derived with: the current one first, then any the
    service's SECRET_KEY_FALLBACKS still accept (so a key rotation keeps codes sent)."""
    secrets_in_use = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [
        hashlib.sha256(f"seb.credentials:{secret}".encode()).digest() for secret in secrets_in_use
    ]


def _issue(case: Case) -> Credentials:
    """New credentials for `case`: a new nonce, and the hashes of what it derives."""
    issued = credentials_new(reference=case.reference, key=credentials_keys()[0])
    case.credentials_nonce = issued.nonce
    case.access_code_hash = issued.access_code_hash
    case.link_token_hash = issued.link_token_hash
    case.credentials_issued_at = timezone.now()
    return issued.credentials


def case_credentials(case: Case) -> Credentials | None:
    """The case's current code and link token, rebuilt from its nonce for a message or
    a mail-merge file; None when no key in use derives them (regenerate them)."""
    if not case.credentials_nonce:
        return None
    for key in credentials_keys():
        code, token = derived_credentials(key, case.credentials_nonce)
        if access_code_hash(code) == case.access_code_hash:
            return Credentials(reference=case.reference, access_code=code, link_token=token)
    return None


def cases_create(
    *, survey: Survey, cases: Iterable[NewCase], sample_load: SampleLoad | None = None
) -> Iterator[Credentials]:
    """Create cases in batches, each with new credentials; yields each case's credentials.

    Run it inside the caller's transaction for all or nothing; consume the whole
    iterator (the cases of a batch are written when the batch is full).
    """
    now = timezone.now()
    made = iter(cases)
    while batch := list(islice(made, BATCH_SIZE)):
        rows = []
        issued = []
        for new in batch:
            case = Case(
                survey=survey,
                reference=new.reference,
                name=new.name,
                email=new.email,
                phone=new.phone,
                phone_mobile=bool(new.phone) and phone_classify(new.phone).mobile,
                address=new.address,
                preferred_mode=new.preferred_mode,
                mode=new.preferred_mode,
                interviewer_id=new.interviewer_id,
                variables=dict(new.variables),
                sample_load=sample_load,
                created_at=now,
            )
            issued.append(_issue(case))
            rows.append(case)
        Case.objects.bulk_create(rows)
        yield from issued


# Cases in bulk, from rows already in the database: a sample load's -----------------


@dataclass(frozen=True, slots=True)
class Issued:
    """New credentials in plain (for the one file that carries them) and what the case
    stores of them."""

    credentials: Credentials
    nonce: str
    access_code_hash: str
    link_token_hash: str


def credentials_new(*, reference: str, key: bytes) -> Issued:
    """A new nonce and what it derives under `key` (`credentials_keys()[0]`): one HMAC."""
    nonce = new_nonce()
    code, token = derived_credentials(key, nonce)
    return Issued(
        credentials=Credentials(reference=reference, access_code=code, link_token=token),
        nonce=nonce,
        access_code_hash=code_hash_unchecked(code),
        link_token_hash=link_token_hash(token),
    )


# The columns `source_sql` of `cases_insert` gives, in this order.
INSERTED_FIELDS: Final = (
    "reference",
    "name",
    "email",
    "phone",
    "address",
    "preferred_mode",
    "interviewer",
    "variables",
    "credentials_nonce",
    "access_code_hash",
    "link_token_hash",
)
# ...and those `cases_insert` gives each case itself.
GIVEN_FIELDS: Final = ("survey", "sample_load", "created_at", "credentials_issued_at", "mode")


def cases_insert(
    *,
    survey: Survey,
    sample_load: SampleLoad | None,
    source_sql: str,
    params: Sequence[Any],
    now: datetime,
) -> int:
    """Create a case of `survey` for each row `source_sql` selects (a column named as
    the case table's for each of INSERTED_FIELDS, the credentials made by
    `credentials_new`): one INSERT ... SELECT; the number of cases. Every other
    column that cannot be NULL takes its model default.

    Run inside the caller's transaction, after checking what the constraints check
    (a reference the survey has already fails the statement). Foreign keys are checked
    when the statement ends, so a caller inserting in slices keeps that work bounded;
    the case tallies' statement trigger runs once a statement.
    """
    named = {*INSERTED_FIELDS, *GIVEN_FIELDS}
    fixed = [
        (f.column, f.get_db_prep_save(f.get_default(), connection))
        for f in Case._meta.concrete_fields
        if not f.primary_key and not f.null and f.name not in named
    ]
    quote = connection.ops.quote_name
    columns = [Case._meta.get_field(name).column for name in (*GIVEN_FIELDS, *INSERTED_FIELDS)]
    columns += [column for column, _ in fixed]
    selected = ", ".join(f"src.{quote(Case._meta.get_field(n).column)}" for n in INSERTED_FIELDS)
    constants = "".join(", %s" for _ in fixed)
    sql = (
        f"INSERT INTO {quote(Case._meta.db_table)} ({', '.join(map(quote, columns))}) "  # noqa: S608
        f"SELECT %s, %s, %s, %s, src.{quote(Case._meta.get_field('preferred_mode').column)}, "
        f"{selected}{constants} FROM ({source_sql}) src"
    )
    given = [survey.pk, sample_load.pk if sample_load is not None else None, now, now]
    values = [*given, *(value for _, value in fixed), *params]
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(sql, values)
        inserted = int(cursor.rowcount)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    return inserted


def case_create(
    *, survey: Survey, new: NewCase, sample_load: SampleLoad | None = None
) -> tuple[Case, Credentials]:
    with transaction.atomic():
        (credentials,) = list(cases_create(survey=survey, cases=[new], sample_load=sample_load))
        case = Case.objects.get(survey=survey, reference=new.reference)
    return case, credentials


CREDENTIAL_FIELDS: Final = (
    "credentials_nonce",
    "access_code_hash",
    "link_token_hash",
    "credentials_issued_at",
)


def credentials_regenerate(*, cases: Iterable[Case]) -> Iterator[Credentials]:
    """New credentials for each case; the old code and link stop working at once."""
    for case in cases:
        with transaction.atomic():
            locked = Case.objects.select_for_update().get(pk=case.pk)
            credentials = _issue(locked)
            locked.save(update_fields=list(CREDENTIAL_FIELDS))
        yield credentials


def credentials_regenerate_all(
    *, survey: Survey, on_progress: Callable[[int], None] | None = None
) -> int:
    """New credentials for every case of the survey still in its sample, in one
    transaction (all or none are voided); the number of cases changed."""
    changed = 0
    with transaction.atomic():
        cases = (
            Case.objects.filter(survey=survey, withdrawn_at__isnull=True)
            .order_by("pk")
            .only("pk", "reference")
        )
        last = 0
        while batch := list(cases.filter(pk__gt=last)[:BATCH_SIZE]):
            for case in batch:
                _issue(case)
            Case.objects.bulk_update(batch, list(CREDENTIAL_FIELDS), batch_size=1000)
            changed += len(batch)
            last = batch[-1].pk
            if on_progress is not None:
                on_progress(changed)
    return changed


def case_update(*, case: Case, **fields: Any) -> Case:
    """Change a case's contact details, preferred mode, interviewer or sample variables."""
    allowed = {*CONTACT_FIELDS, "preferred_mode", "interviewer", "interviewer_id", "variables"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"cannot change {sorted(unknown)}")
    if "phone" in fields:  # only a mobile gets text messages (surveys.phones)
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


def attempt_record(
    *,
    case: Case,
    interviewer: AbstractBaseUser | None,
    mode: Mode | str,
    outcome: AttemptOutcome,
    note: str = "",
    appointment_at: datetime | None = None,
    response: Response | None = None,
    at: datetime | None = None,
) -> Attempt:
    """Record a call or visit and what came of it; the case's outcome follows."""
    if outcome is AttemptOutcome.APPOINTMENT and appointment_at is None:
        raise CaseRefused("Enter when the appointment is.")
    if case.outcome == Outcome.COMPLETE.value:
        raise CaseRefused("This case is complete: it needs no more calls or visits.")
    with transaction.atomic():
        attempt = Attempt.objects.create(
            case=case,
            interviewer=interviewer,
            mode=Mode(mode).value,
            outcome=outcome.value,
            note=note,
            appointment_at=appointment_at if outcome is AttemptOutcome.APPOINTMENT else None,
            response=response,
            at=at or timezone.now(),
        )
        case_refresh(case_id=case.pk)
    return attempt


def call_or_visit_record(
    *,
    case: Case,
    interviewer: AbstractBaseUser,
    mode: Mode | str,
    outcome: AttemptOutcome,
    note: str = "",
    appointment_at: datetime | None = None,
) -> Attempt:
    """An interviewer's call or visit on a case they are working (`attempt_record`);
    one that ends the case's fieldwork (`seb.caseload.CLOSING_ATTEMPTS`) closes it.
    Refused on a case nobody may call on any more (complete, withdrawn, closed)."""
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        refusal = case_interview_refusal(locked)
        if refusal:
            raise CaseRefused(refusal)
        attempt = attempt_record(
            case=locked,
            interviewer=interviewer,
            mode=mode,
            outcome=outcome,
            note=note,
            appointment_at=appointment_at,
        )
        if outcome in CLOSING_ATTEMPTS:
            case_close(case=locked)
    return attempt


def case_interview_refusal(case: Case) -> str:
    """Why no interview can be started on the case now, in words; empty when one can
    (`seb.case_actions.why_not_worked`)."""
    return case_work_refusal(case)


NOT_YOURS: Final = (
    "No case {reference} of this survey is assigned to you. Check the reference, or ask "
    "your supervisor to assign the case to you"
)


NOT_IN_SAMPLE: Final = (
    "No case {reference} is in this survey’s sample. Check the reference: this survey "
    "is by invitation only, so interviews are only with the cases in its sample"
)


class NewCaseNeeded(CaseRefused):
    """The reference is in no case of an open survey: making one waits for the
    interviewer to confirm it (`case_for_interview(..., create=True)`)."""

    def __init__(self, reference: str) -> None:
        super().__init__(f"No case {reference} is in this survey’s sample yet.")
        self.reference = reference


def case_by_reference(survey: Survey, typed: str) -> Case | None:
    """The survey's case with this reference as an interviewer typed it: exactly, or
    else in any letter case and spacing (`seb.case_actions.normalise_reference`)."""
    cases = Case.objects.select_for_update().filter(survey=survey)
    exact = cases.filter(reference=typed.strip()).first()
    if exact is not None:
        return exact
    wanted = normalise_reference(typed)
    loose = Upper(Replace("reference", Value(" "), Value("")))
    return cases.annotate(loose=loose).filter(loose=wanted).order_by("pk").first()


def case_for_interview(
    *,
    survey: Survey,
    reference: str,
    interviewer: AbstractBaseUser,
    mode: Mode | str,
    create: bool = False,
) -> Case:
    """The case an interview started with a typed reference is for.

    The reference matches whatever its letter case and spacing ("s 026" is S026). An
    interviewer works only the cases assigned to them. Where a supervisor lets the
    survey's interviewers take unassigned cases (`Survey.interviewers_take_unassigned`),
    an unassigned case becomes theirs; in a survey open to anyone (not by invitation
    only) a reference the sample does not have makes a new case assigned to them (an
    ad hoc case, its reference as `normalise_reference` spells it), once they confirm
    it (`create`; until then `NewCaseNeeded`); both are audited. In a survey by
    invitation only an unknown reference is refused with NOT_IN_SAMPLE. Anything else
    (someone else's case, or one not assigned) gets one message, NOT_YOURS, so trying
    references tells nobody whose cases exist. A case of theirs that must not be
    worked (`seb.case_actions.why_not_worked`) is refused with the reason.
    """
    open_to_all = survey.interviewers_take_unassigned
    with transaction.atomic():
        case = case_by_reference(survey, reference)
        if case is None and survey.access == Survey.Access.INVITATION:
            raise CaseRefused(NOT_IN_SAMPLE.format(reference=normalise_reference(reference)))
        if case is None and open_to_all:
            if not create:
                raise NewCaseNeeded(normalise_reference(reference))
            try:
                with transaction.atomic():
                    case, _ = case_create(
                        survey=survey,
                        new=NewCase(
                            reference=normalise_reference(reference),
                            interviewer_id=interviewer.pk,
                            preferred_mode=Mode(mode).value,
                        ),
                    )
                audit(Event.CASES_CREATED, actor=interviewer, target=case, count=1, ad_hoc=True)
                return case
            except IntegrityError:  # made by someone else at the same moment
                case = case_by_reference(survey, reference)
        if case is None or case.interviewer_id not in (None, interviewer.pk):
            raise CaseRefused(NOT_YOURS.format(reference=reference))
        if case.interviewer_id is None and not open_to_all:
            raise CaseRefused(NOT_YOURS.format(reference=reference))
        refusal = case_interview_refusal(case)
        if refusal:
            raise CaseRefused(refusal)
        if case.interviewer_id is None:
            case.interviewer_id = interviewer.pk
            case.save(update_fields=["interviewer"])
            audit(Event.CASE_TAKEN, actor=interviewer, target=case)
    return case


def attempt_interview_stopped(*, response_id: Any, reason: str, at: datetime) -> int:
    """Record on the call or visit that started or resumed an interview that it stopped,
    and why; the number of attempts changed (0 or 1)."""
    attempt = (
        Attempt.objects.filter(
            response_id=response_id,
            outcome=AttemptOutcome.INTERVIEW_STARTED.value,
            ended_at__isnull=True,
        )
        .order_by("-at")
        .first()
    )
    if attempt is None:
        return 0
    return Attempt.objects.filter(pk=attempt.pk).update(ended_at=at, end=reason)


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


# Finding a case by its secret ----------------------------------------------------


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
