"""The manager's sample list: a survey's cases filtered by reference, outcome, mode,
interviewer and sample variable (docs/guides/fieldwork.md).

A filter is read from the list's address (`SampleFilter.from_query`), so it survives
paging and a bookmark, and goes on to the bulk actions' pages as the same fields.
Values it does not know (an outcome, a mode, an interviewer outside the survey's
team, a variable the sample does not have) are dropped, never passed to the query:
a filter only ever narrows the one survey's cases.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.db.models.fields.json import KeyTextTransform

from seb.fieldwork import Outcome
from seb.standard import Mode

from ..models import Case, Survey, SurveyMember, TeamRole

UNASSIGNED: Final = "none"
FILTER_FIELDS: Final = ("q", "outcome", "mode", "interviewer", "variable", "value")


def team_interviewers(survey: Survey) -> QuerySet[Any]:
    """The interviewers of the survey's team, by username: those its cases go to."""
    members = SurveyMember.objects.filter(survey=survey, role=TeamRole.INTERVIEWER)
    return (
        get_user_model()
        .objects.filter(is_active=True, pk__in=members.values("user_id"))
        .order_by("username")
    )


@dataclass(frozen=True, kw_only=True)
class SampleFilter:
    """Which of a survey's cases the list shows; empty fields filter nothing."""

    q: str = ""
    outcome: str = ""
    mode: str = ""
    interviewer: str = ""  # a user's id, or UNASSIGNED
    variable: str = ""
    value: str = ""

    @classmethod
    def from_query(cls, survey: Survey, query: Mapping[str, Any]) -> SampleFilter:
        """The filter the address asks for, keeping only what this survey knows."""

        def given(name: str) -> str:
            return str(query.get(name, "") or "").strip()[:200]

        outcome = given("outcome")
        mode = given("mode")
        interviewer = given("interviewer")
        variable = given("variable")
        if interviewer != UNASSIGNED and not (
            interviewer.isdigit() and team_interviewers(survey).filter(pk=int(interviewer)).exists()
        ):
            interviewer = ""
        if variable not in (survey.sample_variables or []):
            variable = ""
        return cls(
            q=given("q"),
            outcome=outcome if outcome in {o.value for o in Outcome} else "",
            mode=mode if mode in {m.value for m in Mode} else "",
            interviewer=interviewer,
            variable=variable,
            value=given("value") if variable else "",
        )

    @property
    def narrows(self) -> bool:
        return any(getattr(self, name) for name in FILTER_FIELDS)

    def fields(self) -> dict[str, str]:
        """The filter's non-empty fields, as the address and hidden inputs carry them."""
        return {name: getattr(self, name) for name in FILTER_FIELDS if getattr(self, name)}

    def query(self) -> str:
        """The filter as an address's query, without the page."""
        return urlencode(self.fields())

    def cases(self, survey: Survey) -> QuerySet[Case]:
        """The survey's cases this filter lets through, by reference."""
        cases = Case.objects.filter(survey=survey).order_by("reference")
        if self.q:
            cases = cases.filter(reference__icontains=self.q)
        if self.outcome:
            cases = cases.filter(outcome=self.outcome)
        if self.mode:
            # The mode a case was answered in, or, before that, the one it is meant for.
            cases = cases.filter(Q(mode=self.mode) | Q(mode="", preferred_mode=self.mode))
        if self.interviewer == UNASSIGNED:
            cases = cases.filter(interviewer__isnull=True)
        elif self.interviewer:
            cases = cases.filter(interviewer_id=int(self.interviewer))
        if self.variable:
            cases = cases.alias(chosen=KeyTextTransform(self.variable, "variables")).filter(
                chosen=self.value
            )
        return cases

    def describe(self, interviewer_names: Mapping[str, str]) -> list[str]:
        """The filter in words, for the list's caption and the confirmation page."""
        words = []
        if self.q:
            words.append(f"reference has “{self.q}”")
        if self.outcome:
            words.append(f"outcome {self.outcome} {Outcome(self.outcome).label}")
        if self.mode:
            words.append(f"mode {Mode(self.mode).label.lower()}")
        if self.interviewer == UNASSIGNED:
            words.append("no interviewer")
        elif self.interviewer:
            words.append(f"interviewer {interviewer_names.get(self.interviewer, '')}")
        if self.variable:
            words.append(
                f"{self.variable} is “{self.value}”" if self.value else f"no {self.variable}"
            )
        return words
