"""Forms for the interviewer's and supervisor's pages: starting and stopping an
interview, recording a call or visit, and assigning cases."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any, Final

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms
from django.core.validators import MaxLengthValidator, RegexValidator
from django.utils import timezone

from seb.caseload import CLOSING_ATTEMPTS
from seb.fieldwork import AttemptOutcome
from seb.standard import Mode

from .models import Response, Survey

# What an interviewer records by hand; "interview started" is recorded by starting one.
RECORDABLE_ATTEMPTS: Final = tuple(
    outcome for outcome in AttemptOutcome if outcome is not AttemptOutcome.INTERVIEW_STARTED
)
ATTEMPT_HINTS: Final = {
    outcome.value: "This closes the case: no more calls or visits. A supervisor can reopen it."
    for outcome in CLOSING_ATTEMPTS
}

REFERENCE_MAX_LENGTH = 50
# Case references come from sample files and field systems: letters, digits and
# the separators they use. Nothing else, so a reference is safe wherever it is shown
# or exported.
REFERENCE_PATTERN = r"\A[A-Za-z0-9][A-Za-z0-9 ./_-]*\Z"


class InterviewStartForm(forms.Form):
    """How the interview is being done and the case it is for."""

    mode = forms.ChoiceField(
        label="How is this interview being done?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select how the interview is being done",
            "invalid_choice": "Select how the interview is being done",
        },
    )
    # No max_length: it would add a maxlength attribute, which cuts off what is
    # typed without saying so (GOV.UK advises against it); the validator says so.
    reference = forms.CharField(
        label="Case reference",
        help_text=(
            f"As it appears on the case record, up to {REFERENCE_MAX_LENGTH} characters. "
            "Letters, numbers, spaces, hyphens, slashes, full stops and underscores."
        ),
        error_messages={"required": "Enter the case reference"},
        validators=[
            MaxLengthValidator(
                REFERENCE_MAX_LENGTH,
                message=f"Case reference must be {REFERENCE_MAX_LENGTH} characters or fewer",
            ),
            RegexValidator(
                REFERENCE_PATTERN,
                message=(
                    "Case reference must only include letters, numbers, spaces, hyphens, "
                    "slashes, full stops and underscores, and start with a letter or number"
                ),
            ),
        ],
    )

    def __init__(self, *args: Any, survey: Survey, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        modes = [mode for mode in survey.modes if mode.is_interviewer_led]
        field = self.fields["mode"]
        field.choices = [(mode.value, mode.label) for mode in modes]
        if len(modes) == 1:
            field.initial = modes[0].value
        self.fields["reference"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.radios("mode", legend_tag="h2", legend_size=Size.MEDIUM),
            Field.text("reference", label_tag="h2", label_size=Size.MEDIUM, field_width=20),
        )

    def clean_mode(self) -> Mode:
        return Mode(self.cleaned_data["mode"])


class InterviewStopForm(forms.Form):
    """Why an interview ended before it was complete."""

    reason = forms.ChoiceField(
        label="Why did the interview stop?",
        choices=Response.StopReason.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select why the interview stopped",
            "invalid_choice": "Select why the interview stopped",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.radios("reason", legend_tag="h1", legend_size=Size.LARGE),
        )


# Calls and visits ------------------------------------------------------------------

NOTE_MAX_LENGTH = 500
TIME_PATTERN = re.compile(
    r"\A\s*(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?\s*(?P<half>[ap])?\.?\s*(?:m\.?)?\s*\Z",
    re.IGNORECASE,
)
MIDDAY_WORDS = ("midday", "noon", "12 noon")
TIME_EXAMPLE = "like 14:30 or 2:30pm"


def parse_time(typed: str) -> time | None:
    """A time of day as people type it: 14:30, 14.30, 9, 2pm, 2:30 pm, midday; else None."""
    text = typed.strip().lower()
    if text in MIDDAY_WORDS:
        return time(12, 0)
    match = TIME_PATTERN.match(text)
    if match is None:
        return None
    hour, minute = int(match["hour"]), int(match["minute"] or 0)
    if match["half"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match["half"] == "p" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def interview_mode_choices(survey: Survey) -> list[tuple[str, str]]:
    return [(mode.value, mode.label) for mode in survey.modes if mode.is_interviewer_led]


class AttemptForm(forms.Form):
    """A call or visit to a case: what came of it, an appointment's time, a short note.

    Rendered by its own template (the appointment's date and time are revealed under
    their option, GOV.UK's conditional reveal); `clean` sets `appointment_at`.
    """

    outcome = forms.ChoiceField(
        label="What came of the call or visit?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select what came of the call or visit",
            "invalid_choice": "Select what came of the call or visit",
        },
    )
    mode = forms.ChoiceField(
        label="Was it a telephone call or a face-to-face visit?",
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Select whether it was a call or a visit"},
    )
    appointment_day = forms.CharField(required=False, label="Day")
    appointment_month = forms.CharField(required=False, label="Month")
    appointment_year = forms.CharField(required=False, label="Year")
    appointment_time = forms.CharField(
        required=False, label="Time", help_text="For example, 14:30 or 2:30pm"
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, who you spoke to or when to try again. Do not include answers.",
        validators=[
            MaxLengthValidator(
                NOTE_MAX_LENGTH,
                message=f"The note must be {NOTE_MAX_LENGTH} characters or fewer",
            )
        ],
    )

    def __init__(
        self, *args: Any, survey: Survey, default_mode: str = "", now: datetime, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.survey = survey
        self.now = now
        self.fields["outcome"].choices = [
            (outcome.value, outcome.label) for outcome in RECORDABLE_ATTEMPTS
        ]
        modes = interview_mode_choices(survey)
        self.fields["mode"].choices = modes
        self.modes = [value for value, _ in modes]
        self.asks_mode = len(modes) > 1
        self.fields["mode"].required = self.asks_mode
        self.fields["mode"].error_messages["required"] = "Select whether it was a call or a visit"
        self.fields["mode"].initial = default_mode if default_mode in self.modes else ""

    @property
    def hints(self) -> dict[str, str]:
        return ATTEMPT_HINTS

    def clean_mode(self) -> str:
        mode = self.cleaned_data.get("mode") or ""
        if not self.asks_mode:
            return self.modes[0]
        return mode

    def clean_note(self) -> str:
        return " ".join(self.cleaned_data["note"].split())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        cleaned["appointment_at"] = None
        if cleaned.get("outcome") != AttemptOutcome.APPOINTMENT.value:
            return cleaned
        parts = [
            cleaned.get(f"appointment_{part}", "").strip() for part in ("day", "month", "year")
        ]
        typed_time = cleaned.get("appointment_time", "").strip()
        if not any(parts):
            self.add_error("appointment_day", "Enter the date of the appointment")
            return cleaned
        named = zip(("a day", "a month", "a year"), parts, strict=True)
        missing = [name for name, value in named if not value]
        if missing:
            self.add_error(
                "appointment_day", f"The date of the appointment must include {missing[0]}"
            )
            return cleaned
        try:
            day, month, year = (int(value) for value in parts)
            when = date(year, month, day)
        except ValueError:
            self.add_error("appointment_day", "The date of the appointment must be a real date")
            return cleaned
        if not typed_time:
            self.add_error("appointment_time", f"Enter the time of the appointment, {TIME_EXAMPLE}")
            return cleaned
        at_time = parse_time(typed_time)
        if at_time is None:
            self.add_error("appointment_time", f"Enter the time of the appointment {TIME_EXAMPLE}")
            return cleaned
        moment = timezone.make_aware(datetime.combine(when, at_time))
        if moment <= self.now:
            self.add_error("appointment_day", "The appointment must be in the future")
            return cleaned
        closes = self.survey.closes_at
        if closes is not None and moment >= closes:
            local = timezone.localtime(closes)
            self.add_error(
                "appointment_day",
                f"The survey closes on {local:%-d %B %Y at %H:%M}: "
                "make the appointment before then",
            )
            return cleaned
        cleaned["appointment_at"] = moment
        return cleaned


class CaseInterviewForm(forms.Form):
    """Starting an interview on a case: the mode, when the survey offers both."""

    mode = forms.ChoiceField(
        label="How is this interview being done?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select how the interview is being done",
            "invalid_choice": "Select how the interview is being done",
        },
    )

    def __init__(self, *args: Any, survey: Survey, default_mode: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        modes = interview_mode_choices(survey)
        field = self.fields["mode"]
        field.choices = modes
        self.asks_mode = len(modes) > 1
        values = [value for value, _ in modes]
        field.initial = default_mode if default_mode in values else values[0] if values else ""


# Supervising -----------------------------------------------------------------------


class AssignForm(forms.Form):
    """Give cases to an interviewer, or take them back (nobody)."""

    cases = forms.TypedMultipleChoiceField(
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select the cases to assign",
            "invalid_choice": "Select the cases to assign from the list",
        },
    )
    interviewer = forms.ChoiceField(
        label="Assign to",
        error_messages={
            "required": "Select who to assign the cases to",
            "invalid_choice": "Select who to assign the cases to",
        },
    )

    UNASSIGNED = "none"

    def __init__(
        self, *args: Any, case_ids: list[int], people: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cases"].choices = [(pk, str(pk)) for pk in case_ids]
        self.fields["interviewer"].choices = [
            ("", "Choose an interviewer"),
            *((str(pk), name) for pk, name in people),
            (self.UNASSIGNED, "Nobody: leave the cases unassigned"),
        ]

    def clean_interviewer(self) -> int | None:
        value = self.cleaned_data["interviewer"]
        return None if value == self.UNASSIGNED else int(value)
