"""The form analysts keep a reference distribution with: its citation and a percentage
per category of its table (the table chosen first, since it decides the categories)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Final

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Fieldset, Layout, Size
from django import forms

from seb.comparisons import REFERENCE_TOLERANCE, check_reference_percentages
from seb.tables import TableSpec, table_definitions

from .forms import CompletionDateField
from .forms_compare import table_label
from .models import ReferenceDistribution

PERCENTAGE_PREFIX: Final = "percentage_"


class TableChoiceForm(forms.Form):
    """The first step: which table the distribution is of."""

    table = forms.ChoiceField(
        label="Which table is the distribution of?",
        choices=[(key, table_label(spec)) for key, spec in table_definitions().items()],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the table the distribution is of",
            "invalid_choice": "Select a table from the list",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(Field.radios("table", legend_size=Size.LARGE, legend_tag="h1"))


class ReferenceForm(forms.ModelForm):  # type: ignore[type-arg]
    published_on = CompletionDateField(
        name="Date of publication",
        label="Date of publication",
        require_all_fields=False,
        required_message="Enter the date the source was published",
    )
    url = forms.URLField(
        label="Web address of the source",
        max_length=500,
        assume_scheme="https",
        help_text="Where anyone can check the figures, starting https://",
        error_messages={
            "required": "Enter the web address of the source",
            "invalid": "Enter a web address, like https://www.ons.gov.uk/",
        },
    )
    confirmed = forms.BooleanField(
        label=(
            "These figures are published in the source named here, as they are: they are not "
            "an estimate, and not worked out from other figures"
        ),
        error_messages={
            "required": "Confirm that the figures are published in the source, not an estimate"
        },
    )

    class Meta:
        model = ReferenceDistribution
        fields = ["name", "population", "source", "publisher", "published_on", "url", "licence"]
        labels = {
            "name": "Name",
            "population": "Population",
            "source": "Source publication",
        }
        help_texts = {
            "name": "How comparisons will name it, for example “Census 2021, England and Wales”.",
            "population": (
                "Who the figures describe, for example “usual residents aged 16 and over”."
            ),
            "source": "The title of the publication, table or dataset the figures are from.",
            "publisher": "For example, Office for National Statistics.",
            "licence": "For example, Open Government Licence v3.0.",
        }
        error_messages = {
            "name": {
                "required": "Enter a name",
                "unique": "There is already a reference distribution with this name",
            },
            "population": {"required": "Enter the population the figures describe"},
            "source": {"required": "Enter the source publication"},
            "publisher": {"required": "Enter the publisher"},
            "licence": {"required": "Enter the licence the figures are published under"},
        }

    def __init__(self, *args: Any, spec: TableSpec, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.spec = spec
        self.fields["published_on"].help_text = "For example, 2 11 2022."
        stored = self.instance.percentages if self.instance.pk else {}
        percentage_fields = []
        for position, row in enumerate(spec.rows):
            name = f"{PERCENTAGE_PREFIX}{position}"
            self.fields[name] = forms.DecimalField(
                label=row.label,
                required=False,
                min_value=Decimal(0),
                max_value=Decimal(100),
                max_digits=4,
                decimal_places=1,
                initial=stored.get(row.key),
                error_messages={
                    "invalid": f"{row.label}: enter a number, like 23.5",
                    "min_value": f"{row.label}: enter a percentage from 0 to 100",
                    "max_value": f"{row.label}: enter a percentage from 0 to 100",
                    "max_decimal_places": f"{row.label}: give the percentage to one decimal place",
                    "max_digits": f"{row.label}: enter a percentage from 0 to 100",
                    "max_whole_digits": f"{row.label}: enter a percentage from 0 to 100",
                },
            )
            percentage_fields.append(Field.text(name, field_width=4))
        if self.instance.pk:
            self.fields["confirmed"].initial = True
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("name"),
            Field.text("population"),
            Field.text("source"),
            Field.text("publisher"),
            Field("published_on", context={"legend_size": Size.for_legend(Size.SMALL)}),
            Field.text("url"),
            Field.text("licence"),
            Fieldset(
                HTML(
                    '<p class="govuk-body">Give the percentage the source publishes for each '
                    "category, as it is, to one decimal place at most. Leave a category empty "
                    "if the source gives no figure "
                    "for it. Together they must add up to 100, give or take "
                    f"{REFERENCE_TOLERANCE:g} for rounding.</p>"
                ),
                *percentage_fields,
                legend=f"Percentages: {table_label(spec)}",
                legend_size=Size.MEDIUM,
            ),
            Field.checkbox("confirmed"),
        )

    def percentages(self) -> list[float | None]:
        return [
            None if value is None else float(value)
            for value in (
                self.cleaned_data.get(f"{PERCENTAGE_PREFIX}{position}")
                for position in range(len(self.spec.rows))
            )
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not any(
            name.startswith(PERCENTAGE_PREFIX) and name in self.errors for name in self.fields
        ):
            problem = check_reference_percentages(self.percentages())
            if problem:
                self.add_error(f"{PERCENTAGE_PREFIX}0", problem)
        return cleaned

    def save(self, commit: bool = True) -> ReferenceDistribution:
        reference: ReferenceDistribution = super().save(commit=False)
        reference.table_key = self.spec.key
        reference.percentages = {
            row.key: value
            for row, value in zip(self.spec.rows, self.percentages(), strict=True)
            if value is not None
        }
        if commit:
            reference.save()
        return reference
