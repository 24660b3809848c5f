"""The form that adds someone to a survey's team (`surveys.fieldwork.teams`)."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fluid, Layout, Size
from django import forms
from django.contrib.auth import get_user_model

from .models import TeamRole

ROLE_HINTS = {
    TeamRole.MANAGER: "Sets the survey up, loads its sample, sends invitations, changes its team",
    TeamRole.SUPERVISOR: "Sees every interviewer’s cases and progress, assigns and reopens cases",
    TeamRole.INTERVIEWER: "Works the cases assigned to them",
    TeamRole.ANALYST: "Downloads the survey’s microdata and unrounded tables, and imports "
    "responses (published tables are open to every analyst)",
    TeamRole.CODER: "Codes the job titles the automatic coder left in the survey’s coding queue",
}


class TeamMemberForm(forms.Form):
    username = forms.CharField(
        label="Username",
        max_length=150,
        help_text="Their username for signing in to this service",
        error_messages={"required": "Enter the username of the person to add"},
    )
    role = forms.ChoiceField(
        label="Role in this survey",
        choices=TeamRole.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the person’s role in this survey"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Field.text("username", field_width=Fluid.ONE_HALF),
            Field.radios("role", legend_size=Size.SMALL),
        )
        self.fields["role"].choices = [
            Choice(role.value, role.label, hint=ROLE_HINTS[role]) for role in TeamRole
        ]

    def clean_username(self) -> Any:
        username = self.cleaned_data["username"].strip()
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise forms.ValidationError("Enter the username of someone who can sign in here")
        return user
