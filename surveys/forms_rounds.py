"""The form for a contact round: messages (email and text, through GOV.UK Notify) or
printed letters, invitations or reminders."""

from __future__ import annotations

from typing import Any, Final

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fluid, Layout, Size
from django import forms

from .forms_fieldwork import ContactRoundForm

MESSAGES: Final = "messages"
LETTERS: Final = "letters"


class RoundForm(ContactRoundForm):
    """ContactRoundForm with a choice of channel: letters need no Notify template."""

    channel = forms.ChoiceField(
        label="How to contact people",
        choices=[
            (MESSAGES, "Email and text messages, through GOV.UK Notify"),
            (LETTERS, "Printed letters: a PDF to print and a CSV for a print supplier"),
        ],
        initial=MESSAGES,
        required=False,  # messages, as before letters could be chosen
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"].help_text = (
            "A letter goes to each case with a postal address; an email to each with an "
            "email address; a text message to each with a mobile number and no email address."
        )
        self.fields[
            "email_template_id"
        ].help_text = f"{self.fields['email_template_id'].help_text} Not needed for letters."
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True
        helper.layout = Layout(
            Field.radios("channel", legend_size=Size.SMALL),
            Field.radios("kind", legend_size=Size.SMALL),
            Field.text("email_template_id", field_width=Fluid.TWO_THIRDS),
            Field.text("sms_template_id", field_width=Fluid.TWO_THIRDS),
        )
        self.helper = helper

    def clean_channel(self) -> str:
        return str(self.cleaned_data.get("channel") or MESSAGES)

    def clean(self) -> dict[str, Any]:
        if self.cleaned_data.get("channel") == LETTERS:
            return self.cleaned_data
        return super().clean()
