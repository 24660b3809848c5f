"""The GET forms of the comparison pages: which table, what to compare, which responses.

One form class, its fields chosen by the kind of comparison: by mode (dates
only: the modes are the columns), with another survey, between two periods
(modes only: the periods are the columns), by a sample variable, or with a
reference distribution (whose table it is). Unrounded figures are a choice only
for users allowed to see them, as on the tables page.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Final

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.http import QueryDict

from seb.comparisons import Dimension
from seb.standard import Mode
from seb.tables import Selection, TableSpec, table_definitions

from .comparisons import ComparisonAsk
from .forms import ROUNDED, UNROUNDED, CompletionDateField, FiguresChoice
from .models import ReferenceDistribution

DATE_FIELDS: Final = ("date_from", "date_to")
PERIOD_FIELDS: Final = ("first_from", "first_to", "second_from", "second_to")
PERIOD_NAMES: Final = {
    "first_from": "First period from",
    "first_to": "First period to",
    "second_from": "Second period from",
    "second_to": "Second period to",
}


DATES_INCLUDED: Final = "For example, 1 4 2025. Both dates are included."
PERIOD_DATES: Final = tuple((name, PERIOD_NAMES[name], DATES_INCLUDED) for name in PERIOD_FIELDS)
COMPLETION_DATES: Final = (
    ("date_from", "Completed from", DATES_INCLUDED),
    ("date_to", "Completed to", "For example, 30 6 2025."),
)


def table_label(spec: TableSpec) -> str:
    """A table's short name for a form: its sheet name in words ("NS-SEC 5 class")."""
    return spec.sheet.replace("_", " ")


