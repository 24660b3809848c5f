"""The survey managers' area at /manage/: surveys, their settings and content, previews
and test runs.

Only survey managers reach these pages, and each survey's pages only its own
managers (`surveys.access`; anyone else finds no such survey). The person who
creates a survey is its first manager. A new survey starts as
a draft: it takes no responses until its manager opens it, which needs its
owner content (organisation, contact, privacy notice). A preview walks through a
mode's journey storing nothing (the answers live in the manager's session); a
test run answers the real pages, marked as a test, so it is never counted and
can be cleared.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from seb.occupation.asking import JobTitleAnswer
from seb.routing import Route, RouteProblem, apply_answer, complete_response, route
from seb.standard import Mode

from ..access import (
    SURVEY_MANAGER,
    RoleRequiredMixin,
    member_survey,
    role_required,
    surveys_for,
)
from ..audit import Event, audit
from ..fieldwork.monitoring import case_counts
from ..fieldwork.stopping import survey_reopen_refusal
from ..fieldwork.teams import team_add
from ..forms_manage import OwnerContentForm, SurveyForm, open_problems
from ..models import Response, Survey, TeamRole
from ..responses.lifecycle import (
    REFUSALS,
    Refused,
    response_route,
    response_start,
    test_responses_clear,
)
from .interviewer import question_screen
from .journey import CheckAnswersView, ConfirmationView, Journey, QuestionView
from .respondent import remember

manager_required = role_required(SURVEY_MANAGER)


def managed_survey(request: HttpRequest, slug: str) -> Survey:
    """The survey if the signed-in person is one of its managers (`surveys.access`), or 404."""
    return member_survey(request.user, slug, TeamRole.MANAGER)


def address_base(request: HttpRequest) -> str:
    """The survey addresses' common start, as respondents will see it."""
    return request.build_absolute_uri("/s/")


@require_safe
@manager_required
def survey_list(request: HttpRequest) -> HttpResponse:
    # Operational figures: exact for the surveys' own managers.
    surveys = list(surveys_for(request.user, TeamRole.MANAGER).order_by("name", "slug"))
    counts = case_counts(surveys=surveys)
    rows = [{"survey": survey, **counts[survey.pk]} for survey in surveys]
    return render(request, "manage/survey_list.html", {"rows": rows})


@manager_required
def survey_create(request: HttpRequest) -> HttpResponse:
    base = address_base(request)
    if request.method == "POST":
        form = SurveyForm(request.POST, base_url=base)
        if form.is_valid():
            with transaction.atomic():
                survey = form.apply(Survey(is_draft=True, created_by=request.user))
                survey.save()
                audit(Event.SURVEY_CREATED, actor=request.user, target=survey)
                team_add(
                    survey=survey, user=request.user, role=TeamRole.MANAGER, actor=request.user
                )
            messages.success(request, f"{survey.name} was created as a draft.")
            return redirect("manage:content", slug=survey.slug)
        status = 400
    else:
        form = SurveyForm(base_url=base, initial={"modes": [Mode.ONLINE.value]})
        status = 200
    return render(
        request,
        "manage/survey_form.html",
        {"form": form, "creating": True, "address_base": base},
        status=status,
    )


@manager_required
def survey_edit(request: HttpRequest, slug: str) -> HttpResponse:
    survey = managed_survey(request, slug)
    base = address_base(request)
    if request.method == "POST":
        form = SurveyForm(request.POST, survey=survey, base_url=base)
        if form.is_valid():
            changed_slug = form.cleaned_data["slug"] != survey.slug
            if changed_slug and survey.state != "draft":
                form.add_error(
                    "slug",
                    "The web address cannot change once the survey has opened: people may "
                    "already have it",
                )
            else:
                form.apply(survey).save()
                messages.success(request, "The survey’s settings were saved.")
                return redirect("manage:survey", slug=survey.slug)
        status = 400
    else:
        form = SurveyForm(survey=survey, base_url=base)
        status = 200
    return render(
        request,
        "manage/survey_form.html",
        {"form": form, "survey": survey, "creating": False, "address_base": base},
        status=status,
    )


