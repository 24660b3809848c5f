"""The pages every mode shares: a question, check your answers, confirmation.

A subclass says how a request finds its response (the respondent's session, or
the interviewer's own case) and how its URLs are named; the route itself is
recomputed from the stored answers on every request.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from seb.occupation.asking import ADDITION, AFTER_QUESTION, JobTitleAnswer, is_asked
from seb.occupation.asking import wording as job_title_wording
from seb.routing import Route
from seb.standard import Mode

from ..forms import AnswerForm, SubmitForm
from ..models import Response
from ..responses.job_titles import as_answer, job_title_of
from ..responses.lifecycle import (
    Refused,
    answer_record,
    response_route,
    response_standard,
    response_submit,
)


class Journey(View):
    """Finds the response for this request and names the journey's pages."""

    namespace: str
    response: Response

    def find_response(self, request: HttpRequest, **kwargs: Any) -> Response | HttpResponse:
        raise NotImplementedError

    def url_kwargs(self) -> dict[str, Any]:
        raise NotImplementedError

    def exit_url(self) -> str:
        """Where the first question's back link goes."""
        raise NotImplementedError

    def extra_context(self) -> dict[str, Any]:
        return {}

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        found = self.find_response(request, **kwargs)
        if isinstance(found, HttpResponse):
            return found
        self.response = found
        return super().dispatch(request, *args, **kwargs)

    @property
    def interviewer(self) -> bool:
        return Mode(self.response.mode).is_interviewer_led

    def url(self, name: str, **kwargs: Any) -> str:
        return reverse(f"{self.namespace}:{name}", kwargs={**self.url_kwargs(), **kwargs})

    def question_url(self, key: str, *, change: bool = False) -> str:
        url = self.url("question", key=key)
        return f"{url}?change=1" if change else url

    def resume_url(self, current: Route, *, change: bool = False) -> str:
        """The page a response in progress continues from.

        From a change on the check page, each question newly on the route is asked
        in turn, still as a change, and then the check page again.
        """
        if current.next_question:
            return self.question_url(current.next_question, change=change)
        return self.url("check")

    # The job title (an addition beyond the standard, surveys/views/job_title.py): asked
    # on the page after the occupation question when the survey asks it.
    def job_title_asked(self, current: Route) -> bool:
        return self.response.survey.asks_job_title and is_asked(current.answers)

    def stored_job_title(self) -> JobTitleAnswer | None:
        found = job_title_of(self.response)
        return as_answer(found) if found is not None else None

    def job_title_url(self, page: str = "job-title", *, change: bool = False) -> str:
        url = self.url(page)
        return f"{url}?change=1" if change else url

    def render_page(
        self, template: str, context: dict[str, Any], *, status: int = 200
    ) -> HttpResponse:
        base = {
            "survey": self.response.survey,
            "response": self.response,
            "mode": Mode(self.response.mode),
            "interviewer_screen": self.interviewer,
            **self.extra_context(),
        }
        return render(self.request, template, {**base, **context}, status=status)

    def refused(self, refusal: Refused, *, continue_url: str) -> HttpResponse:
        status = 409 if refusal.code in ("off_route", "stale", "incomplete") else 400
        return self.render_page(
            "surveys/refused.html",
            {"message": refusal.message, "continue_url": continue_url},
            status=status,
        )


