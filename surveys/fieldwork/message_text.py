"""The service's own wording of an invitation, a reminder and a letter: what the local
backend "sends" and shows in a round's preview, and what a printed letter says. With
GOV.UK Notify the wording is the Notify template's, and Notify renders the preview.
Each paragraph is one line (a letter and a page wrap it)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class Rendered:
    """A message as its reader would see it."""

    subject: str
    body: str


SUBJECTS: Final = {
    "invitation": "Take part in ((survey_name))",
    "reminder": "A reminder: take part in ((survey_name))",
}
EMAIL: Final = "\n\n".join(
    (
        "Dear ((name)),",
        "((organisation)) is running ((survey_name)). We would like you to take part: "
        "it takes about 10 minutes.",
        "Start or carry on with your own link: ((link))",
        "Or go to ((survey_address)) and type your access code: ((access_code))",
        "The survey closes on ((closes)).",
        "If you do not want to hear from us about this survey again: ((opt_out_link))",
    )
)
SMS: Final = (
    "((organisation)): please take part in ((survey_name)). Your own link: ((link)) "
    "Stop messages: ((opt_out_link))"
)
LETTER: Final = "\n\n".join(
    (
        "Dear ((name)),",
        "((organisation)) is running ((survey_name)), and we would like you to take part. "
        "It takes about 10 minutes, online.",
        "Go to ((survey_address)) and type your access code: ((access_code))",
        "Or type your personal link into your browser: ((link))",
        "The survey closes on ((closes)).",
        "If you do not want to take part or to hear from us again, contact us.",
    )
)


def fill(text: str, personalisation: Mapping[str, str]) -> str:
    """`text` with each ((placeholder)) filled, as Notify fills a template. A sentence
    about when the survey closes is left out when it never does."""
    lines = [
        line
        for line in text.splitlines()
        if "((closes))" not in line or personalisation.get("closes")
    ]
    filled = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    for key, value in personalisation.items():
        filled = filled.replace(f"(({key}))", value or ("participant" if key == "name" else ""))
    return filled


def local_rendered(channel: str, kind: str, personalisation: Mapping[str, str]) -> Rendered:
    """The service's own wording for `channel` (email, sms, letter), filled."""
    text = {"email": EMAIL, "sms": SMS}.get(channel, LETTER)
    subject = (
        ""
        if channel == "sms"
        else fill(SUBJECTS.get(kind, SUBJECTS["invitation"]), personalisation)
    )
    return Rendered(subject=subject, body=fill(text, personalisation))
