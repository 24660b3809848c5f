"""The online question page writes its radios by hand, for speed: it must give the
same markup as crispy-forms-gds's GOV.UK radios and error summary (ours,
in templates/gds/), for every question of the standard
in the online mode, unanswered, answered and with an error."""

from __future__ import annotations

import pytest
from crispy_forms.utils import render_crispy_form
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.html import parse_html

from seb.standard import Mode, load_standard
from surveys.forms import AnswerForm

STANDARD = load_standard()
QUESTIONS = [q for q in STANDARD.questions if Mode.ONLINE in q.wordings]


def page_and_reference(question_key: str, data: dict[str, str] | None, initial: str | None):
    question = STANDARD.question(question_key)
    wording = question.wording(Mode.ONLINE)

    def form() -> AnswerForm:
        made = AnswerForm(
            data,
            initial={"answer": initial} if initial else None,
            question=question,
            wording=wording,
        )
        if data is not None:
            made.is_valid()
        return made

    request = RequestFactory().get("/")
    page = render_to_string(
        "surveys/_answer_radios.html",
        {"field": form()["answer"], "action_url": "/next/"},
        request=request,
    )
    fields = render_crispy_form(form())
    summary = Template("{% load crispy_forms_gds %}{% error_summary form %}").render(
        Context({"form": form()})
    )
    return parse_html(page), parse_html(fields), summary


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.key)
@pytest.mark.parametrize("state", ["unanswered", "answered", "error"])
def test_the_radios_are_crispy_forms_gds_markup(question, state: str) -> None:
    first = question.wording(Mode.ONLINE).options[-1].code
    data = {"answer": "not-a-code"} if state == "error" else None
    initial = first if state == "answered" else None
    page, fields, summary = page_and_reference(question.key, data, initial)
    assert page.count(fields) == 1
    if state == "error":
        assert page.count(parse_html(summary)) == 1
        assert question.error_message in summary
    else:
        assert summary.strip() == ""
        assert "govuk-error" not in str(page)
    if state == "answered":
        assert str(fields).count(" checked") == 1
