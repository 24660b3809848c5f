"""Reads for comparisons: a table's counts for each column, in one GROUP BY per query.

Columns by mode, survey or completion period sum the tallies (like the tables);
columns by a sample variable read the responses joined to their cases, since a
tally does not hold a case's variables. Each query also counts the modes of the
column's responses, for the note on mixed modes. `seb.comparisons` does the rest.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from django.db.models import Count as CountOf
from django.db.models import F, Func, Sum
from django.db.models.fields.json import KeyTextTransform
from django.utils import timezone

from seb.comparisons import (
    MAX_GROUPS,
    Comparison,
    Dimension,
    PublishedComparison,
    Reference,
    Side,
    publish_comparison,
)
from seb.perturbation import KeyedCount, keyed_total
from seb.standard import Mode
from seb.tables import Selection, Table, TableError, TableSpec, build_table
from surveys.models import Case, Survey
from surveys.replica import analysis_db

from .selectors import selected_responses, selected_tallies

# A comparison by mode needs two modes or more: under disclosure control, two the
# survey offers (a column for each, empty or not, so a column's presence says nothing of
# how many answered in it); unrounded, two with responses in the selection.
ONE_MODE = (
    "The selected responses can only have been collected in one mode: there is nothing "
    "to compare by mode. Select other dates, or compare in another way."
)


class ComparisonError(ValueError):
    """The comparison cannot be made as asked; `field` names the form field at fault."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


Grouped = dict[Any, tuple[dict[str | None, KeyedCount], set[str]]]


def _grouped(rows: Iterable[tuple[Any, str, str | None, int, int]]) -> Grouped:
    """(group, mode, code, n, record keys' sum) rows as group -> (code -> n, modes present)."""
    groups: Grouped = defaultdict(lambda: (defaultdict(lambda: KeyedCount(0)), set()))
    for group, mode, code, n, key_sum in rows:
        if not n:
            continue
        counts, modes = groups[group]
        counts[code or None] += KeyedCount(n, key_sum)
        modes.add(mode)
    return groups


def _table(spec: TableSpec, counts: dict[str | None, KeyedCount]) -> Table:
    try:
        return build_table(spec, counts)
    except TableError as error:
        raise ComparisonError(
            f"{error} Run `python manage.py rederive` to derive NS-SEC for every response."
            if spec.column.startswith("nssec")
            else str(error)
        ) from error


def _modes(
    present: set[str], *, survey: Survey, selection: Selection, controlled: bool
) -> tuple[Mode, ...]:
    """A column's modes, for its notes: under disclosure control those its selection
    covers among the survey's (which modes have responses would tell a published 0
    from a count of 1 to 9); unrounded, those with responses."""
    if controlled:
        return tuple(
            mode for mode in survey.modes if not selection.modes or mode in selection.modes
        )
    return tuple(mode for mode in Mode if mode.value in present)


def _tally_side(
    *,
    survey: Survey,
    selection: Selection,
    spec: TableSpec,
    label: str,
    description: str,
    controlled: bool,
) -> Side:
    rows = (
        selected_tallies(survey=survey, selection=selection)
        .filter(variable=spec.column)
        .order_by()
        .values_list("mode", "code")
        .annotate(n=Sum("count"), keys=Sum("key_sum"))
    )
    counts, modes = _grouped((None, mode, code, n, keys) for mode, code, n, keys in rows).get(
        None, ({}, set())
    )
    return Side(
        label,
        description,
        _table(spec, dict(counts)),
        _modes(modes, survey=survey, selection=selection, controlled=controlled),
    )


def _comparison(
    survey: Survey,
    *,
    spec: TableSpec,
    dimension: Dimension,
    selection: Selection,
    sides: tuple[Side, ...],
    controlled: bool,
    **extra: Any,
) -> Comparison:
    return Comparison(
        spec=spec,
        dimension=dimension,
        survey_name=survey.name,
        selection=selection,
        sides=sides,
        produced_at=timezone.localtime(),
        standard_title=survey.standard_title,
        standard_version=survey.standard_version,
        controlled=controlled,
        organisation=survey.organisation,
        contact=", ".join(part for part in (survey.contact_email, survey.contact_phone) if part),
        **extra,
    )