@manager_required
def survey_content(request: HttpRequest, slug: str) -> HttpResponse:
    survey = managed_survey(request, slug)
    if request.method == "POST":
        form = OwnerContentForm(request.POST, instance=survey)
        if form.is_valid():
            form.save()
            messages.success(request, "What respondents are told was saved.")
            return redirect("manage:survey", slug=survey.slug)
        status = 400
    else:
        form = OwnerContentForm(instance=survey)
        status = 200
    return render(
        request, "manage/survey_content.html", {"form": form, "survey": survey}, status=status
    )


@require_safe
@manager_required
def survey_detail(request: HttpRequest, slug: str) -> HttpResponse:
    survey = managed_survey(request, slug)
    figures = case_counts(surveys=[survey])[survey.pk]  # operational: exact for its managers
    return render(
        request,
        "manage/survey_detail.html",
        {
            "survey": survey,
            "address": request.build_absolute_uri(reverse("online:start", args=[survey.slug])),
            "problems": open_problems(survey) if survey.state == "draft" else [],
            "reopen_refusal": survey_reopen_refusal(survey),
            "figures": figures,
            "test_responses": Response.objects.filter(survey=survey, is_test=True).count(),
            "preview_modes": survey.modes,
        },
    )


@require_POST
@manager_required
def survey_open(request: HttpRequest, slug: str) -> HttpResponse:
    survey = managed_survey(request, slug)
    problems = open_problems(survey)
    refusal = survey_reopen_refusal(survey)
    if refusal:
        problems = [*problems, (refusal, "")]
    if problems:
        for problem, _ in problems:
            messages.error(request, problem)
        return redirect("manage:survey", slug=survey.slug)
    survey.is_draft = False
    if survey.closes_at and survey.closes_at <= timezone.now():
        survey.closes_at = None
    survey.save(update_fields=["is_draft", "closes_at"])
    audit(Event.SURVEY_OPENED, actor=request.user, target=survey)
    messages.success(request, f"{survey.name} is {survey.state}.")
    return redirect("manage:survey", slug=survey.slug)


@require_POST
@manager_required
def test_run(request: HttpRequest, slug: str) -> HttpResponse:
    """Answer the survey's own online pages as a test: counted nowhere, and clearable."""
    survey = managed_survey(request, slug)
    try:
        response = response_start(survey=survey, mode=Mode.ONLINE, is_test=True)
    except Refused as refusal:
        messages.error(request, refusal.message)
        return redirect("manage:survey", slug=survey.slug)
    first = response_route(response).next_question
    return remember(
        HttpResponseRedirect(reverse("online:question", args=[survey.slug, first])),
        survey.slug,
        response,
    )


@require_POST
@manager_required
def test_clear(request: HttpRequest, slug: str) -> HttpResponse:
    survey = managed_survey(request, slug)
    deleted = test_responses_clear(survey=survey)
    audit(Event.TEST_RESPONSES_CLEARED, actor=request.user, target=survey, count=deleted)
    messages.success(request, f"{deleted} test response{'s' if deleted != 1 else ''} cleared.")
    return redirect("manage:survey", slug=survey.slug)


# Preview: a mode's journey that stores nothing ------------------------------------------


def _preview_key(survey: Survey, mode: Mode) -> str:
    return f"preview:{survey.pk}:{mode.value}"


