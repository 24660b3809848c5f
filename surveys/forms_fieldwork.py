"""The managers' fieldwork forms: a case, a sample's file, a contact round."""

from __future__ import annotations

import uuid
from typing import Any

from crispy_forms_gds.layout import Field, Fluid, Size
from django import forms

from seb.interchange import FileFormat, FileProblem
from seb.phones import PhoneKind, phone_classify
from seb.sample import EMAIL_ADDRESS, PHONE_NUMBER, phone_digits

from .fieldwork.staff import interviewers
from .forms_manage import _helper
from .models import Case, ContactRound, Survey


class CaseForm(forms.Form):
    """One case's details: its reference (when added), contact details, preferred mode,
    interviewer and sample variables."""

    reference = forms.CharField(
        label="Reference",
        max_length=200,
        help_text="Your own identifier for the case, unique in this survey.",
        error_messages={"required": "Enter the case’s reference"},
    )
    name = forms.CharField(label="Name (optional)", max_length=200, required=False)
    email = forms.CharField(label="Email address (optional)", max_length=254, required=False)
    phone = forms.CharField(label="Mobile phone number (optional)", max_length=40, required=False)
    address = forms.CharField(
        label="Postal address (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    preferred_mode = forms.ChoiceField(label="Preferred mode", required=False)
    interviewer = forms.ChoiceField(label="Interviewer", required=False)

    def __init__(self, *args: Any, survey: Survey, case: Case | None = None, **kwargs: Any) -> None:
        if case is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "reference": case.reference,
                "name": case.name,
                "email": case.email,
                "phone": case.phone,
                "address": case.address,
                "preferred_mode": case.preferred_mode,
                "interviewer": case.interviewer.get_username() if case.interviewer else "",
                **{f"var_{name}": case.variables.get(name, "") for name in survey.sample_variables},
            }
        super().__init__(*args, **kwargs)
        self.survey = survey
        self.case = case
        self.fields["preferred_mode"].choices = [("", "No preference")] + [
            (mode.value, mode.label) for mode in survey.modes
        ]
        self.fields["interviewer"].choices = [("", "None")] + [
            (user.get_username(), user.get_username()) for user in interviewers()
        ]
        layout: list[Any] = []
        if case is None:
            layout.append(Field.text("reference", field_width=20))
        else:
            del self.fields["reference"]
        layout += [
            Field.text("name"),
            Field.text("email", field_width=Fluid.TWO_THIRDS),
            Field.text("phone", field_width=20),
            Field.textarea("address"),
            Field.select("preferred_mode"),
            Field.select("interviewer"),
        ]
        for name in survey.sample_variables:
            self.fields[f"var_{name}"] = forms.CharField(
                label=f"{name} (sample variable)", max_length=200, required=False
            )
            layout.append(Field.text(f"var_{name}", field_width=20))
        self.helper = _helper(*layout)

    def clean_reference(self) -> str:
        reference = self.cleaned_data["reference"].strip()
        if Case.objects.filter(survey=self.survey, reference=reference).exists():
            raise forms.ValidationError("The sample already has a case with this reference")
        return reference

    def clean_email(self) -> str:
        email = self.cleaned_data.get("email", "").strip()
        if email and not EMAIL_ADDRESS.match(email):
            raise forms.ValidationError("Enter an email address, like name@example.com")
        return email

    def clean_phone(self) -> str:
        phone = self.cleaned_data.get("phone", "").strip()
        if phone and (
            not PHONE_NUMBER.match(phone)
            or not 7 <= phone_digits(phone) <= 15
            or phone_classify(phone).kind is PhoneKind.INVALID
        ):
            raise forms.ValidationError("Enter a phone number, like 07700 900123")
        return phone

    @property
    def variables(self) -> dict[str, str]:
        return {
            name: value
            for name in self.survey.sample_variables
            if (value := self.cleaned_data.get(f"var_{name}", "").strip())
        }

    def interviewer_id(self) -> int | None:
        username = self.cleaned_data.get("interviewer")
        if not username:
            return None
        user = interviewers().filter(username=username).first()
        return user.pk if user else None


class SampleUploadForm(forms.Form):
    file = forms.FileField(
        label="Upload a sample file",
        help_text="A CSV file (UTF-8) or an Excel workbook (.xlsx)",
        error_messages={
            "required": "Select a CSV or XLSX file",
            "empty": "The selected file is empty",
        },
    )

    def __init__(self, *args: Any, max_bytes: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes
        self.helper = _helper(Field("file"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        try:
            self.file_format = FileFormat.for_name(upload.name)
        except FileProblem:
            raise forms.ValidationError("The selected file must be a CSV or XLSX file") from None
        if upload.size > self.max_bytes:
            raise forms.ValidationError("The selected file is too large")
        return upload


class ContactRoundForm(forms.Form):
    """A round of invitations or reminders, and the GOV.UK Notify templates it uses."""

    kind = forms.ChoiceField(
        label="What to send",
        choices=ContactRound.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select invitations or reminders"},
    )
    email_template_id = forms.CharField(label="Email template ID", required=False, max_length=100)
    sms_template_id = forms.CharField(
        label="Text message template ID", required=False, max_length=100
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (ContactRound.Kind.INVITATION, "Invitations: to cases not invited before"),
            (ContactRound.Kind.REMINDER, "Reminders: to invited cases not complete or opted out"),
        ]
        self.fields["email_template_id"].help_text = (
            "From the template’s page in GOV.UK Notify, like "
            "f33517ff-2a88-4f6e-b855-c550268ce08a. Cases with an email address get an email."
        )
        self.fields["sms_template_id"].help_text = (
            "Cases with a mobile number and no email address (or none that works) get a text "
            "message."
        )
        self.helper = _helper(
            Field.radios("kind", legend_size=Size.SMALL),
            Field.text("email_template_id", field_width=Fluid.TWO_THIRDS),
            Field.text("sms_template_id", field_width=Fluid.TWO_THIRDS),
        )

    def _template(self, name: str) -> str:
        value = self.cleaned_data.get(name, "").strip()
        if value:
            try:
                uuid.UUID(value)
            except ValueError:
                raise forms.ValidationError(
                    "Enter the template ID as GOV.UK Notify shows it, like "
                    "f33517ff-2a88-4f6e-b855-c550268ce08a"
                ) from None
        return value

    def clean_email_template_id(self) -> str:
        return self._template("email_template_id")

    def clean_sms_template_id(self) -> str:
        return self._template("sms_template_id")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            not self.errors
            and not cleaned.get("email_template_id")
            and not cleaned.get("sms_template_id")
        ):
            self.add_error(
                "email_template_id",
                "Enter an email template ID, a text message template ID, or both",
            )
        return cleaned