def mode_comparison(
    *, survey: Survey, selection: Selection, spec: TableSpec, controlled: bool
) -> Comparison:
    """A column per mode (one query): under disclosure control every mode the survey
    offers, empty or not; unrounded, those with complete responses in the dates."""
    selection = replace(selection, modes=())
    rows = (
        selected_tallies(survey=survey, selection=selection)
        .filter(variable=spec.column)
        .order_by()
        .values_list("mode", "code")
        .annotate(n=Sum("count"), keys=Sum("key_sum"))
    )
    groups = _grouped((mode, mode, code, n, keys) for mode, code, n, keys in rows)
    sides = tuple(
        Side(
            mode.label,
            replace(selection, modes=(mode,)).describe(),
            _table(spec, dict(groups[mode.value][0])),
            (mode,),
        )
        for mode in (survey.modes if controlled else Mode)
        if controlled or mode.value in groups
    )
    if len(sides) < 2:
        raise ComparisonError(ONE_MODE)
    return _comparison(
        survey,
        spec=spec,
        dimension=Dimension.MODE,
        selection=selection,
        sides=sides,
        controlled=controlled,
    )


def comparable_surveys(survey: Survey) -> list[Survey]:
    """Every other survey of the same version of the standard, by name."""
    return list(
        Survey.objects.filter(standard_version=survey.standard_version)
        .exclude(pk=survey.pk)
        .order_by("name", "slug")
    )


def survey_comparison(
    *, survey: Survey, other: Survey, selection: Selection, spec: TableSpec, controlled: bool
) -> Comparison:
    """This survey, the one the analyst came from (the base), beside the other, over the
    same selection."""
    if other.standard_version != survey.standard_version:
        raise ComparisonError(
            f"{other.name} uses another version of the standard ({other.standard_version}): "
            "outputs are comparable only with outputs of the same standard",
            field="other",
        )
    sides = tuple(
        _tally_side(
            survey=chosen,
            selection=selection,
            spec=spec,
            label=chosen.name,
            description=selection.describe(),
            controlled=controlled,
        )
        for chosen in (survey, other)
    )
    return _comparison(
        survey,
        spec=spec,
        dimension=Dimension.SURVEY,
        selection=selection,
        sides=sides,
        controlled=controlled,
    )


def period_label(start: date, end: date) -> str:
    return f"{start:%-d %b %Y} to {end:%-d %b %Y}"


def period_comparison(
    *,
    survey: Survey,
    selection: Selection,
    periods: tuple[tuple[date, date], tuple[date, date]],
    spec: TableSpec,
    controlled: bool,
) -> Comparison:
    """The earlier period (the base) beside the later, each a column of its own."""
    ordered = sorted(periods)
    (_, first_end), (second_start, _) = ordered
    if second_start <= first_end:
        raise ComparisonError(
            "The periods must not overlap: one must end before the other starts",
            field="second_from",
        )
    selection = replace(selection, date_from=None, date_to=None)
    sides = []
    for start, end in ordered:
        chosen = replace(selection, date_from=start, date_to=end)
        sides.append(
            _tally_side(
                survey=survey,
                selection=chosen,
                spec=spec,
                label=period_label(start, end),
                description=chosen.describe(),
                controlled=controlled,
            )
        )
    return _comparison(
        survey,
        spec=spec,
        dimension=Dimension.PERIOD,
        selection=selection,
        sides=tuple(sides),
        controlled=controlled,
    )


def sample_variables(survey: Survey) -> list[str]:
    """The names of the sample variables the survey's cases carry, sorted."""
    cases = Case.objects.using(analysis_db()).filter(survey=survey)
    keys = (
        cases.annotate(key=Func(F("variables"), function="jsonb_object_keys"))
        .order_by()
        .values_list("key", flat=True)
        .distinct()
    )
    return sorted(keys)


def sample_values(survey: Survey, variable: str) -> list[str]:
    """The values a sample variable takes among the survey's cases (its sample, not its
    respondents), empty ones aside."""
    values = (
        Case.objects.using(analysis_db())
        .filter(survey=survey)
        .annotate(value=KeyTextTransform(variable, "variables"))
        .exclude(value__isnull=True)
        .exclude(value="")
        .order_by()
        .values_list("value", flat=True)
        .distinct()
    )
    return sorted(values)