class QuestionView(Journey):
    template_name = "surveys/question.html"

    def form(self, key: str, data: Any = None, initial: str | None = None) -> AnswerForm:
        standard = response_standard(self.response)
        question = standard.question(key)
        return AnswerForm(
            data,
            initial={"answer": initial} if initial else None,
            question=question,
            wording=question.wording(self.response.mode),
            interviewer=self.interviewer,
        )

    def show(
        self, key: str, current: Route, form: AnswerForm, *, change: bool, status: int = 200
    ) -> HttpResponse:
        previous = current.previous(key)
        if change:
            back_url = self.url("check")
        elif previous == AFTER_QUESTION and self.job_title_asked(current):
            back_url = self.job_title_url()
        elif previous:
            back_url = self.question_url(previous)
        else:
            back_url = self.exit_url()
        question = response_standard(self.response).question(key)
        return self.render_page(
            self.template_name,
            {
                "form": form,
                "question": question,
                "wording": question.wording(self.response.mode),
                "back_url": back_url,
                "action_url": self.question_url(key, change=change),
                "position": current.path.index(key) + 1,
            },
            status=status,
        )

    def record_answer(self, key: str, code: str, current: Route) -> Route:
        """Store one answer (through the services) on the response whose route is
        `current`; the route as it now stands."""
        return answer_record(
            response_id=self.response.pk,
            question_key=key,
            code=code,
            seen=self.response,
            walked=current,
        )

    def get(self, request: HttpRequest, key: str, **kwargs: Any) -> HttpResponse:
        if self.response.status != Response.Status.IN_PROGRESS:
            return HttpResponseRedirect(self.url("confirmation"))
        current = response_route(self.response)
        if key not in current.path:
            return HttpResponseRedirect(self.resume_url(current))
        change = request.GET.get("change") == "1"
        form = self.form(key, initial=current.answers.get(key))
        return self.show(key, current, form, change=change)

    def post(self, request: HttpRequest, key: str, **kwargs: Any) -> HttpResponse:
        current = response_route(self.response)
        change = request.GET.get("change") == "1"
        if self.response.status != Response.Status.IN_PROGRESS:
            return HttpResponseRedirect(self.url("confirmation"))
        if key not in current.path:
            refusal = Refused(
                "This question is no longer part of the survey because of an earlier answer. "
                "Nothing was saved.",
                code="off_route",
            )
            return self.refused(refusal, continue_url=self.resume_url(current))
        form = self.form(key, data=request.POST)
        if not form.is_valid():
            return self.show(key, current, form, change=change, status=400)
        try:
            updated = self.record_answer(key, form.cleaned_data["answer"], current)
        except Refused as refusal:
            return self.refused(refusal, continue_url=self.resume_url(current))
        if (
            key == AFTER_QUESTION
            and self.job_title_asked(updated)
            and not (change and self.stored_job_title() is not None)
        ):
            return HttpResponseRedirect(self.job_title_url(change=change))
        if change:
            # Only questions newly on the route are asked; then back to the check page.
            return HttpResponseRedirect(self.resume_url(updated, change=True))
        following = updated.following(key)
        return HttpResponseRedirect(
            self.question_url(following) if following else self.url("check")
        )


class CheckAnswersView(Journey):
    template_name = "surveys/check_answers.html"

    def rows(self, current: Route) -> list[dict[str, str]]:
        standard = response_standard(self.response)
        rows = []
        for key in current.answered:
            wording = standard.question(key).wording(self.response.mode)
            rows.append(
                {
                    "key": key,
                    "label": standard.question(key).short_label,
                    "question": wording.text,
                    "answer": wording.option(current.answers[key]).label,
                    "change_url": self.question_url(key, change=True),
                }
            )
            if key == AFTER_QUESTION and self.job_title_asked(current):
                rows.append(self.job_title_row())
        return rows

    def job_title_row(self) -> dict[str, str]:
        stored = self.stored_job_title()
        answer = "Not answered" if stored is None else stored.text or "Not known"
        return {
            "key": "job_title",
            "label": "Main earner’s job title",
            "addition": ADDITION,
            "question": job_title_wording(interviewer=self.interviewer).text,
            "answer": answer,
            "change_url": self.job_title_url(change=True),
        }

    def show(self, current: Route, *, message: str = "", status: int = 200) -> HttpResponse:
        return self.render_page(
            self.template_name,
            {
                "rows": self.rows(current),
                "revision": self.response.revision,
                "back_url": self.question_url(current.answered[-1]),
                "message": message,
            },
            status=status,
        )

    def submit(self, revision: int) -> None:
        """Submit the answers checked at `revision` (through the services)."""
        response_submit(response_id=self.response.pk, revision=revision)

    def reload(self) -> None:
        self.response.refresh_from_db()

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        if self.response.status != Response.Status.IN_PROGRESS:
            return HttpResponseRedirect(self.url("confirmation"))
        current = response_route(self.response)
        if not current.is_complete:
            return HttpResponseRedirect(self.resume_url(current))
        return self.show(current)

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = SubmitForm(request.POST)
        if self.response.status == Response.Status.COMPLETE:
            return HttpResponseRedirect(self.url("confirmation"))
        if not form.is_valid():
            return self.refused(
                Refused(
                    "The form was incomplete. Check your answers and submit again.", code="stale"
                ),
                continue_url=self.url("check"),
            )
        try:
            self.submit(form.cleaned_data["revision"])
        except Refused as refusal:
            self.reload()
            current = response_route(self.response)
            if refusal.code == "stale" and current.is_complete:
                return self.show(current, message=refusal.message, status=409)
            return self.refused(refusal, continue_url=self.resume_url(current))
        return HttpResponseRedirect(self.url("confirmation"))


class ConfirmationView(Journey):
    template_name = "surveys/confirmation.html"

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        if self.response.status == Response.Status.IN_PROGRESS:
            return HttpResponseRedirect(self.resume_url(response_route(self.response)))
        return self.render_page(self.template_name, {})
