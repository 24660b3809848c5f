"""Cancelling a contact round: the messages it has not sent yet are cancelled, in one
transaction with the round's mark, the cases' derived state and the audit entry; the
messages already sent stay as they are. A round being sent stops at its next message
(`contacts.round_send` claims each message only while it is still queued). There is no
way back for the cancelled messages: a new round sends again.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from ..audit import Event, audit
from ..models import Case, ContactRound, Message
from .derived import cases_derive


def round_cancel(*, round_: ContactRound, actor: Any) -> int:
    """Cancel the round's unsent messages; how many were cancelled (0, and nothing
    recorded, when the round was already cancelled)."""
    now = timezone.now()
    with transaction.atomic():
        locked = ContactRound.objects.select_for_update().get(pk=round_.pk)
        if locked.cancelled_at is not None:
            return 0
        unsent = Message.objects.filter(
            round=locked, status=Message.Status.QUEUED, attempted_at__isnull=True
        )
        case_ids = list(unsent.values_list("case_id", flat=True))
        cancelled = unsent.update(status=Message.Status.CANCELLED, status_at=now)
        ContactRound.objects.filter(pk=locked.pk).update(cancelled_at=now, cancelled_by=actor)
        cases_derive(cases=Case.objects.filter(pk__in=case_ids))
        audit(Event.ROUND_CANCELLED, actor=actor, target=locked.survey, count=cancelled)
    round_.cancelled_at, round_.cancelled_by = now, actor
    return cancelled


def unsent_count(round_: ContactRound) -> int:
    """The round's messages still to go (what cancelling it would stop)."""
    return Message.objects.filter(
        round=round_, status=Message.Status.QUEUED, attempted_at__isnull=True
    ).count()