def variable_comparison(
    *, survey: Survey, selection: Selection, variable: str, spec: TableSpec, controlled: bool
) -> Comparison:
    """A column per value of a sample variable of the responses' cases (one query)."""
    rows = (
        selected_responses(survey=survey, selection=selection)
        .annotate(group=KeyTextTransform(variable, "case__variables"))
        .order_by()
        .values_list("group", "mode", spec.column)
        .annotate(n=CountOf("pk"), keys=Sum("record_key"))
    )
    groups = _grouped(rows)
    excluded = KeyedCount(0)
    for empty in (None, ""):  # no case, no such variable, or an empty value
        counts, _ = groups.pop(empty, ({}, set()))
        excluded = keyed_total([excluded, *counts.values()])
    if controlled:
        # A column for every value the sample holds, answered or not: which values
        # have responses would tell a published 0 from a count of 1 to 9.
        for value in sample_values(survey, variable):
            groups.setdefault(value, ({}, set()))
    among = "in the sample" if controlled else "among the selected responses"
    if len(groups) > MAX_GROUPS:
        raise ComparisonError(
            f"“{variable}” has {len(groups)} different values {among}: a comparison shows "
            f"at most {MAX_GROUPS} columns. Choose a variable with fewer values",
            field="variable",
        )
    if len(groups) < 2:
        raise ComparisonError(
            f"“{variable}” has {'one value' if groups else 'no value'} {among}: there is "
            "nothing to compare. Choose another variable",
            field="variable",
        )
    sides = tuple(
        Side(
            str(value),
            f"“{variable}” is {value}; {selection.describe()}",
            _table(spec, dict(counts)),
            _modes(modes, survey=survey, selection=selection, controlled=controlled),
        )
        for value, (counts, modes) in sorted(groups.items(), key=lambda item: str(item[0]))
    )
    return _comparison(
        survey,
        spec=spec,
        dimension=Dimension.VARIABLE,
        selection=selection,
        sides=sides,
        controlled=controlled,
        variable=variable,
        excluded=excluded,
    )


def reference_comparison(
    *,
    survey: Survey,
    selection: Selection,
    reference: Reference,
    spec: TableSpec,
    controlled: bool,
) -> Comparison:
    """The reference distribution (the base) beside the survey's table."""
    side = _tally_side(
        survey=survey,
        selection=selection,
        spec=spec,
        label=survey.name,
        description=selection.describe(),
        controlled=controlled,
    )
    return _comparison(
        survey,
        spec=spec,
        dimension=Dimension.REFERENCE,
        selection=selection,
        sides=(side,),
        controlled=controlled,
        reference=reference,
    )


@dataclass(frozen=True, slots=True)
class ComparisonAsk:
    """What a page or an API request asks to compare, already checked for its form."""

    dimension: Dimension
    spec: TableSpec
    selection: Selection
    controlled: bool = True
    other: Survey | None = None
    variable: str = ""
    reference: Reference | None = None
    periods: tuple[tuple[date, date], tuple[date, date]] | None = None


def comparison_for(survey: Survey, ask: ComparisonAsk) -> PublishedComparison:
    """The published comparison asked for; ComparisonError when it cannot be made."""
    common: dict[str, Any] = {
        "survey": survey,
        "selection": ask.selection,
        "spec": ask.spec,
        "controlled": ask.controlled,
    }
    if ask.dimension is Dimension.MODE:
        comparison = mode_comparison(**common)
    elif ask.dimension is Dimension.SURVEY:
        assert ask.other is not None
        comparison = survey_comparison(other=ask.other, **common)
    elif ask.dimension is Dimension.PERIOD:
        assert ask.periods is not None
        comparison = period_comparison(periods=ask.periods, **common)
    elif ask.dimension is Dimension.VARIABLE:
        comparison = variable_comparison(variable=ask.variable, **common)
    else:
        assert ask.reference is not None
        comparison = reference_comparison(reference=ask.reference, **common)
    return publish_comparison(comparison)
