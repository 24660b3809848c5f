"""The coding queue's forms: the decision on a title (a unit group found by the search, or
"cannot be coded") and the double-coding sample's share."""

from __future__ import annotations

from typing import Any, Final

from django import forms

from seb.occupation.search import known_pairs

UNCODABLE: Final = "uncodable"
SAMPLE_PERCENTS: Final = (0, 5, 10, 20, 50, 100)


class DecisionForm(forms.Form):
    """The radios are the search's hits, written by the template; any pair the index
    holds is accepted (a hit of an earlier search is still a good answer)."""

    choice = forms.CharField(
        max_length=20,
        error_messages={
            "required": "Select a unit group, or that it cannot be coded",
            "max_length": "Select a unit group from the list",
        },
    )

    def clean_choice(self) -> dict[str, Any]:
        choice = self.cleaned_data["choice"].strip()
        if choice == UNCODABLE:
            return {"uncodable": True}
        soc2020, _, soc2010 = choice.partition(":")
        if (soc2020, soc2010) not in known_pairs():
            raise forms.ValidationError("Select a unit group from the list")
        return {"soc2020": soc2020, "soc2010": soc2010}


class DoubleCodingForm(forms.Form):
    percent = forms.TypedChoiceField(
        label="Share of decisions coded a second time",
        choices=[(p, "Off" if p == 0 else f"{p}%") for p in SAMPLE_PERCENTS],
        coerce=int,
        error_messages={"invalid_choice": "Select a share from the list"},
    )
