"""The survey managers' forms for a survey: its settings and its content (the fieldwork
forms are `surveys.forms_fieldwork`'s)."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any, Final

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Fluid, Layout, Size
from django import forms
from django.utils import timezone

from seb.sample import PHONE_NUMBER, phone_digits
from seb.standard import Mode

from .models import Survey

TIME: Final = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


def _helper(*fields: Any) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*fields)
    return helper


class DayField(DateInputField):
    """A GOV.UK date input whose messages name the date they are about."""

    def __init__(self, *, name: str, **kwargs: Any) -> None:
        super().__init__(require_all_fields=False, **kwargs)
        self.name = name
        self.error_messages["incomplete"] = f"{name} must include a day, month and year"
        for part, field in zip(("day", "month", "year"), self.fields, strict=True):
            field.error_messages["incomplete"] = f"{name} must include a {part}"

    def compress(self, data_list: list[str]) -> date | None:
        day, month, year = data_list
        if not (day and month and year):
            return None
        try:
            return date(int(year), int(month), int(day))
        except (ValueError, OverflowError):
            raise forms.ValidationError(f"{self.name} must be a real date") from None


def _time(value: str, *, name: str) -> time | None:
    if not value.strip():
        return None
    match = TIME.match(value)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise forms.ValidationError(f"{name} must be a time like 09:00 or 17:30")
    return time(int(match[1]), int(match[2]))


def _moment(day: date | None, at: time | None, *, default: time) -> datetime | None:
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day, at or default))


class SurveyForm(forms.Form):
    """A survey's name, address, modes, times and access."""

    name = forms.CharField(
        label="Survey name",
        max_length=200,
        help_text="Respondents see it at the top of every page.",
        error_messages={"required": "Enter the survey’s name"},
    )
    slug = forms.SlugField(
        label="Web address",
        max_length=60,
        help_text="Lower-case letters, numbers and hyphens.",
        error_messages={
            "required": "Enter the survey’s web address",
            "invalid": "The web address can only have lower-case letters, numbers and hyphens",
        },
    )
    modes = forms.MultipleChoiceField(
        label="How people answer",
        choices=[(mode.value, mode.label) for mode in Mode],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one way people answer"},
    )
    access = forms.ChoiceField(
        label="Who can answer",
        choices=Survey.Access.choices,
        widget=forms.RadioSelect,
        initial=Survey.Access.OPEN,
        error_messages={"required": "Select who can answer"},
    )
    opens_on = DayField(name="Opening date", label="Opens", required=False)
    opens_time = forms.CharField(label="Opening time (optional)", required=False, max_length=5)
    closes_on = DayField(name="Closing date", label="Closes", required=False)
    closes_time = forms.CharField(label="Closing time (optional)", required=False, max_length=5)
    asks_job_title = forms.BooleanField(
        label="Ask for the job title (an addition beyond the harmonised standard)",
        required=False,
        help_text="Where the standard asks the occupation question, the next page asks for "
        "that person’s job title, which is coded to SOC 2020 and full NS-SEC. The "
        "standard’s eight questions do not change, and the job title can be left empty.",
    )

    def __init__(self, *args: Any, survey: Survey | None = None, base_url: str = "", **kwargs: Any):
        if survey is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_of(survey)
        super().__init__(*args, **kwargs)
        self.survey = survey
        self.base_url = base_url
        self.fields[
            "opens_on"
        ].help_text = "For example, 1 4 2027. Leave empty to open as soon as you open the survey."
        self.fields["opens_time"].help_text = "For example, 09:00. Empty: midnight."
        self.fields["closes_on"].help_text = "For example, 30 6 2027. Leave empty to close by hand."
        self.fields["closes_time"].help_text = "For example, 17:00. Empty: one minute to midnight."
        slug = self.fields["slug"]
        slug.widget.attrs.update(
            {"data-address-base": base_url, "autocomplete": "off", "spellcheck": "false"}
        )
        self.helper = _helper(
            Field.text("name", label_size=Size.SMALL),
            Field.text("slug", label_size=Size.SMALL, field_width=Fluid.TWO_THIRDS),
            Field.checkboxes("modes", legend_size=Size.SMALL, small=True),
            Field.radios("access", legend_size=Size.SMALL),
            Fieldset(
                Field("opens_on", context={"legend_size": Size.for_legend(Size.SMALL)}),
                Field.text("opens_time", field_width=5),
                legend="When it opens",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field("closes_on", context={"legend_size": Size.for_legend(Size.SMALL)}),
                Field.text("closes_time", field_width=5),
                legend="When it closes",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.checkbox("asks_job_title", small=True),
                legend="Beyond the standard",
                legend_size=Size.MEDIUM,
            ),
        )

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"].strip().lower()
        taken = Survey.objects.filter(slug=slug)
        if self.survey is not None:
            taken = taken.exclude(pk=self.survey.pk)
        if taken.exists():
            raise forms.ValidationError("Another survey already has this web address")
        return slug

    def clean_opens_time(self) -> time | None:
        return _time(self.cleaned_data.get("opens_time", ""), name="Opening time")

    def clean_closes_time(self) -> time | None:
        return _time(self.cleaned_data.get("closes_time", ""), name="Closing time")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.opens_at = _moment(cleaned.get("opens_on"), cleaned.get("opens_time"), default=time())
        self.closes_at = _moment(
            cleaned.get("closes_on"), cleaned.get("closes_time"), default=time(23, 59)
        )
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            self.add_error("closes_on", "The survey must close after it opens")
        return cleaned

    def apply(self, survey: Survey) -> Survey:
        data = self.cleaned_data
        survey.name = data["name"]
        survey.slug = data["slug"]
        modes = set(data["modes"])
        survey.offers_online = Mode.ONLINE.value in modes
        survey.offers_face_to_face = Mode.FACE_TO_FACE.value in modes
        survey.offers_telephone = Mode.TELEPHONE.value in modes
        survey.access = data["access"]
        survey.opens_at = self.opens_at
        survey.closes_at = self.closes_at
        survey.asks_job_title = data["asks_job_title"]
        return survey


