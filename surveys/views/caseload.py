"""The interviewer's caseload at /interview/ and each case's own page.

The home page lists the interviewer's cases (assigned from the sample, by a
supervisor, or made ad hoc by starting an interview with a new reference): to do,
appointments today, or done, or those whose reference matches a search. A case's
page shows where it stands and its whole history, and is where a call or visit is
recorded and an interview started or resumed. Supervisors open any case's page,
with their own actions on it (assign, reopen).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from seb.caseload import PAGE_SIZE, CaseList, CaseStatus, case_status
from seb.fieldwork import AttemptOutcome, Outcome
from seb.interviewing import showcards
from seb.standard import load_standard

from ..access import acts_as, check_role, surveys_for
from ..audit import Event, audit
from ..fieldwork.attempts import call_or_visit_record
from ..fieldwork.case_rules import case_work_refusal
from ..fieldwork.cases import CaseRefused, case_close
from ..fieldwork.teams import team_interviewers
from ..forms_interview import (
    NOTE_MAX_LENGTH,
    REFERENCE_MAX_LENGTH,
    AttemptForm,
    CaseInterviewForm,
)
from ..interviewing.history import case_history
from ..interviewing.selectors import (
    case_facts,
    case_for,
    caseload,
    pending_answers,
    surveys_open_for_interviews,
    unfinished_interview,
)
from ..interviewing.services import interview_resume, interview_start
from ..models import Case, Response, TeamRole
from ..responses.lifecycle import Refused, response_route, response_standard
from .interviewer import InterviewerRequiredMixin, InterviewWorkMixin

# GOV.UK tag colours for each status.
STATUS_TAGS = {
    CaseStatus.NOT_STARTED: "govuk-tag--grey",
    CaseStatus.TRIED: "govuk-tag--light-blue",
    CaseStatus.APPOINTMENT: "govuk-tag--blue",
    CaseStatus.APPOINTMENT_MISSED: "govuk-tag--red",
    CaseStatus.INTERVIEW_IN_PROGRESS: "govuk-tag--yellow",
    CaseStatus.INTERVIEW_STOPPED: "govuk-tag--orange",
    CaseStatus.COMPLETE: "govuk-tag--green",
    CaseStatus.CLOSED: "govuk-tag--grey",
    CaseStatus.REFUSED: "govuk-tag--grey",
    CaseStatus.OPTED_OUT: "govuk-tag--grey",
    CaseStatus.NOT_ELIGIBLE: "govuk-tag--grey",
    CaseStatus.WITHDRAWN: "govuk-tag--grey",
    CaseStatus.SURVEY_CLOSED: "govuk-tag--grey",
}


@dataclass(frozen=True, slots=True)
class Shortcut:
    """A key that does something on a page: listed on the page, bound by interviewer.js
    to the element with its `data-shortcut`."""

    key: str
    does: str


LIST_KEYS = {CaseList.TO_DO: "t", CaseList.TODAY: "a", CaseList.DONE: "d"}
CASELOAD_SHORTCUTS = (
    Shortcut("/", "search by case reference"),
    *(Shortcut(key, f"show {case_list.label.lower()}") for case_list, key in LIST_KEYS.items()),
    Shortcut("n", "start an interview with a new case reference"),
)
# A case that cannot be worked any more has no interview to resume from its row.
FINISHED = (
    CaseStatus.COMPLETE,
    CaseStatus.CLOSED,
    CaseStatus.REFUSED,
    CaseStatus.OPTED_OUT,
    CaseStatus.NOT_ELIGIBLE,
    CaseStatus.WITHDRAWN,
    CaseStatus.SURVEY_CLOSED,
)
INTERVIEW_SHORTCUT = Shortcut("s", "start or resume the interview")
CALL_SHORTCUT = Shortcut("r", "record a call or visit")
BACK_SHORTCUT = Shortcut("h", "back to your cases")


@dataclass(frozen=True, slots=True)
class CaseRow:
    case: Case
    status: CaseStatus
    tag: str
    outcome: str
    outcome_label: str
    unfinished_id: Any
    unfinished_status: str

    @property
    def can_resume(self) -> bool:
        return self.unfinished_id is not None and self.status not in FINISHED


def outcome_text(case: Case) -> str:
    outcome = Outcome(case.outcome)
    return f"{outcome.value} {outcome.label}"


def case_rows(cases: Any, now: Any) -> list[CaseRow]:
    rows = []
    for case in cases:
        status = case_status(case_facts(case, now), now)
        rows.append(
            CaseRow(
                case=case,
                status=status,
                tag=STATUS_TAGS[status],
                outcome=outcome_text(case),
                outcome_label=Outcome(case.outcome).label,
                unfinished_id=case.unfinished_id,
                unfinished_status=case.unfinished_status or "",
            )
        )
    return rows


def chosen_list(request: HttpRequest, default: CaseList | None) -> CaseList | None:
    try:
        return CaseList(request.GET.get("show", ""))
    except ValueError:
        return default


def searched(request: HttpRequest) -> str:
    return " ".join(request.GET.get("q", "").split())[:REFERENCE_MAX_LENGTH]


def page_query(request: HttpRequest) -> str:
    """The list's query without its page number, ready for "page=" to follow."""
    kept = request.GET.copy()
    kept.pop("page", None)
    encoded = kept.urlencode()
    return f"{encoded}&" if encoded else ""


