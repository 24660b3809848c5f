"""The audit trail: who created, exported, regenerated or deleted cases, codes and
contact details, who viewed contact details, who joined or left a survey's team,
who coded job titles in the coding queue (and undid it), and who downloaded microdata
(django-auditlog).

Each event is one `auditlog` log entry on the survey or case it concerns, with
the person who did it (none for a scheduled job or a management command; some
commands name themselves in the entry's details), what they did in words, and how
many cases it touched. Administrators read the trail in the admin (Auditlog › Log
entries), filtered by action or resource; nobody can change or delete an entry
there. Entries never carry contact details, codes or links.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from auditlog.models import LogEntry
from django.db import models


class Event(Enum):
    """What was done, the auditlog action it is recorded as, and its words."""

    SURVEY_CREATED = (LogEntry.Action.CREATE, "survey created")
    SURVEY_OPENED = (LogEntry.Action.UPDATE, "survey opened for responses")
    SURVEY_CLOSED = (LogEntry.Action.UPDATE, "survey closed")
    CASES_CREATED = (LogEntry.Action.CREATE, "cases created")
    CASE_CHANGED = (LogEntry.Action.UPDATE, "case's details changed")
    CASE_WITHDRAWN = (LogEntry.Action.UPDATE, "case withdrawn from the sample")
    CASE_REINSTATED = (LogEntry.Action.UPDATE, "withdrawn case put back in the sample")
    CASE_NOT_ELIGIBLE = (LogEntry.Action.UPDATE, "case marked not eligible")
    CASE_OPTED_OUT = (LogEntry.Action.UPDATE, "opt-out recorded")
    CODES_REGENERATED = (LogEntry.Action.UPDATE, "access codes and links regenerated")
    CODES_EXPORTED = (LogEntry.Action.ACCESS, "access codes and links downloaded")
    CONTACT_DETAILS_VIEWED = (LogEntry.Action.ACCESS, "contact details viewed")
    CONTACT_DETAILS_DELETED = (LogEntry.Action.DELETE, "contact details deleted")
    CONTACTS_SENT = (LogEntry.Action.ACCESS, "invitations or reminders sent")
    ROUND_CANCELLED = (LogEntry.Action.UPDATE, "contact round cancelled before it was all sent")
    OUTCOMES_EXPORTED = (LogEntry.Action.ACCESS, "case outcomes downloaded")
    MICRODATA_DOWNLOADED = (LogEntry.Action.ACCESS, "microdata downloaded")
    TEST_RESPONSES_CLEARED = (LogEntry.Action.DELETE, "test responses cleared")
    TEAM_MEMBER_ADDED = (LogEntry.Action.UPDATE, "added to the survey's team")
    TEAM_MEMBER_REMOVED = (LogEntry.Action.UPDATE, "removed from the survey's team")
    UNASSIGNED_WORK_CHANGED = (LogEntry.Action.UPDATE, "interviewers' unassigned cases setting")
    CASE_TAKEN = (LogEntry.Action.UPDATE, "unassigned case taken by an interviewer")
    CASES_ASSIGNED = (LogEntry.Action.UPDATE, "cases assigned to an interviewer")
    CODING_DECIDED = (LogEntry.Action.UPDATE, "job titles coded in the coding queue")
    CODING_REVERSED = (LogEntry.Action.UPDATE, "coding queue decision undone")
    CODING_SECOND = (LogEntry.Action.UPDATE, "job title coded a second time (double coding)")
    DOUBLE_CODING_CHANGED = (LogEntry.Action.UPDATE, "double-coding sample setting")

    @property
    def action(self) -> int:
        return int(self.value[0])

    @property
    def words(self) -> str:
        return str(self.value[1])


def audit(
    event: Event, *, actor: Any, target: models.Model, count: int | None = None, **details: Any
) -> LogEntry:
    """Record `event`, done by `actor` (a user, or None for the service itself) to
    `target`; `count` is how many cases (or rows) it touched."""
    words = event.words if count is None else f"{event.words} ({count:,})"
    user = actor if getattr(actor, "is_authenticated", False) else None
    data = {"event": event.name.lower(), **({"count": count} if count is not None else {})}
    data.update({key: str(value) for key, value in details.items()})
    entry: LogEntry = LogEntry.objects.log_create(
        target,
        force_log=True,
        action=event.action,
        actor=user,
        actor_email=getattr(user, "email", None) or None,
        object_repr=f"{target}: {words}",
        changes={"event": ["", words]},
        additional_data=data,
    )
    return entry
