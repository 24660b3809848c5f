"""The supervisor's pages at /supervise/: every interviewer's caseload and progress.

A supervisor (the "supervisor" group) sees, for each survey that offers
interviews, each interviewer's workload (to do, appointments today and missed,
interviews in progress, done), their outcomes and response rates (AAPOR's, from
`surveys.fieldwork.monitoring.outcome_counts`, as in the rates file), and the appointments
missed; lists anyone's cases, assigns and reassigns them, and reopens a case.

Figures on the progress page are operational, not statistics of the responses:
they are exact for the survey's supervisors, who work its cases one by one
(`seb.disclosure.operational_statement` says so on the page).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from seb.caseload import (
    PAGE_SIZE,
    CaseList,
    ShownProgress,
    progress_description,
    shown_progress,
)
from seb.disclosure import (
    Count,
    operational_count,
    operational_statement,
)
from seb.fieldwork import COUNT_LABELS, COUNT_NAMES, RATE_NAMES, Outcome

from ..access import (
    INTERVIEWER,
    SUPERVISOR,
    RoleRequiredMixin,
    has_role,
    person,
    surveys_for,
)
from ..audit import Event, audit
from ..fieldwork.case_rules import case_work_refusal
from ..fieldwork.cases import CaseRefused, case_assign, case_reopen, cases_not_assignable
from ..fieldwork.monitoring import (
    BY_INTERVIEWER,
    Workload,
    counted_cases,
    missed_appointments,
    outcome_counts,
    workloads,
)
from ..fieldwork.teams import team_interviewers
from ..forms_interview import AssignForm
from ..interviewing.selectors import INTERVIEW_MODES, caseload
from ..models import Case, Survey, TeamRole
from .caseload import CaseMixin, case_rows, chosen_list, page_query, searched

UNASSIGNED = "unassigned"
WORKLOAD_COLUMNS = (
    ("cases", "Cases"),
    ("to_do", "To do"),
    ("today", "Appointments today"),
    ("missed", "Appointments missed"),
    ("in_progress", "Interviews in progress"),
    ("done", "Done"),
)


class SupervisorRequiredMixin(RoleRequiredMixin):
    roles = (SUPERVISOR,)


class SupervisorCaseMixin(CaseMixin):
    """A supervisor's action on one case, from the case's page."""

    roles = (SUPERVISOR,)


def chosen_interviewer(form: AssignForm, survey: Survey) -> Any:
    """The interviewer the form names (one of the survey's team), or None for nobody."""
    chosen = form.cleaned_data["interviewer"]
    return None if chosen is None else team_interviewers(survey).get(pk=chosen)


def team_people(survey: Survey) -> list[tuple[int, str]]:
    """The survey's interviewers, to choose from when assigning its cases."""
    return [(user.pk, person(user)) for user in team_interviewers(survey)]


def not_assigned_message(cases: list[Case]) -> str:
    """Why some chosen cases were not assigned, for the supervisor."""
    refused = cases_not_assignable(cases)
    if not refused:
        return ""
    reasons = " ".join(reason for _, reason in refused[:5])
    more = f" And {len(refused) - 5} more." if len(refused) > 5 else ""
    return (
        f"{len(refused)} {'case was' if len(refused) == 1 else 'cases were'} not assigned: "
        f"they must not be worked. {reasons}{more} Reopen a closed case from its page first."
    )


def interview_surveys(user: Any) -> Any:
    """The surveys offering interviews that the user supervises (`surveys.access`)."""
    return (
        surveys_for(user, TeamRole.SUPERVISOR)
        .filter(Q(offers_face_to_face=True) | Q(offers_telephone=True))
        .order_by("name")
    )


def interview_survey(request: HttpRequest, slug: str) -> Survey:
    """One of them, or 404."""
    return get_object_or_404(interview_surveys(request.user), slug=slug)


class HomeView(SupervisorRequiredMixin, View):
    """The surveys that offer interviews, each linking to its progress."""

    def get(self, request: HttpRequest) -> HttpResponse:
        surveys = [
            {"survey": survey, "modes": [m for m in survey.modes if m in INTERVIEW_MODES]}
            for survey in interview_surveys(request.user)
        ]
        return render(
            request,
            "supervise/home.html",
            {"surveys": surveys, "interviews": has_role(request.user, INTERVIEWER)},
        )


@dataclass(frozen=True, slots=True)
class ProgressRow:
    label: str
    cases_url: str
    workload: list[tuple[str, Count]]
    progress: ShownProgress


def shown_workload(workload: Workload, *, controlled: bool) -> list[tuple[str, Count]]:
    return [
        (name, operational_count(getattr(workload, name), controlled=controlled))
        for name, _ in WORKLOAD_COLUMNS
    ]


class ProgressView(SupervisorRequiredMixin, View):
    """One survey's progress by interviewer: workloads, outcomes, rates, missed appointments."""

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        survey = interview_survey(request, slug)
        now = timezone.now()
        controlled = False  # operational figures: exact for the survey's staff
        loads = workloads(survey, now)
        by_name = outcome_counts(survey=survey, by=BY_INTERVIEWER)
        people = {user.pk: user for user in get_user_model().objects.filter(pk__in=list(loads))}
        cases_url = reverse("supervise:cases", args=[survey.slug])
        rows = []
        for pk, user in sorted(people.items(), key=lambda item: person(item[1]).lower()):
            rows.append(
                ProgressRow(
                    label=person(user),
                    cases_url=f"{cases_url}?interviewer={pk}",
                    workload=shown_workload(loads[pk], controlled=controlled),
                    progress=shown_progress(
                        by_name.get(user.get_username(), {}), controlled=controlled
                    ),
                )
            )
        if None in loads:
            rows.append(
                ProgressRow(
                    label="Not assigned",
                    cases_url=f"{cases_url}?interviewer={UNASSIGNED}",
                    workload=shown_workload(loads[None], controlled=controlled),
                    progress=shown_progress(by_name.get("", {}), controlled=controlled),
                )
            )
        overall_load = Workload(
            **{
                name: sum(getattr(load, name) for load in loads.values())
                for name, _ in WORKLOAD_COLUMNS
            }
        )
        overall_counts: dict[Outcome, int] = outcome_counts(survey=survey).get("", {})
        overall = ProgressRow(
            label="All cases",
            cases_url=cases_url,
            workload=shown_workload(overall_load, controlled=controlled),
            progress=shown_progress(overall_counts, controlled=controlled),
        )
        return render(
            request,
            "supervise/progress.html",
            {
                "survey": survey,
                "rows": rows,
                "overall": overall,
                "workload_columns": WORKLOAD_COLUMNS,
                "count_columns": [(name, COUNT_LABELS[name]) for name in COUNT_NAMES],
                "rate_names": RATE_NAMES,
                "controlled": controlled,
                "rule": operational_statement(),
                "percentages": progress_description(controlled=controlled),
                "missed": missed_appointments(survey, now),
            },
        )


class CasesView(SupervisorRequiredMixin, View):
    """A survey's cases (one interviewer's, the unassigned, or all), to open or assign."""

    def interviewer_filter(self, request: HttpRequest) -> tuple[Q, str, str]:
        """The cases' filter, its value in the address, and a heading for it."""
        chosen = request.GET.get("interviewer", "")
        if chosen == UNASSIGNED:
            return Q(interviewer__isnull=True), chosen, "Cases not assigned"
        if chosen.isdigit():
            user = get_user_model().objects.filter(pk=int(chosen)).first()
            if user is not None:
                return Q(interviewer=user), chosen, f"{person(user)}’s cases"
        return Q(), "", "All cases"

    def show(
        self, request: HttpRequest, survey: Survey, form: AssignForm | None, *, status: int = 200
    ) -> HttpResponse:
        now = timezone.now()
        who, chosen, heading = self.interviewer_filter(request)
        show = chosen_list(request, None)
        search = searched(request)
        mode = request.GET.get("mode", "")
        mode = mode if mode in {offered.value for offered in survey.modes} else ""
        cases = counted_cases(survey).filter(who).select_related("survey", "interviewer")
        if mode:  # the mode a case was answered in, or, before that, the one it is meant for
            cases = cases.filter(Q(mode=mode) | Q(mode="", preferred_mode=mode))
        listed = caseload(cases, show=show, search=search, now=now)
        page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = case_rows(page.object_list, now)
        people = team_people(survey)
        if form is None:
            form = AssignForm(case_ids=[row.case.pk for row in rows], people=people)
        return render(
            request,
            "supervise/cases.html",
            {
                "survey": survey,
                "heading": heading,
                "interviewer": chosen,
                "mode": mode,
                "modes": [(offered.value, offered.label) for offered in survey.modes],
                "kept": urlencode(
                    {k: v for k, v in (("interviewer", chosen), ("mode", mode)) if v}
                ),
                "lists": list(CaseList),
                "show": None if search else show,
                "search": search,
                "page": page,
                "rows": rows,
                "form": form,
                "checked": form.data.getlist("cases") if form.is_bound else [],
                "query": page_query(request),
            },
            status=status,
        )

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        return self.show(request, interview_survey(request, slug), None)

    def post(self, request: HttpRequest, slug: str) -> HttpResponse:
        survey = interview_survey(request, slug)
        ids = list(counted_cases(survey).values_list("pk", flat=True))
        form = AssignForm(request.POST, case_ids=ids, people=team_people(survey))
        if not form.is_valid():
            return self.show(request, survey, form, status=400)
        cases = list(Case.objects.filter(survey=survey, pk__in=form.cleaned_data["cases"]))
        user = chosen_interviewer(form, survey)
        refused = not_assigned_message(cases) if user is not None else ""
        changed = case_assign(cases=cases, interviewer=user, actor=request.user)
        who = person(user) if user is not None else "nobody"
        messages.success(
            request, f"{changed} {'case' if changed == 1 else 'cases'} assigned to {who}."
        )
        if refused:
            messages.warning(request, refused)
        return HttpResponseRedirect(request.get_full_path())


class CaseAssignView(SupervisorCaseMixin, View):
    """Assigns one case from its own page."""

    def post(self, request: HttpRequest, case_id: int) -> HttpResponse:
        case = self.case
        form = AssignForm(
            {"cases": [case.pk], "interviewer": request.POST.get("interviewer", "")},
            case_ids=[case.pk],
            people=team_people(case.survey),
        )
        if not form.is_valid():
            return self.show_case(error=form.errors["interviewer"][0], status=400)
        user = chosen_interviewer(form, case.survey)
        refusal = case_work_refusal(case) if user is not None else ""
        if refusal:
            return self.show_case(
                error=f"{refusal} It cannot be assigned to be worked.", status=409
            )
        case_assign(cases=[case], interviewer=user, actor=request.user)
        who = person(user) if user is not None else "nobody"
        messages.success(request, f"Case {case.reference} assigned to {who}.")
        return HttpResponseRedirect(self.case_url())


class CaseReopenView(SupervisorCaseMixin, View):
    """Puts a closed or not-eligible case back to be worked."""

    def post(self, request: HttpRequest, case_id: int) -> HttpResponse:
        try:
            case_reopen(case=self.case)
        except CaseRefused as refusal:
            return self.show_case(error=refusal.message, status=409)
        messages.success(
            request, f"Case {self.case.reference} is open again: it is back on the to-do list."
        )
        return HttpResponseRedirect(self.case_url())


class UnassignedCasesView(SupervisorRequiredMixin, View):
    """Lets the survey's interviewers take unassigned cases (and make new ones with a
    reference the sample does not have), or stops them; audited."""

    def post(self, request: HttpRequest, slug: str) -> HttpResponse:
        survey = interview_survey(request, slug)
        allowed = request.POST.get("allow") == "yes"
        if survey.interviewers_take_unassigned != allowed:
            with transaction.atomic():
                Survey.objects.filter(pk=survey.pk).update(interviewers_take_unassigned=allowed)
                audit(
                    Event.UNASSIGNED_WORK_CHANGED,
                    actor=request.user,
                    target=survey,
                    allowed=allowed,
                )
        messages.success(
            request,
            "Interviewers may now take unassigned cases of this survey."
            if allowed
            else "Interviewers now work only the cases assigned to them.",
        )
        return HttpResponseRedirect(reverse("supervise:cases", args=[survey.slug]))
