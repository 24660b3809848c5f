"""The analyst's selection of responses and output options, as a GET form."""

from __future__ import annotations

from datetime import date
from typing import Any, Final

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict

from seb.standard import Mode
from seb.tables import Selection
from surveys.models import Survey

CLASSES_CHOICES: Final = [("5", "5-class NS-SEC"), ("3", "3-class NS-SEC")]
ROUNDED: Final = "rounded"
UNROUNDED: Final = "unrounded"
FIGURES_CHOICES: Final = [
    (ROUNDED, "Published figures, with disclosure control"),
    (UNROUNDED, "Unrounded: no disclosure control"),
]
EARLIEST_YEAR: Final = 2000


class CompletionDateField(DateInputField):
    """A GOV.UK date input for a completion date, with messages that name the field."""

    def __init__(self, *, name: str, required_message: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.name = name
        self.error_messages["required"] = required_message or f"Enter the date: {name.lower()}"
        self.error_messages["incomplete"] = f"{name} must include a day, month and year"
        day, month, year = self.fields
        for part, field in (("day", day), ("month", month), ("year", year)):
            field.error_messages["incomplete"] = f"{name} must include a {part}"
            field.validators = [_digits(f"{name} must be a real date")]

    def compress(self, data_list: list[str]) -> date | None:
        day, month, year = data_list
        if not (day and month and year):
            return None
        try:
            value = date(day=int(day), month=int(month), year=int(year))
        except (ValueError, OverflowError) as error:
            raise ValidationError(f"{self.name} must be a real date", code="invalid") from error
        if value.year < EARLIEST_YEAR:
            raise ValidationError(
                f"{self.name} must be in or after {EARLIEST_YEAR}", code="invalid"
            )
        return value


def _digits(message: str) -> Any:
    def check(value: str) -> None:
        if not value.strip().isdigit() or len(value.strip()) > 4:
            raise ValidationError(message, code="invalid")

    return check


def figures_field() -> forms.ChoiceField:
    """Rounded or unrounded figures: offered only to those allowed to see unrounded ones."""
    return forms.ChoiceField(
        label="Figures",
        choices=FIGURES_CHOICES,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select rounded or unrounded figures"},
    )


class FiguresChoice:
    """Rounded or unrounded figures, for a form of the analysis area: offered to those
    allowed to see unrounded ones; a request for them is noticed whoever makes it."""

    fields: dict[str, Any]
    data: Any

    def offer_figures(self, layout: list[Any]) -> None:
        self.fields["figures"] = figures_field()
        layout.append(Field.radios("figures", legend_size=Size.SMALL, small=True))

    @property
    def asks_unrounded(self) -> bool:
        """Whether the request asked for unrounded figures, whatever the form allows."""
        return UNROUNDED in self.data.getlist("figures")

    def get_form_helper(self, layout: list[Any]) -> FormHelper:
        helper = FormHelper()
        helper.form_tag = False
        # A GET form: a CSRF token would only leak into the address.
        helper.disable_csrf = True
        helper.layout = Layout(*layout)
        return helper


class SelectionForm(FiguresChoice, forms.Form):
    """Which responses the tables count, which NS-SEC system, and (if allowed) rounding.

    `allow_unrounded` is whether the user holds the permission; without it the
    form has no choice of figures and only ever gives rounded ones.
    """

    classes = forms.ChoiceField(
        label="NS-SEC classes",
        choices=CLASSES_CHOICES,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select 5-class or 3-class NS-SEC"},
    )
    mode = forms.MultipleChoiceField(
        label="Modes",
        help_text="Leave all unticked to count every mode.",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select modes from the list"},
    )
    date_from = CompletionDateField(
        name="Completed from", label="Completed from", required=False, require_all_fields=False
    )
    date_to = CompletionDateField(
        name="Completed to", label="Completed to", required=False, require_all_fields=False
    )

    def __init__(
        self, data: QueryDict, *, survey: Survey, allow_unrounded: bool, **kwargs: Any
    ) -> None:
        data = data.copy()
        # A first visit (or a link without them) means the defaults: 5-class, rounded.
        if not data.get("classes"):
            data["classes"] = "5"
        if allow_unrounded and not data.get("figures"):
            data["figures"] = ROUNDED
        super().__init__(data, **kwargs)
        self.allow_unrounded = allow_unrounded
        self.fields["mode"].choices = [(mode.value, mode.label) for mode in Mode]
        self.fields["date_from"].help_text = "For example, 1 4 2025. Both dates are included."
        self.fields["date_to"].help_text = "For example, 30 6 2025."
        fields: list[Any] = [
            Field.radios("classes", legend_size=Size.SMALL, small=True),
            Field.checkboxes("mode", legend_size=Size.SMALL, small=True),
            Field("date_from", context={"legend_size": Size.for_legend(Size.SMALL)}),
            Field("date_to", context={"legend_size": Size.for_legend(Size.SMALL)}),
        ]
        if allow_unrounded:
            self.offer_figures(fields)
        self.helper = self.get_form_helper(fields)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("date_to", "Completed to must be the same as or after Completed from")
        return cleaned

    @property
    def nssec_classes(self) -> str:
        return self.cleaned_data.get("classes") or "5"

    @property
    def controlled(self) -> bool:
        """False only when a user allowed to see unrounded figures asked for them."""
        return not (self.allow_unrounded and self.cleaned_data.get("figures") == UNROUNDED)

    @property
    def selection(self) -> Selection:
        return Selection(
            modes=tuple(
                mode for mode in Mode if mode.value in (self.cleaned_data.get("mode") or ())
            ),
            date_from=self.cleaned_data.get("date_from"),
            date_to=self.cleaned_data.get("date_to"),
        )

    def query(self, **changes: str) -> str:
        """The cleaned selection as a query string, for download links."""
        params = QueryDict(mutable=True)
        params["classes"] = self.nssec_classes
        params.setlist("mode", [mode.value for mode in self.selection.modes])
        for name in ("date_from", "date_to"):
            value = self.cleaned_data.get(name)
            if value:
                params[f"{name}_0"] = str(value.day)
                params[f"{name}_1"] = str(value.month)
                params[f"{name}_2"] = str(value.year)
        if not self.controlled:
            params["figures"] = UNROUNDED
        for key, value in changes.items():
            params[key] = value
        return params.urlencode()
