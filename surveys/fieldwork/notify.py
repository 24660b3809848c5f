"""Where invitations and reminders go: GOV.UK Notify, or the local backend.

`NOTIFY_BACKEND` picks one. The local backend (the default outside production)
sends nothing: it keeps each message in the database (`LocalNotification`, the
stand-in for Notify's own record) and logs it, so `make run` and the tests need
no Notify account. Either way a code or a link is never stored or logged in
clear: the local backend keeps and logs each message with its secrets redacted
(`redacted`), as the service's log does; the file of codes is where they are
read, once. It simulates delivery from the address: an email
address at `undeliverable.example`, or a phone number in the fictional range
07700 900000 to 07700 900099, fails permanently; every other address is
delivered at once.

The Notify backend sends through GOV.UK Notify's own Python client, with the
message's id as Notify's `reference`, so a message whose worker stopped between
sending and recording it is found again, not sent twice (`find`). Notify says
later whether a message was delivered; `statuses` asks, page by page, newest
first, only back to the oldest message still waiting.

`Pacer` keeps sending under `NOTIFY_MESSAGES_PER_MINUTE` (Notify allows 3,000 a
minute for a service).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final, Protocol

from django.conf import settings
from django.utils.dateparse import parse_datetime

from ..models import LocalNotification, Message
from .message_text import Rendered, local_rendered

logger = logging.getLogger(__name__)
UNDELIVERABLE_EMAIL_DOMAIN: Final = "undeliverable.example"
UNDELIVERABLE_PHONE: Final = re.compile(r"^(?:\+44|0)7700900\d\d$")
# The personalisation every message carries: a Notify template may use any of them
# as ((name)); Notify refuses a template whose placeholders are not all given.
PERSONALISATION: Final = {
    "survey_name": "the survey's name",
    "organisation": "the organisation running it",
    "name": "the person's name, or “Dear participant”-style text of your own if blank",
    "link": "their personal link (starts or resumes their response)",
    "access_code": "their access code, to type at the survey's address",
    "survey_address": "the survey's address, where the code is typed",
    "opt_out_link": "a link to stop further messages about the survey",
    "closes": "when the survey closes, or blank",
}
# The personalisation that opens a case (answers as its respondent, or refuses for
# them): kept and logged by the local backend only as REDACTED.
SECRET_PERSONALISATION: Final = frozenset({"link", "access_code", "opt_out_link"})
REDACTED: Final = "[redacted]"
# GOV.UK Notify's statuses, as the service records them.
NOTIFY_STATUSES: Final = {
    "created": Message.Status.SENT,
    "sending": Message.Status.SENT,
    "pending": Message.Status.SENT,
    "sent": Message.Status.DELIVERED,  # international text messages: no later report
    "delivered": Message.Status.DELIVERED,
    "permanent-failure": Message.Status.PERMANENT_FAILURE,
    "temporary-failure": Message.Status.TEMPORARY_FAILURE,
    "technical-failure": Message.Status.TECHNICAL_FAILURE,
}
FINAL_STATUSES: Final = frozenset(
    {
        Message.Status.DELIVERED,
        Message.Status.PERMANENT_FAILURE,
        Message.Status.TEMPORARY_FAILURE,
        Message.Status.TECHNICAL_FAILURE,
    }
)


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message to send: `reference` is the service's Message id."""

    reference: str
    channel: str
    to: str
    template_id: str
    personalisation: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Sent:
    provider_id: str
    status: str


class AddressRefused(Exception):
    """The backend refused this message's address: it can never be delivered."""


class BackendBusy(Exception):
    """The backend cannot take messages now (rate limit, outage): try again later."""