class HomeView(InterviewerRequiredMixin, View):
    """The interviewer's cases: a list, a search, and starting an ad hoc interview."""

    def get(self, request: HttpRequest) -> HttpResponse:
        now = timezone.now()
        show = chosen_list(request, CaseList.TO_DO)
        search = searched(request)
        theirs = surveys_for(request.user, TeamRole.INTERVIEWER)
        mine = Case.objects.filter(interviewer=request.user, survey__in=theirs).select_related(
            "survey"
        )
        listed = caseload(mine, show=show, search=search, now=now)
        page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = case_rows(page.object_list, now)
        surveys = [
            {"survey": survey, "modes": [mode for mode in survey.modes if mode.is_interviewer_led]}
            for survey in surveys_open_for_interviews().filter(pk__in=theirs.values("pk"))
        ]
        pending = [
            {
                "pending": item,
                "question": response_standard(item.response).question(item.question_key),
                "url": reverse("interview:question", args=[item.response_id, item.question_key]),
            }
            for item in pending_answers(request.user)
        ]
        return render(
            request,
            "interview/home.html",
            {
                "lists": [{"list": case_list, "key": key} for case_list, key in LIST_KEYS.items()],
                "show": None if search else show,
                "query": page_query(request),
                "search": search,
                "page": page,
                "rows": rows,
                "several_surveys": len({row.case.survey_id for row in rows}) > 1,
                "surveys": surveys,
                "pending": pending,
                "has_showcards": bool(showcards(load_standard())),
                "shortcuts": CASELOAD_SHORTCUTS,
            },
        )


# A case's own page ---------------------------------------------------------------


class CaseMixin(InterviewWorkMixin):
    """Finds the case: an interviewer's own, or any for a supervisor (404 otherwise)."""

    case: Case

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        refused = check_role(request, self.roles)
        if refused is not None:
            return refused
        self.case = case_for(request.user, kwargs["case_id"], self.roles)
        return super().dispatch(request, *args, **kwargs)

    def case_url(self) -> str:
        return reverse("interview:case-detail", args=[self.case.pk])

    def show_case(
        self,
        *,
        start_form: CaseInterviewForm | None = None,
        error: str = "",
        status: int = 200,
    ) -> HttpResponse:
        request = self.request
        case = self.case
        now = timezone.now()
        facts = case_facts(case, now)
        state = case_status(facts, now)
        unfinished = unfinished_interview(case)
        progress = None
        if unfinished is not None:
            current = response_route(unfinished)
            standard = response_standard(unfinished)
            progress = {
                "response": unfinished,
                "answered": len(current.answered),
                "next": (
                    standard.question(current.next_question).name
                    if current.next_question
                    else "Check the answers"
                ),
            }
        survey_open = case.survey.is_open(now)
        refusal = case_work_refusal(case)
        can_work = survey_open and not refusal
        supervising = acts_as(request.user, case.survey, TeamRole.SUPERVISOR)
        default_mode = case.mode or case.preferred_mode
        if start_form is None:
            start_form = CaseInterviewForm(survey=case.survey, default_mode=default_mode)
        mine = case.interviewer_id == request.user.pk
        context = {
            "case": case,
            "status": state,
            "tag": STATUS_TAGS[state],
            "outcome": outcome_text(case),
            "in_progress": case.in_progress,
            "history": case_history(case),
            "unfinished": progress,
            "can_work": can_work,
            "why_not_worked": refusal,
            "can_start": can_work and unfinished is None,
            "survey_open": survey_open,
            "start_form": start_form,
            "error": error,
            "supervising": supervising,
            "back_url": reverse("interview:home") if mine else supervisor_back(case),
            "back_label": "Back to your cases" if mine else "Back to the survey’s cases",
            "can_reopen": supervising
            and case.outcome != Outcome.COMPLETE.value
            and (case.closed_at is not None or case.not_eligible_at is not None),
            "interviewers": list(team_interviewers(case.survey)) if supervising else [],
            "shortcuts": [
                shortcut
                for shortcut, shown in (
                    (INTERVIEW_SHORTCUT, can_work),
                    (CALL_SHORTCUT, can_work),
                    (BACK_SHORTCUT, mine),
                )
                if shown
            ],
        }
        return render(request, "interview/case.html", context, status=status)


