"""The states a response and a message can be in, why an interview stops, and the kinds
of contact round: each vocabulary once, with its words (docs/spec/fieldwork.md).

The models' choices are made from these enums, and every rule and every SQL
statement that names a status takes it from them, so a status is spelt in one place.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class ResponseStatus(StrEnum):
    """Where a response stands: being answered, submitted, or ended unfinished."""

    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"
    STOPPED = "stopped"
    ABANDONED = "abandoned"

    @property
    def label(self) -> str:
        return RESPONSE_STATUS_LABELS[self]


RESPONSE_STATUS_LABELS: Final = {
    ResponseStatus.IN_PROGRESS: "In progress",
    ResponseStatus.COMPLETE: "Complete",
    ResponseStatus.STOPPED: "Stopped",
    ResponseStatus.ABANDONED: "Abandoned",
}
# A response started and not submitted: its answers are kept but never counted.
UNFINISHED: Final = (ResponseStatus.IN_PROGRESS, ResponseStatus.STOPPED, ResponseStatus.ABANDONED)


class StopReason(StrEnum):
    """Why an interviewer stopped an interview before it was complete."""

    REFUSED = "refused"
    BROKE_OFF = "broke_off"
    UNABLE = "unable"
    OTHER = "other"

    @property
    def label(self) -> str:
        return STOP_REASON_LABELS[self]


STOP_REASON_LABELS: Final = {
    StopReason.REFUSED: "Refused",
    StopReason.BROKE_OFF: "Broke off (for example, the respondent had to go)",
    StopReason.UNABLE: "Unable to continue (for example language or health)",
    StopReason.OTHER: "Other reason",
}


class MessageStatus(StrEnum):
    """What became of an email or text message to a case."""

    QUEUED = "queued"
    SENT = "sent"
    DELIVERED = "delivered"
    TEMPORARY_FAILURE = "temporary_failure"
    PERMANENT_FAILURE = "permanent_failure"
    TECHNICAL_FAILURE = "technical_failure"
    # Queued, then its round was cancelled before it went: never sent, counts for nothing.
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return MESSAGE_STATUS_LABELS[self]


MESSAGE_STATUS_LABELS: Final = {
    MessageStatus.QUEUED: "Queued",
    MessageStatus.SENT: "Sent",
    MessageStatus.DELIVERED: "Delivered",
    MessageStatus.TEMPORARY_FAILURE: "Temporary failure",
    MessageStatus.PERMANENT_FAILURE: "Undeliverable",
    MessageStatus.TECHNICAL_FAILURE: "Technical failure",
    MessageStatus.CANCELLED: "Cancelled before it was sent",
}


class RoundKind(StrEnum):
    """What a contact round sends: the first invitation, or a reminder."""

    INVITATION = "invitation"
    REMINDER = "reminder"

    @property
    def label(self) -> str:
        return ROUND_KIND_LABELS[self]


ROUND_KIND_LABELS: Final = {
    RoundKind.INVITATION: "Invitation",
    RoundKind.REMINDER: "Reminder",
}