class ComparisonForm(FiguresChoice, forms.Form):
    def __init__(
        self,
        data: QueryDict,
        *,
        dimension: Dimension,
        allow_unrounded: bool,
        surveys: list[Any] | None = None,
        variables: list[str] | None = None,
        references: list[ReferenceDistribution] | None = None,
        **kwargs: Any,
    ) -> None:
        submitted = bool(data)
        data = data.copy()
        if dimension is not Dimension.REFERENCE and not data.get("table"):
            data["table"] = "nssec5"
        if allow_unrounded and not data.get("figures"):
            data["figures"] = ROUNDED
        if submitted or dimension is Dimension.MODE:
            # By mode, the comparison is made at once with the defaults.
            super().__init__(data, **kwargs)
        else:
            # Not sent yet: unbound, so it shows no errors before it is submitted.
            super().__init__(initial=dict(data.items()), **kwargs)
        self.dimension = dimension
        self.allow_unrounded = allow_unrounded
        self.references = {str(reference.pk): reference for reference in references or []}
        self.surveys = {survey.slug: survey for survey in surveys or []}
        layout = self._compared(dimension, variables or [])
        if dimension is Dimension.PERIOD:
            layout += self._dates(PERIOD_DATES, required=True)
        if dimension is not Dimension.MODE:
            self.fields["mode"] = forms.MultipleChoiceField(
                label="Modes",
                help_text="Leave all unticked to count every mode.",
                required=False,
                choices=[(mode.value, mode.label) for mode in Mode],
                widget=forms.CheckboxSelectMultiple,
                error_messages={"invalid_choice": "Select modes from the list"},
            )
            layout.append(Field.checkboxes("mode", legend_size=Size.SMALL, small=True))
        if dimension is not Dimension.PERIOD:
            layout += self._dates(COMPLETION_DATES, required=False)
        if allow_unrounded:
            self.offer_figures(layout)
        self.helper = self.get_form_helper(layout)

    def _compared(self, dimension: Dimension, variables: list[str]) -> list[Any]:
        """The fields that say what is compared: the reference distribution, or the table
        and (by the dimension) the other survey or the sample variable."""
        if dimension is Dimension.REFERENCE:
            choices = [
                (key, f"{reference.name} ({table_label(reference.spec)})")
                for key, reference in self.references.items()
            ]
            return [
                self._choice(
                    "reference", "Reference distribution", choices, "a reference distribution"
                )
            ]
        tables = [(key, table_label(spec)) for key, spec in table_definitions().items()]
        layout = [self._choice("table", "Table", tables, "a table")]
        if dimension is Dimension.SURVEY:
            surveys = [(slug, survey.name) for slug, survey in self.surveys.items()]
            layout.append(
                self._choice(
                    "other", "Compare with", surveys, "a survey to compare with", "a survey"
                )
            )
        if dimension is Dimension.VARIABLE:
            names = [(name, name) for name in variables]
            layout.append(self._choice("variable", "Sample variable", names, "a sample variable"))
        return layout

    def _choice(
        self, name: str, label: str, choices: list[tuple[str, str]], what: str, listed: str = ""
    ) -> Any:
        """A radio field choosing `what` (GOV.UK's "Select ..." wording), and its layout."""
        self.fields[name] = forms.ChoiceField(
            label=label,
            choices=choices,
            widget=forms.RadioSelect,
            error_messages={
                "required": f"Select {what}",
                # GOV.UK's wording, not SQL.
                "invalid_choice": f"Select {listed or what} from the list",  # noqa: S608
            },
        )
        return Field.radios(name, legend_size=Size.SMALL, small=True)

    def _dates(self, dates: tuple[tuple[str, str, str], ...], *, required: bool) -> list[Any]:
        """Completion date fields (name, label, hint), and their layout."""
        layout = []
        for name, label, hint in dates:
            self.fields[name] = CompletionDateField(
                name=label, label=label, required=required, require_all_fields=False
            )
            self.fields[name].help_text = hint
            layout.append(Field(name, context={"legend_size": Size.for_legend(Size.SMALL)}))
        return layout

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for start, end, name in (
            ("date_from", "date_to", "Completed to must be the same as or after Completed from"),
            (
                "first_from",
                "first_to",
                "First period to must be the same as or after First period from",
            ),
            (
                "second_from",
                "second_to",
                "Second period to must be the same as or after Second period from",
            ),
        ):
            first, last = cleaned.get(start), cleaned.get(end)
            if first and last and last < first:
                self.add_error(end, name)
        return cleaned

    @property
    def controlled(self) -> bool:
        return not (self.allow_unrounded and self.cleaned_data.get("figures") == UNROUNDED)

    @property
    def spec(self) -> TableSpec:
        if self.dimension is Dimension.REFERENCE:
            return self.reference.spec
        return table_definitions()[self.cleaned_data["table"]]

    @property
    def reference(self) -> ReferenceDistribution:
        return self.references[self.cleaned_data["reference"]]

    @property
    def other(self) -> Any:
        return self.surveys[self.cleaned_data["other"]]

    @property
    def variable(self) -> str:
        return str(self.cleaned_data["variable"])

    @property
    def periods(self) -> tuple[tuple[date, date], tuple[date, date]]:
        data = self.cleaned_data
        return (
            (data["first_from"], data["first_to"]),
            (data["second_from"], data["second_to"]),
        )

    @property
    def selection(self) -> Selection:
        return Selection(
            modes=tuple(
                mode for mode in Mode if mode.value in (self.cleaned_data.get("mode") or ())
            ),
            date_from=self.cleaned_data.get("date_from"),
            date_to=self.cleaned_data.get("date_to"),
        )

    def ask(self) -> ComparisonAsk:
        """What a valid form asks to compare."""
        dimension = self.dimension
        return ComparisonAsk(
            dimension=dimension,
            spec=self.spec,
            selection=self.selection,
            controlled=self.controlled,
            other=self.other if dimension is Dimension.SURVEY else None,
            variable=self.variable if dimension is Dimension.VARIABLE else "",
            reference=(self.reference.as_reference() if dimension is Dimension.REFERENCE else None),
            periods=self.periods if dimension is Dimension.PERIOD else None,
        )

    def query(self) -> str:
        """The cleaned form as a query string, for download links."""
        params = QueryDict(mutable=True)
        for name in ("table", "reference", "other", "variable"):
            value = self.cleaned_data.get(name)
            if value:
                params[name] = value
        params.setlist("mode", list(self.cleaned_data.get("mode") or ()))
        for name in (*DATE_FIELDS, *PERIOD_FIELDS):
            value = self.cleaned_data.get(name)
            if value:
                params[f"{name}_0"] = str(value.day)
                params[f"{name}_1"] = str(value.month)
                params[f"{name}_2"] = str(value.year)
        if not self.controlled:
            params["figures"] = UNROUNDED
        return params.urlencode()

    def selection_slug(self) -> str:
        """What the comparison is, for a file name: `nssec5-by-mode_all-modes`."""
        what = {
            Dimension.MODE: "by-mode",
            Dimension.SURVEY: f"with-{self.cleaned_data.get('other', '')}",
            Dimension.PERIOD: "by-period",
            Dimension.VARIABLE: f"by-{self.cleaned_data.get('variable', '')}",
            Dimension.REFERENCE: "with-reference",
        }[self.dimension]
        safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in what)[:60]
        return f"{self.spec.key}-{safe}_{self.selection.slug()}"
