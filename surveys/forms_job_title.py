"""The forms of the job title pages (an addition beyond the standard, docs/spec/occupation.md)."""

from __future__ import annotations

from typing import Any

from django import forms

from seb.occupation.asking import MAX_TEXT, Wording
from seb.occupation.follow_up import NONE_OF_THESE

NONE: str = "none"


class JobTitleForm(forms.Form):
    """The typed title; the code of a suggestion chosen from the list (set by the page's
    script); and whether suggestions were offered at all (set by the script too)."""

    text = forms.CharField(
        required=False,
        max_length=MAX_TEXT,
        error_messages={"max_length": f"Enter a job title of {MAX_TEXT} characters or fewer"},
    )
    suggestion = forms.RegexField(regex=r"\A\d{4}\Z", required=False)
    suggested = forms.BooleanField(required=False)

    def __init__(self, *args: Any, wording: Wording, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].label = wording.text
        self.fields["text"].help_text = wording.hint

    def clean_suggestion(self) -> str:
        # A code that is not one is ignored: the typed text is coded instead.
        return str(self.cleaned_data.get("suggestion") or "")


class ChooseForm(forms.Form):
    """One of the offered unit groups, or "None of these"."""

    answer = forms.ChoiceField(widget=forms.RadioSelect)

    def __init__(
        self, *args: Any, options: list[tuple[str, str, str]], message: str, **kwargs: Any
    ) -> None:
        """`options`: (SOC 2020 code, label, hint), in order."""
        super().__init__(*args, **kwargs)
        self.options = [*options, (NONE, NONE_OF_THESE, "")]
        field = self.fields["answer"]
        field.choices = [(value, label) for value, label, _ in self.options]
        field.error_messages = {"required": message, "invalid_choice": message}

    def chosen(self) -> str:
        """The SOC 2020 code chosen, or "" for "None of these"."""
        value = str(self.cleaned_data["answer"])
        return "" if value == NONE else value
