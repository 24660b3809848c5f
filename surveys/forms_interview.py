"""Forms for the interviewer's own pages: starting an interview and stopping one."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms
from django.core.validators import MaxLengthValidator, RegexValidator

from seb.standard import Mode

from .models import Response, Survey

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
