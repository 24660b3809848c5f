"""Invitations and reminders: making a round, queueing it, sending it, and what became of it.

A contact round is sent in two steps, both safe to run again:

1. `round_queue` writes one queued `Message` for each case the round goes to,
   in one INSERT ... SELECT (so a round of a million cases is queued in seconds);
   the unique (round, case, channel) constraint makes a second run add nothing.
2. `round_send` hands the queued messages to the backend, paced, each with the
   case's personal link and access code (rebuilt from its nonce, never stored).
   A message is marked attempted before it goes; one attempted but not recorded
   as sent (its worker stopped in between) is looked up at the backend by its
   reference before anything is sent again. So each case gets a round's message
   once, however often the job is restarted.

Who a round goes to is `recipients`. No round is made or sent while the survey is a
draft or has closed (`round_refusal`), and a message whose case has since opted out,
been withdrawn or reached a final outcome is dropped, not sent (`_send_one`).

Statuses: the local backend knows at once whether a message was delivered;
Notify reports later, and `message_statuses_update` (a periodic job) asks. A
message that fails permanently refreshes its case's outcome (every message
undeliverable: 3.20).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from django.conf import settings
from django.core import signing
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from seb.fieldwork import Outcome
from seb.statuses import MessageStatus

from ..models import Case, ContactRound, Message, Survey
from .derived import case_refresh, cases_derive
from .issuing import case_credentials
from .notify import FINAL_STATUSES, AddressRefused, Backend, BackendBusy, Outgoing, Pacer
from .recipients import recipients_sql, round_parameters, still_reachable, table_name

BATCH: Final = 500
RETRIES: Final = 5
OPT_OUT_SALT: Final = "surveys.opt-out"
# How long after sending Notify is asked for a message's status (it keeps 7 days).
STATUS_DAYS: Final = 7


class RoundRefused(Exception):
    """A round cannot be made now; `message` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def round_refusal(survey: Survey, *, now: datetime | None = None) -> str | None:
    """Why no message may go to the survey's cases now, or None: a draft's and a
    closed survey's links lead nowhere a person can answer."""
    if survey.is_draft:
        return (
            f"{survey.name} is a draft: publish it before inviting anyone, so that "
            "their links and codes open it."
        )
    if survey.has_closed(now):
        return f"{survey.name} has closed: people contacted now could not take part."
    return None