def supervisor_back(case: Case) -> str:
    return reverse("supervise:cases", args=[case.survey.slug])


class CaseView(CaseMixin, View):
    def get(self, request: HttpRequest, case_id: int) -> HttpResponse:
        if self.case.has_contact_details:
            audit(Event.CONTACT_DETAILS_VIEWED, actor=request.user, target=self.case)
        return self.show_case()


class CaseStartView(CaseMixin, View):
    """Starts an interview on the case, recorded as an attempt; then its first question."""

    def post(self, request: HttpRequest, case_id: int) -> HttpResponse:
        form = CaseInterviewForm(
            request.POST, survey=self.case.survey, default_mode=self.case.preferred_mode
        )
        if not form.is_valid():
            return self.show_case(start_form=form, status=400)
        if not self.case.survey.is_open():
            return render(request, "surveys/closed.html", {"survey": self.case.survey}, status=403)
        try:
            response = interview_start(
                case=self.case, mode=form.cleaned_data["mode"], interviewer=request.user
            )
        except Refused as refusal:
            existing = unfinished_interview(self.case) if refusal.code == "unfinished" else None
            if existing is not None and existing.status == Response.Status.IN_PROGRESS:
                # A repeated or raced Start: carry on with the interview the first one made.
                return HttpResponseRedirect(reverse("interview:case", args=[existing.pk]))
            return self.show_case(start_form=form, error=refusal.message, status=409)
        first = response_route(response).next_question
        return HttpResponseRedirect(reverse("interview:question", args=[response.pk, first]))


class CaseResumeView(CaseMixin, View):
    """Carries on with the case's unfinished interview at the first unanswered question
    of its route as it stands, every answer kept; a new call or visit is recorded."""

    def post(self, request: HttpRequest, case_id: int) -> HttpResponse:
        unfinished = unfinished_interview(self.case)
        if unfinished is None:
            return self.show_case(error="This case has no interview to resume.", status=409)
        if not self.case.survey.is_open():
            return render(request, "surveys/closed.html", {"survey": self.case.survey}, status=403)
        try:
            interview_resume(response_id=unfinished.pk, interviewer=request.user)
        except Refused as refusal:
            return self.show_case(error=refusal.message, status=409)
        return HttpResponseRedirect(reverse("interview:case", args=[unfinished.pk]))


class AttemptView(CaseMixin, View):
    """Records a call or visit and what came of it; the case's outcome follows."""

    def form(self, data: Any = None) -> AttemptForm:
        return AttemptForm(
            data,
            survey=self.case.survey,
            default_mode=self.case.mode or self.case.preferred_mode,
            now=timezone.now(),
        )

    def show(self, form: AttemptForm, *, error: str = "", status: int = 200) -> HttpResponse:
        return render(
            self.request,
            "interview/attempt.html",
            {
                "case": self.case,
                "form": form,
                "error": error,
                "back_url": self.case_url(),
                "appointment_value": AttemptOutcome.APPOINTMENT.value,
                "note_max": NOTE_MAX_LENGTH,
            },
            status=status,
        )

    def get(self, request: HttpRequest, case_id: int) -> HttpResponse:
        return self.show(self.form())

    def post(self, request: HttpRequest, case_id: int) -> HttpResponse:
        form = self.form(request.POST)
        if not form.is_valid():
            return self.show(form, status=400)
        outcome = AttemptOutcome(form.cleaned_data["outcome"])
        try:
            call_or_visit_record(
                case=self.case,
                interviewer=request.user,
                mode=form.cleaned_data["mode"],
                outcome=outcome,
                note=form.cleaned_data["note"],
                appointment_at=form.cleaned_data["appointment_at"],
            )
        except CaseRefused as refusal:
            return self.show(form, error=refusal.message, status=409)
        messages.success(request, f"{outcome.label}: recorded for case {self.case.reference}.")
        return HttpResponseRedirect(self.case_url())


class CaseCloseView(CaseMixin, View):
    """No more calls or visits: the case leaves the to-do list (a supervisor can reopen it)."""

    def post(self, request: HttpRequest, case_id: int) -> HttpResponse:
        if self.case.outcome == Outcome.COMPLETE.value or self.case.closed_at is not None:
            return HttpResponseRedirect(self.case_url())
        case_close(case=self.case)
        messages.success(request, f"Case {self.case.reference} is closed.")
        return HttpResponseRedirect(self.case_url())