class PreviewJourney(RoleRequiredMixin, Journey):
    """The journey every mode shares, on an unsaved response whose answers live in the
    manager's session: nothing is written to the survey's responses."""

    namespace = "preview"
    roles = (SURVEY_MANAGER,)

    def find_response(self, request: HttpRequest, **kwargs: Any) -> Response | HttpResponse:
        survey = managed_survey(request, kwargs["slug"])
        try:
            mode = Mode(kwargs["mode"])
        except ValueError:
            raise Http404 from None
        if not survey.offers(mode):
            raise Http404("The survey does not offer this mode.")
        state = request.session.get(_preview_key(survey, mode))
        if state is None:
            return HttpResponseRedirect(reverse("manage:preview", args=[survey.slug, mode.value]))
        response = Response(
            survey=survey,
            mode=mode.value,
            standard_version=survey.standard_version,
            reference="PREVIEW",
            revision=state["revision"],
            status=Response.Status.COMPLETE if state["submitted"] else Response.Status.IN_PROGRESS,
        )
        for key, code in state["answers"].items():
            setattr(response, key, code)
        self.preview_state = state
        return response

    def url_kwargs(self) -> dict[str, Any]:
        return {"slug": self.response.survey.slug, "mode": self.response.mode}

    def exit_url(self) -> str:
        return reverse("manage:survey", args=[self.response.survey.slug])

    def extra_context(self) -> dict[str, Any]:
        mode = Mode(self.response.mode)
        return {
            "preview_banner": True,
            "preview_exit_url": self.exit_url(),
            "interview_name": mode.interview_name,
        }

    def stored_job_title(self) -> JobTitleAnswer | None:
        stored = self.preview_state.get("job_title")
        return None if stored is None else JobTitleAnswer.from_data(stored)

    def save_state(self) -> None:
        key = _preview_key(self.response.survey, Mode(self.response.mode))
        self.request.session[key] = self.preview_state

    def reload(self) -> None:
        pass

    def template_for(self, name: str) -> str:
        if Mode(self.response.mode).is_interviewer_led:
            return f"interview/{name}.html"
        return f"surveys/{name}.html"


class PreviewQuestionView(PreviewJourney, QuestionView):
    @property
    def template_name(self) -> str:  # type: ignore[override]
        return self.template_for("question")

    def extra_context(self) -> dict[str, Any]:
        return {**super().extra_context(), **question_screen(self.response, self.kwargs)}

    def record_answer(self, key: str, code: str, current: Route) -> Route:
        """The answer applied to the preview's answers by the services' own rule
        (`seb.routing.apply_answer`), kept in the session."""
        applied = apply_answer(
            self.response.survey.standard,
            self.response.mode,
            self.preview_state["answers"],
            key,
            code,
            walked=current,
        )
        if isinstance(applied, RouteProblem):
            raise Refused(REFUSALS[applied.fault], code="option")
        if applied.changed:
            self.preview_state["answers"] = dict(applied.answers)
            self.preview_state["revision"] += 1
            self.save_state()
        return applied.route


class PreviewCheckAnswersView(PreviewJourney, CheckAnswersView):
    @property
    def template_name(self) -> str:  # type: ignore[override]
        return self.template_for("check_answers")

    def submit(self, revision: int) -> None:
        standard = self.response.survey.standard
        answers = route(standard, self.response.mode, self.preview_state["answers"]).answers
        if isinstance(complete_response(standard, self.response.mode, answers), list):
            raise Refused("Answer every question before you submit.", code="incomplete")
        self.preview_state["submitted"] = True
        self.save_state()


class PreviewConfirmationView(PreviewJourney, ConfirmationView):
    template_name = "surveys/confirmation.html"


@require_safe
@manager_required
def preview_start(request: HttpRequest, slug: str, mode: str) -> HttpResponse:
    """A fresh preview of one mode: its start page (online) or its first question."""
    survey = managed_survey(request, slug)
    try:
        chosen = Mode(mode)
    except ValueError:
        raise Http404 from None
    if not survey.offers(chosen):
        raise Http404("The survey does not offer this mode.")
    request.session[_preview_key(survey, chosen)] = {
        "answers": {},
        "revision": 0,
        "submitted": False,
    }
    first = survey.standard.first.key
    question_url = reverse("preview:question", args=[survey.slug, chosen.value, first])
    if chosen.is_interviewer_led:
        return HttpResponseRedirect(question_url)
    return render(
        request,
        "surveys/start.html",
        {
            "survey": survey,
            "question_count": len(survey.standard.questions),
            "continue_url": question_url,
            "preview_banner": True,
            "preview_exit_url": reverse("manage:survey", args=[survey.slug]),
            "code_form": None,
        },
    )
