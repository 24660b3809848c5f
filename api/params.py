"""The API's query parameters, checked by serializers that also describe them in the
OpenAPI document. Dates are ISO 8601 (`2025-04-01`); `mode` may be repeated."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from classification.models import ReferenceDistribution
from seb.comparisons import Dimension
from seb.standard import Mode
from seb.tables import CLASSES_CHOICES, Selection, table_definitions


def not_before(start: str) -> str:
    """The 400 message of a period's end before its start."""
    return f"Must be the same as or after {start}."


def _end_help(text: str, start: str) -> str:
    """An end date's description, with the rule that refuses it (400) and its message."""
    return f"{text} Not before {start}: refused with 400 (“{not_before(start)}”) if it is."


ROUNDED = "rounded"
UNROUNDED = "unrounded"


class SelectionParams(serializers.Serializer):  # type: ignore[type-arg]
    mode = serializers.MultipleChoiceField(
        choices=[mode.value for mode in Mode],
        required=False,
        help_text="Only responses in this mode; repeat for several. Default: every mode.",
    )
    date_from = serializers.DateField(
        required=False, help_text="Completed on or after this date (YYYY-MM-DD)."
    )
    date_to = serializers.DateField(
        required=False,
        help_text=_end_help("Completed on or before this date (YYYY-MM-DD).", "date_from"),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("date_from"), attrs.get("date_to")
        if start and end and end < start:
            raise serializers.ValidationError({"date_to": [not_before("date_from")]})
        return attrs

    def selection(self) -> Selection:
        modes = self.validated_data.get("mode") or set()
        return Selection(
            modes=tuple(mode for mode in Mode if mode.value in modes),
            date_from=self.validated_data.get("date_from"),
            date_to=self.validated_data.get("date_to"),
        )


class FiguresParams(serializers.Serializer):  # type: ignore[type-arg]
    figures = serializers.ChoiceField(
        choices=[ROUNDED, UNROUNDED],
        default=ROUNDED,
        help_text="rounded (disclosure control, the default) or unrounded (needs the "
        "permission to see unrounded figures).",
    )

    @property
    def controlled(self) -> bool:
        return self.validated_data.get("figures", ROUNDED) != UNROUNDED


class TablesParams(SelectionParams, FiguresParams):
    classes = serializers.ChoiceField(
        choices=list(CLASSES_CHOICES),
        default="5",
        help_text="The NS-SEC table: 5-class, 3-class or both.",
    )


class TableParams(SelectionParams, FiguresParams):
    pass


class ComparisonParams(SelectionParams, FiguresParams):
    table = serializers.ChoiceField(
        choices=list(table_definitions()),
        default="nssec5",
        help_text="The table to compare (ignored with a reference, whose table it is).",
    )
    other = serializers.SlugField(
        required=False, help_text="by-survey: the other survey's slug (the same standard)."
    )
    variable = serializers.CharField(
        required=False, max_length=100, help_text="by-variable: the sample variable's name."
    )
    reference = serializers.IntegerField(
        required=False, min_value=1, help_text="with-reference: the reference distribution's id."
    )
    first_from = serializers.DateField(required=False, help_text="by-period: first period from.")
    first_to = serializers.DateField(
        required=False, help_text=_end_help("by-period: first period to.", "first_from")
    )
    second_from = serializers.DateField(required=False, help_text="by-period: second from.")
    second_to = serializers.DateField(
        required=False, help_text=_end_help("by-period: second period to.", "second_from")
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        dimension: Dimension = self.context["dimension"]
        needed = {
            Dimension.SURVEY: ("other",),
            Dimension.VARIABLE: ("variable",),
            Dimension.REFERENCE: ("reference",),
            Dimension.PERIOD: ("first_from", "first_to", "second_from", "second_to"),
        }.get(dimension, ())
        missing = {name: ["Required for this comparison."] for name in needed if name not in attrs}
        if missing:
            raise serializers.ValidationError(missing)
        for start, end in (("first_from", "first_to"), ("second_from", "second_to")):
            if start in attrs and end in attrs and attrs[end] < attrs[start]:
                raise serializers.ValidationError({end: [not_before(start)]})
        if dimension is Dimension.REFERENCE:
            found = ReferenceDistribution.objects.filter(pk=attrs["reference"]).first()
            if found is None:
                raise serializers.ValidationError(
                    {"reference": ["No such reference distribution."]}
                )
            attrs["reference_distribution"] = found
        return attrs
