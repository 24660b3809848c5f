"""What a contact round would send, before it is sent: for each channel (email, text
message, letter) how many cases it would reach, and the message as one of them would
read it, with that case's own name, link and access code. The case shown is the
first (in the sample's order) the round would actually reach, chosen by the very
query that queues the round (`surveys.fieldwork.contacts`), so a preview never shows a case
the round leaves out. Emails and texts are rendered by the backend (GOV.UK Notify
renders its template; the local backend the service's own wording)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from django.db import connection

from ..models import Case, ContactRound, Message
from .contacts import RoundStopped, personalisation
from .issuing import case_credentials
from .letters import case_letter
from .message_text import Rendered, local_rendered
from .notify import Backend, BackendBusy, BackendMisconfigured, Outgoing
from .recipients import recipients_sql, round_parameters

LABELS: Final = {
    Message.Channel.EMAIL: "Email",
    Message.Channel.SMS: "Text message",
    Message.Channel.LETTER: "Letter",
}


@dataclass(frozen=True, slots=True)
class Preview:
    channel: str
    label: str
    count: int
    reference: str = ""
    to: str = ""
    rendered: Rendered | None = None
    problem: str = ""


def _reached(round_: ContactRound) -> dict[str, tuple[int, int]]:
    """Per channel: how many cases the round would reach, and the first one's id."""
    sql = (
        "SELECT channel, COUNT(*), MIN(id) FROM ("  # noqa: S608
        f"{recipients_sql(round_.kind)}) recipients GROUP BY channel"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, round_parameters(round_))
        return {channel: (int(count), int(first)) for channel, count, first in cursor.fetchall()}


def _preview(
    round_: ContactRound, channel: str, case: Case, *, count: int, backend: Backend
) -> Preview:
    survey = round_.survey
    if channel == Message.Channel.LETTER:
        letter = case_letter(Message(case=case, round=round_), survey, kind=round_.kind)
        if letter is None:
            return Preview(channel, LABELS[channel], count, case.reference, problem=NO_CODES)
        return Preview(
            channel,
            LABELS[channel],
            count,
            case.reference,
            to=case.address,
            rendered=Rendered(subject=survey.name, body=letter.body),
        )
    credentials = case_credentials(case)
    if credentials is None:
        return Preview(channel, LABELS[channel], count, case.reference, problem=NO_CODES)
    filled = personalisation(
        case, survey=survey, code=credentials.access_code, token=credentials.link_token
    )
    to = case.email if channel == Message.Channel.EMAIL else case.phone
    template = (
        round_.email_template_id if channel == Message.Channel.EMAIL else round_.sms_template_id
    )
    outgoing = Outgoing(
        reference="preview", channel=channel, to=to, template_id=template, personalisation=filled
    )
    try:
        rendered = backend.preview(outgoing, kind=round_.kind)
    except (BackendBusy, BackendMisconfigured) as error:
        problem = getattr(error, "message", str(error))
        return Preview(
            channel,
            LABELS[channel],
            count,
            case.reference,
            to=to,
            rendered=local_rendered(channel, round_.kind, filled),
            problem=f"GOV.UK Notify could not show the template: {problem}",
        )
    return Preview(channel, LABELS[channel], count, case.reference, to=to, rendered=rendered)


NO_CODES: Final = (
    "This case's access code cannot be rebuilt (its key is no longer in use): "
    "regenerate the codes before sending."
)


def round_preview(round_: ContactRound, *, backend: Backend) -> list[Preview]:
    """Each channel the (unsaved) round would use: its count and a real case's message."""
    reached = _reached(round_)
    previews = []
    for channel in (Message.Channel.LETTER, Message.Channel.EMAIL, Message.Channel.SMS):
        if channel not in reached:
            continue
        count, first = reached[channel]
        case = Case.objects.get(pk=first)
        try:
            preview = _preview(round_, channel, case, count=count, backend=backend)
        except RoundStopped as stopped:
            preview = Preview(
                channel, LABELS[channel], count, case.reference, problem=stopped.message
            )
        previews.append(preview)
    return previews