class RoundStopped(Exception):
    """Sending stopped before the round was finished; `message` says why. The messages
    not yet sent stay queued: starting the round again carries on."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# Links -----------------------------------------------------------------------------


NO_PUBLIC_ADDRESS: Final = (
    "Set PUBLIC_BASE_URL to the service's address (for example "
    "https://seb.example.org), so that messages and files of codes can carry working links."
)


def links_configured() -> bool:
    """Whether the service knows its own address, which every personal link needs."""
    return bool(settings.PUBLIC_BASE_URL.rstrip("/"))


def public_url(path: str) -> str:
    if not links_configured():
        raise RoundStopped(NO_PUBLIC_ADDRESS)
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}{path}"


def personal_link_path(survey: Survey, token: str) -> str:
    return reverse("online:link", args=[survey.slug, token])


def opt_out_token(case: Case) -> str:
    return signing.dumps(case.pk, salt=OPT_OUT_SALT, compress=True)


def case_from_opt_out_token(survey: Survey, token: str) -> Case | None:
    try:
        case_id = signing.loads(token, salt=OPT_OUT_SALT)
    except signing.BadSignature:
        return None
    return Case.objects.filter(pk=case_id, survey=survey).first()


def personalisation(case: Case, *, survey: Survey, code: str, token: str) -> dict[str, str]:
    """What a message to `case` fills its template with (`notify.PERSONALISATION`)."""
    closes = ""
    if survey.closes_at:
        closes = f"{timezone.localtime(survey.closes_at):%-d %B %Y}"
    return {
        "survey_name": survey.name,
        "organisation": survey.organisation,
        "name": case.name,
        "link": public_url(personal_link_path(survey, token)),
        "access_code": code,
        "survey_address": public_url(reverse("online:start", args=[survey.slug])),
        "opt_out_link": public_url(
            reverse("online:opt-out", args=[survey.slug, opt_out_token(case)])
        ),
        "closes": closes,
    }


def round_create(
    *,
    survey: Survey,
    kind: str,
    email_template_id: str,
    sms_template_id: str,
    user: Any,
    letters: bool = False,
) -> ContactRound:
    """A new round (not sent yet); RoundRefused while the survey is a draft or closed."""
    if (refusal := round_refusal(survey)) is not None:
        raise RoundRefused(refusal)
    return ContactRound.objects.create(
        survey=survey,
        kind=kind,
        email_template_id=email_template_id.strip(),
        sms_template_id=sms_template_id.strip(),
        letters=letters,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )


def round_queue(round_: ContactRound, *, now: datetime | None = None) -> int:
    """Queue a message for each case the round goes to (once: a second call adds
    none); the number of messages the round holds."""
    now = now or timezone.now()
    message = table_name(Message)
    columns = ", ".join(
        connection.ops.quote_name(name)
        for name in ("round_id", "case_id", "channel", "to", "status", "provider_id", "created_at")
    )
    select = recipients_sql(round_.kind)
    sql = (
        f"INSERT INTO {message} ({columns}) "  # noqa: S608
        f"SELECT %(round_id)s, recipients.* , %(queued)s, '', %(now)s FROM ({select}) recipients "
        "WHERE 1 = 1 ON CONFLICT DO NOTHING"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        # The correlated checks make the planner's estimates huge, so PostgreSQL
        # would spend longer compiling the query (JIT) than running it.
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(
            sql, {**round_parameters(round_), "now": now, "queued": MessageStatus.QUEUED.value}
        )
        queued = Message.objects.filter(round=round_).count()
        ContactRound.objects.filter(pk=round_.pk).update(queued=queued)
        # A new message means not every message to the case has failed: a case counted
        # undeliverable is derived again (no other outcome depends on a queued message).
        cases_derive(
            cases=Case.objects.filter(
                survey_id=round_.survey_id,  # the index of a survey's outcomes finds them
                outcome=Outcome.UNDELIVERABLE.value,
                pk__in=Message.objects.filter(round=round_).values("case_id"),
            )
        )
    round_.queued = queued
    return queued


# Sending ---------------------------------------------------------------------------


@dataclass
class SendReport:
    sent: int = 0
    undeliverable: int = 0
    failed: int = 0
    dropped: int = 0
    # Cancelled with their round while it was being sent (`round_cancel`).
    cancelled: int = 0


def _record(message: Message, *, status: str, provider_id: str = "") -> None:
    now = timezone.now()
    fields: dict[str, Any] = {"status": status, "status_at": now}
    if provider_id:
        fields["provider_id"] = provider_id
    if message.sent_at is None and status != Message.Status.TECHNICAL_FAILURE:
        fields["sent_at"] = now
    with transaction.atomic():
        Message.objects.filter(pk=message.pk).update(**fields)
        # The case's outcome (undeliverable) and last activity follow its messages.
        case_refresh(case_id=message.case_id)


def _send_one(
    message: Message, *, backend: Backend, pacer: Pacer, sleep: Callable[[float], None]
) -> str:
    """Send one queued message; the status it ends with."""
    reference = str(message.pk)
    if message.attempted_at is not None:
        found = backend.find(reference)
        if found is not None:
            _record(message, status=found.status, provider_id=found.provider_id)
            return found.status
    case = message.case
    survey = message.round.survey
    if not still_reachable(case):
        # Queued before the case opted out, was withdrawn or reached a final outcome.
        Message.objects.filter(pk=message.pk, attempted_at__isnull=True).delete()
        return DROPPED
    credentials = case_credentials(case)
    if credentials is None:
        # The key the case's credentials were made with is no longer in use.
        _record(message, status=Message.Status.TECHNICAL_FAILURE)
        return Message.Status.TECHNICAL_FAILURE
    template = (
        message.round.email_template_id
        if message.channel == Message.Channel.EMAIL
        else message.round.sms_template_id
    )
    outgoing = Outgoing(
        reference=reference,
        channel=message.channel,
        to=message.to,
        template_id=template,
        personalisation=personalisation(
            case, survey=survey, code=credentials.access_code, token=credentials.link_token
        ),
    )
    # Claimed only while still queued: a round cancelled meanwhile sends nothing more.
    claimed = Message.objects.filter(pk=message.pk, status=Message.Status.QUEUED).update(
        attempted_at=timezone.now()
    )
    if not claimed:
        return CANCELLED
    for attempt in range(RETRIES):
        pacer.wait()
        try:
            sent = backend.send(outgoing)
        except AddressRefused:
            _record(message, status=Message.Status.PERMANENT_FAILURE)
            return Message.Status.PERMANENT_FAILURE
        except BackendBusy as busy:
            if attempt == RETRIES - 1:
                raise RoundStopped(
                    f"The message service is not taking messages now ({busy}). The messages "
                    "not yet sent are kept: send the round again later to carry on."
                ) from busy
            sleep(2**attempt)
            continue
        _record(message, status=sent.status, provider_id=sent.provider_id)
        return sent.status
    raise AssertionError("unreachable")


DROPPED: Final = "dropped"
CANCELLED: Final = Message.Status.CANCELLED.value


def round_send(
    round_: ContactRound,
    *,
    backend: Backend,
    pacer: Pacer,
    on_progress: Callable[[int, int], None] | None = None,
    sleep: Callable[[float], None] | None = None,
) -> SendReport:
    """Send every queued message of the round, paced; what happened to them."""
    import time

    if (refusal := round_refusal(round_.survey)) is not None:
        raise RoundStopped(f"Nothing was sent: {refusal}")
    if ContactRound.objects.filter(pk=round_.pk, cancelled_at__isnull=False).exists():
        raise RoundStopped("Nothing was sent: the round was cancelled.")
    report = SendReport()
    total = Message.objects.filter(round=round_, status=Message.Status.QUEUED).count()
    queued = (
        Message.objects.filter(round=round_, status=Message.Status.QUEUED)
        .select_related("case", "round__survey")
        .order_by("pk")
    )
    last = 0
    done = 0
    while batch := list(queued.filter(pk__gt=last)[:BATCH]):
        for message in batch:
            last = message.pk
            status = _send_one(message, backend=backend, pacer=pacer, sleep=sleep or time.sleep)
            done += 1
            if status == DROPPED:
                report.dropped += 1
            elif status == CANCELLED:
                report.cancelled += 1
            elif status == Message.Status.PERMANENT_FAILURE:
                report.undeliverable += 1
            elif status == Message.Status.TECHNICAL_FAILURE:
                report.failed += 1
            else:
                report.sent += 1
            if on_progress is not None:
                on_progress(done, total)
    return report


# Statuses ---------------------------------------------------------------------------


def message_statuses_update(*, backend: Backend, now: datetime | None = None) -> int:
    """Ask the backend what became of the messages sent whose fate is not known yet,
    and record it; the number of messages whose status changed."""
    now = now or timezone.now()
    waiting = dict(
        Message.objects.filter(
            status=Message.Status.SENT,
            sent_at__gte=now - timedelta(days=STATUS_DAYS),
        )
        .exclude(provider_id="")
        .values_list("provider_id", "sent_at")[:100_000]
    )
    if not waiting:
        return 0
    found = backend.statuses(waiting)
    changed = 0
    for provider_id, status in found.items():
        if status not in FINAL_STATUSES:
            continue
        for message in Message.objects.filter(provider_id=provider_id, status=MessageStatus.SENT):
            _record(message, status=status)
            changed += 1
    return changed


def round_counts(round_: ContactRound) -> dict[str, int]:
    """The round's messages by status."""
    from django.db.models import Count

    counts = dict(
        Message.objects.filter(round=round_)
        .order_by()
        .values_list("status")
        .annotate(n=Count("*"))
        .values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in Message.Status.values}