class BackendMisconfigured(Exception):
    """The backend refuses every message (key, template): `message` says what to fix."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Backend(Protocol):
    name: str

    def send(self, outgoing: Outgoing) -> Sent: ...

    def find(self, reference: str) -> Sent | None: ...

    def statuses(self, waiting: Mapping[str, datetime]) -> dict[str, str]: ...

    def preview(self, outgoing: Outgoing, *, kind: str) -> Rendered:
        """The message as its reader would see it, sending nothing."""
        ...


# The local backend ------------------------------------------------------------------


def simulated_status(channel: str, to: str) -> str:
    """What the local backend says became of a message to `to`."""
    if channel == Message.Channel.EMAIL:
        undeliverable = to.lower().rpartition("@")[2] == UNDELIVERABLE_EMAIL_DOMAIN
    else:
        undeliverable = bool(UNDELIVERABLE_PHONE.match(re.sub(r"[\s()-]", "", to)))
    return Message.Status.PERMANENT_FAILURE if undeliverable else Message.Status.DELIVERED


def redacted(personalisation: Mapping[str, str]) -> dict[str, str]:
    """`personalisation` with each secret (SECRET_PERSONALISATION) replaced."""
    return {
        key: REDACTED if key in SECRET_PERSONALISATION and value else value
        for key, value in personalisation.items()
    }


class LocalBackend:
    """Keeps each message in the database and logs it, its secrets redacted; nothing
    leaves the machine.

    `outbox`, when given, receives each message as sent, secrets and all, in memory
    only: how a test or a benchmark plays the respondent who got it. The backend the
    settings name has none.
    """

    name = "local"

    def __init__(self, *, outbox: list[Outgoing] | None = None) -> None:
        self.outbox = outbox

    def send(self, outgoing: Outgoing) -> Sent:
        status = simulated_status(outgoing.channel, outgoing.to)
        shown = redacted(outgoing.personalisation)
        record = LocalNotification.objects.create(
            channel=outgoing.channel,
            to=outgoing.to,
            template_id=outgoing.template_id,
            personalisation=shown,
            reference=outgoing.reference,
            status=status,
        )
        logger.info(
            "Local %s to %s, template %s: %s",
            outgoing.channel,
            outgoing.to,
            outgoing.template_id,
            ", ".join(f"{key}={value}" for key, value in shown.items()),
        )
        if self.outbox is not None:
            self.outbox.append(outgoing)
        return Sent(provider_id=str(record.pk), status=status)

    def find(self, reference: str) -> Sent | None:
        record = LocalNotification.objects.filter(reference=reference).first()
        return None if record is None else Sent(provider_id=str(record.pk), status=record.status)

    def statuses(self, waiting: Mapping[str, datetime]) -> dict[str, str]:
        return dict(
            LocalNotification.objects.filter(pk__in=list(waiting)).values_list("pk", "status")
        )

    def preview(self, outgoing: Outgoing, *, kind: str) -> Rendered:
        return local_rendered(outgoing.channel, kind, outgoing.personalisation)


# GOV.UK Notify -------------------------------------------------------------------


def _notify_error(error: Any) -> tuple[int, str]:
    status = int(getattr(error, "status_code", 0) or 0)
    message = getattr(error, "message", str(error))
    if isinstance(message, list):
        message = "; ".join(str(item.get("message", item)) for item in message)
    return status, str(message)


class NotifyBackend:
    """GOV.UK Notify, through its own client (`notifications-python-client`)."""

    name = "notify"
    PAGE_LIMIT: Final = 10_000

    def __init__(self, *, api_key: str, base_url: str, client: Any = None) -> None:
        if client is None:
            if not api_key:
                raise BackendMisconfigured(
                    "Set NOTIFY_API_KEY to your GOV.UK Notify service's API key (or use "
                    "NOTIFY_BACKEND=local to keep messages on this machine)."
                )
            from notifications_python_client.notifications import NotificationsAPIClient

            client = NotificationsAPIClient(api_key, base_url=base_url)
        self.client = client

    def _call(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        from notifications_python_client.errors import APIError, TokenError
        from requests import RequestException

        try:
            return function(*args, **kwargs)
        except TokenError as error:
            raise BackendMisconfigured(
                f"GOV.UK Notify refused the API key: {error.message}"
            ) from error
        except APIError as error:
            status, message = _notify_error(error)
            if status in (429,) or status >= 500:
                raise BackendBusy(message) from error
            if status == 400 and re.match(r"(email_address|phone_number)\b", message):
                raise AddressRefused(message) from error
            if status in (400, 403):
                raise BackendMisconfigured(
                    f"GOV.UK Notify refused the message: {message}"
                ) from error
            raise BackendBusy(message) from error
        except RequestException as error:
            raise BackendBusy(str(error)) from error

    def send(self, outgoing: Outgoing) -> Sent:
        personalisation = dict(outgoing.personalisation)
        if outgoing.channel == Message.Channel.EMAIL:
            answer = self._call(
                self.client.send_email_notification,
                email_address=outgoing.to,
                template_id=outgoing.template_id,
                personalisation=personalisation,
                reference=outgoing.reference,
            )
        else:
            answer = self._call(
                self.client.send_sms_notification,
                phone_number=outgoing.to,
                template_id=outgoing.template_id,
                personalisation=personalisation,
                reference=outgoing.reference,
            )
        return Sent(provider_id=str(answer["id"]), status=Message.Status.SENT)

    def preview(self, outgoing: Outgoing, *, kind: str) -> Rendered:
        """Notify's own rendering of the template (its template preview endpoint)."""
        answer = self._call(
            self.client.post_template_preview,
            outgoing.template_id,
            dict(outgoing.personalisation),
        )
        return Rendered(subject=str(answer.get("subject") or ""), body=str(answer.get("body", "")))

    def find(self, reference: str) -> Sent | None:
        answer = self._call(self.client.get_all_notifications, reference=reference)
        for notification in answer.get("notifications", []):
            status = NOTIFY_STATUSES.get(notification.get("status", ""), Message.Status.SENT)
            return Sent(provider_id=str(notification["id"]), status=status)
        return None

    def statuses(self, waiting: Mapping[str, datetime]) -> dict[str, str]:
        """The status of each waiting message, read from Notify's list of the service's
        notifications, newest first, back to the oldest one waiting."""
        if not waiting:
            return {}
        oldest = min(waiting.values())
        found: dict[str, str] = {}
        older_than = None
        for _ in range(self.PAGE_LIMIT):
            page = self._call(self.client.get_all_notifications, older_than=older_than)
            notifications = page.get("notifications", [])
            if not notifications:
                break
            for notification in notifications:
                identifier = str(notification["id"])
                if identifier in waiting and notification.get("status") in NOTIFY_STATUSES:
                    found[identifier] = NOTIFY_STATUSES[notification["status"]]
            last = notifications[-1]
            created = parse_datetime(str(last.get("created_at", "")))
            if len(found) == len(waiting) or (created is not None and created < oldest):
                break
            older_than = last["id"]
        return found


def backend() -> Backend:
    """The backend the settings name."""
    if settings.NOTIFY_BACKEND == "notify":
        return NotifyBackend(api_key=settings.NOTIFY_API_KEY, base_url=settings.NOTIFY_BASE_URL)
    if settings.NOTIFY_BACKEND == "local":
        return LocalBackend()
    raise BackendMisconfigured(
        f"NOTIFY_BACKEND is {settings.NOTIFY_BACKEND!r}: set it to local or notify."
    )


# Pacing --------------------------------------------------------------------------


class Pacer:
    """At most `per_minute` calls of `wait` return each minute, evenly spaced
    (0: no pacing)."""

    def __init__(
        self,
        per_minute: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = 60.0 / per_minute if per_minute > 0 else 0.0
        self.clock = clock
        self.sleep = sleep
        self.next_at: float | None = None

    def wait(self) -> None:
        if not self.interval:
            return
        now = self.clock()
        if self.next_at is not None and now < self.next_at:
            self.sleep(self.next_at - now)
            now = self.next_at
        self.next_at = now + self.interval


def pacer() -> Pacer:
    return Pacer(settings.NOTIFY_MESSAGES_PER_MINUTE)
