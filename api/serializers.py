"""What the API returns, described once: these serializers write every answer and
describe it in the OpenAPI document, so the two cannot disagree.

A figure is a number or a GSS symbol as text: `[x]` not available, `[z]` not
applicable (counts are published under the cell key method, never as `[c]`). The
schema says so with `oneOf`, and the tests check every answer against it.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from seb.comparisons import Dimension
from seb.disclosure import CONFIDENTIAL, NOT_APPLICABLE, NOT_AVAILABLE
from seb.standard import Mode

COUNT_SCHEMA = {
    "oneOf": [
        {"type": "integer", "minimum": 0},
        {"type": "string", "enum": [CONFIDENTIAL, NOT_APPLICABLE]},
    ],
    "description": (
        f"A count, or {CONFIDENTIAL} (confidential) or {NOT_APPLICABLE} (not applicable)."
    ),
}
PERCENTAGE_SCHEMA = {
    "oneOf": [
        {"type": "number", "minimum": -100, "maximum": 100},
        {"type": "string", "enum": [CONFIDENTIAL, NOT_AVAILABLE, NOT_APPLICABLE]},
    ],
    "description": (
        f"A figure to one decimal place, or {CONFIDENTIAL} (confidential), {NOT_AVAILABLE} "
        f"(not available) or {NOT_APPLICABLE} (not applicable)."
    ),
}


@extend_schema_field(COUNT_SCHEMA)
class CountField(serializers.Field):  # type: ignore[type-arg]
    def to_representation(self, value: Any) -> Any:
        return value


@extend_schema_field(PERCENTAGE_SCHEMA)
class FigureField(serializers.Field):  # type: ignore[type-arg]
    def to_representation(self, value: Any) -> Any:
        return value


class ErrorSerializer(serializers.Serializer):  # type: ignore[type-arg]
    detail = serializers.CharField(help_text="What went wrong, in words.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="For a request with bad parameters: each parameter's problems.",
    )


class NoteSerializer(serializers.Serializer):  # type: ignore[type-arg]
    number = serializers.IntegerField()
    text = serializers.CharField()


class RowSerializer(serializers.Serializer):  # type: ignore[type-arg]
    label = serializers.CharField()
    count = CountField()
    percentage = FigureField()
    lower = FigureField(help_text="Lower limit of the percentage's 95% confidence interval.")
    upper = FigureField(help_text="Upper limit of the percentage's 95% confidence interval.")
    is_total = serializers.BooleanField()


class TableSerializer(serializers.Serializer):  # type: ignore[type-arg]
    key = serializers.CharField()
    title = serializers.CharField()
    base = serializers.ChoiceField(
        choices=["all", "asked"],
        help_text="all: every complete response; asked: those the routing asked.",
    )
    not_asked = CountField(
        allow_null=True, help_text="Responses the routing did not ask (asked-base tables)."
    )
    controlled = serializers.BooleanField(help_text="Whether disclosure control was applied.")
    rows = RowSerializer(many=True)
    notes = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_notes(self, table: Any) -> list[int]:
        return [note.number for note in table.notes]


class CrossRowSerializer(serializers.Serializer):  # type: ignore[type-arg]
    label = serializers.CharField()
    counts = serializers.ListField(child=CountField(), help_text="One per column, in order.")
    total = CountField(help_text="Every response in the row (a figure of its own).")
    is_total = serializers.BooleanField()


class CrossTableSerializer(serializers.Serializer):  # type: ignore[type-arg]
    key = serializers.CharField()
    title = serializers.CharField()
    row_heading = serializers.CharField()
    column_heading = serializers.CharField()
    columns = serializers.ListField(
        child=serializers.CharField(), source="column_labels", help_text="The columns' labels."
    )
    beyond_standard = serializers.BooleanField(
        help_text="True: an addition beyond the harmonised standard's prescribed tables."
    )
    controlled = serializers.BooleanField(help_text="Whether disclosure control was applied.")
    rows = CrossRowSerializer(many=True)
    notes = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_notes(self, table: Any) -> list[int]:
        return [note.number for note in table.notes]


class PublicationSerializer(serializers.Serializer):  # type: ignore[type-arg]
    title = serializers.CharField()
    survey_name = serializers.CharField()
    organisation = serializers.CharField()
    contact = serializers.CharField()
    selection = serializers.CharField()
    produced_at = serializers.DateTimeField()
    standard_title = serializers.CharField()
    controlled = serializers.BooleanField()
    disclosure_statement = serializers.CharField()
    tables = TableSerializer(many=True)
    cross_tables = CrossTableSerializer(
        many=True,
        help_text="Two-way tables beyond the standard's: for a survey that asks for the job "
        "title, self-coded NS-SEC by full NS-SEC from the coded title; otherwise empty.",
    )
    notes = NoteSerializer(many=True)


class PublishedTableSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """One table of a publication, with the notes it refers to."""

    survey_name = serializers.CharField()
    selection = serializers.CharField()
    produced_at = serializers.DateTimeField()
    standard_title = serializers.CharField()
    controlled = serializers.BooleanField()
    table = TableSerializer()
    notes = NoteSerializer(many=True)


class ColumnSerializer(serializers.Serializer):  # type: ignore[type-arg]
    label = serializers.CharField()
    modes = serializers.CharField(help_text="The modes of the column's responses, in words.")
    is_reference = serializers.BooleanField()
    rows = RowSerializer(many=True)


class DifferenceSerializer(serializers.Serializer):  # type: ignore[type-arg]
    label = serializers.CharField()
    values = serializers.ListField(child=FigureField(), help_text="Per category, in points.")


class ComparisonSerializer(serializers.Serializer):  # type: ignore[type-arg]
    key = serializers.CharField()
    title = serializers.CharField()
    table_key = serializers.CharField()
    dimension = serializers.ChoiceField(choices=[dimension.value for dimension in Dimension])
    survey_name = serializers.CharField()
    selection = serializers.CharField()
    produced_at = serializers.DateTimeField()
    standard_title = serializers.CharField()
    controlled = serializers.BooleanField()
    mixes_modes = serializers.BooleanField()
    categories = serializers.ListField(child=serializers.CharField())
    columns = ColumnSerializer(many=True)
    differences = DifferenceSerializer(many=True)
    notes = NoteSerializer(many=True)


class SurveySerializer(serializers.Serializer):  # type: ignore[type-arg]
    slug = serializers.SlugField()
    name = serializers.CharField()
    organisation = serializers.CharField()
    standard_version = serializers.CharField()
    modes = serializers.ListField(
        child=serializers.ChoiceField(choices=[mode.value for mode in Mode])
    )
    complete_responses = CountField(
        help_text="Complete responses, perturbed by disclosure control (the cell key method)."
    )


class ReferenceFigureSerializer(serializers.Serializer):  # type: ignore[type-arg]
    label = serializers.CharField()
    percentage = serializers.FloatField(
        allow_null=True, help_text="As the source publishes it; null where it gives none."
    )


class ReferenceSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    name = serializers.CharField()
    table_key = serializers.CharField()
    population = serializers.CharField()
    citation = serializers.CharField()
    url = serializers.URLField()
    licence = serializers.CharField()
    figures = ReferenceFigureSerializer(many=True)