def initial_of(survey: Survey) -> dict[str, Any]:
    def split(moment: datetime | None) -> tuple[list[str] | None, str]:
        if moment is None:
            return None, ""
        local = timezone.localtime(moment)
        return [str(local.day), str(local.month), str(local.year)], f"{local:%H:%M}"

    opens_on, opens_time = split(survey.opens_at)
    closes_on, closes_time = split(survey.closes_at)
    return {
        "name": survey.name,
        "slug": survey.slug,
        "modes": [mode.value for mode in survey.modes],
        "access": survey.access,
        "opens_on": opens_on,
        "opens_time": opens_time,
        "closes_on": closes_on,
        "closes_time": closes_time,
        "asks_job_title": survey.asks_job_title,
    }


class OwnerContentForm(forms.ModelForm):
    """What respondents are told: who runs the survey, how to reach them, the privacy
    notice, why we are asking and what happens next; and the fieldwork settings."""

    privacy_notice_url = forms.URLField(
        label="Privacy notice: a link to your own page",
        required=False,
        assume_scheme="https",
        max_length=200,
        help_text="For example, https://www.example.org/privacy/survey",
        error_messages={"invalid": "Enter a link that starts with https://"},
    )

    class Meta:
        model = Survey
        fields = [
            "organisation",
            "contact_email",
            "contact_phone",
            "privacy_notice_url",
            "privacy_notice_text",
            "description",
            "next_steps_text",
            "inactivity_days",
            "contact_retention_days",
        ]
        labels = {
            "organisation": "Organisation running the survey",
            "contact_email": "Contact email address",
            "contact_phone": "Contact telephone number (optional)",
            "privacy_notice_url": "Privacy notice: a link to your own page",
            "privacy_notice_text": "Or the privacy notice’s text, shown on a page of the survey",
            "description": "Why we are asking (start page)",
            "next_steps_text": "What happens next (confirmation page)",
            "inactivity_days": "Days without an answer before a response counts as abandoned",
            "contact_retention_days": "Days after the survey closes to delete contact details",
        }
        help_texts = {
            "privacy_notice_url": "For example, https://www.example.org/privacy/survey",
            "privacy_notice_text": "Give the privacy notice as a link or as text, not both.",
            "description": "A few sentences on why the survey matters, shown above the start "
            "button.",
            "next_steps_text": "For example, when and where the results will be published.",
            "inactivity_days": "",
            "contact_retention_days": "Names, email addresses, phone numbers and addresses are "
            "deleted then, by a scheduled job.",
        }
        error_messages = {
            "contact_email": {"invalid": "Enter an email address, like name@example.org"},
            "privacy_notice_url": {"invalid": "Enter a link that starts with https://"},
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "privacy_notice_text": forms.Textarea(attrs={"rows": 6}),
            "next_steps_text": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("inactivity_days", "contact_retention_days"):
            self.fields[name].error_messages.update(
                {
                    "required": f"Enter the {self.fields[name].label.lower()}",
                    "invalid": "Enter a whole number of days",
                }
            )
        self.helper = _helper(
            Fieldset(
                Field.text("organisation"),
                Field.text("contact_email", field_width=Fluid.TWO_THIRDS),
                Field.text("contact_phone", field_width=20),
                legend="Who runs the survey",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("privacy_notice_url"),
                Field.textarea("privacy_notice_text"),
                legend="Privacy notice",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.textarea("description"),
                Field.textarea("next_steps_text"),
                legend="What respondents read",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("inactivity_days", field_width=4),
                Field.text("contact_retention_days", field_width=4),
                legend="Fieldwork",
                legend_size=Size.MEDIUM,
            ),
        )

    def clean_contact_phone(self) -> str:
        phone = self.cleaned_data.get("contact_phone", "").strip()
        if phone and (not PHONE_NUMBER.match(phone) or not 7 <= phone_digits(phone) <= 15):
            raise forms.ValidationError("Enter a telephone number, like 0300 123 4567")
        return phone

    def clean_privacy_notice_url(self) -> str:
        url = self.cleaned_data.get("privacy_notice_url", "").strip()
        if url and not url.lower().startswith("https://"):
            raise forms.ValidationError("Enter a link that starts with https://")
        return url

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("privacy_notice_url") and cleaned.get("privacy_notice_text", "").strip():
            self.add_error(
                "privacy_notice_text", "Give the privacy notice as a link or as text, not both"
            )
        return cleaned


def open_problems(survey: Survey) -> list[tuple[str, str]]:
    """What must be added before a survey opens: (message, the field to fix)."""
    problems = []
    if not survey.organisation:
        problems.append(("Enter the organisation running the survey", "organisation"))
    if not (survey.contact_email or survey.contact_phone):
        problems.append(("Enter a contact email address or telephone number", "contact_email"))
    if not (survey.privacy_notice_url or survey.privacy_notice_text):
        problems.append(
            ("Give the survey’s privacy notice, as a link or as text", "privacy_notice_url")
        )
    return problems
