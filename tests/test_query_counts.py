"""Showing or answering a question costs a fixed, small number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

ANSWERS = {
    "school_type": "state",
    "free_school_meals": "no",
    "earner_employment_status": "employee",
    "employer_size": "1_to_24",
    "supervisor": "yes",
    "earner_occupation": "manager",
    "parental_qualification": "degree",
}
MOST_QUERIES = 3


def costs(client: Client, slug: str) -> dict[str, int]:
    """Queries for showing, answering and checking, on a response partway through."""
    client.post(f"/s/{slug}/")
    for key in list(ANSWERS)[:3]:
        client.post(f"/s/{slug}/questions/{key}/", {"answer": ANSWERS[key]})
    measured = {}
    for name, call in {
        "show": lambda: client.get(f"/s/{slug}/questions/employer_size/"),
        "answer": lambda: client.post(f"/s/{slug}/questions/employer_size/", {"answer": "1_to_24"}),
        "check": lambda: client.get(f"/s/{slug}/check-your-answers/"),
    }.items():
        with CaptureQueriesContext(connection) as queries:
            assert call().status_code in (200, 302)
        measured[name] = len(queries)
    return measured


def test_question_pages_cost_the_same_queries_whatever_the_number_of_responses(
    make_survey, make_response
) -> None:
    survey = make_survey()
    few = costs(Client(), survey.slug)
    for _ in range(60):
        make_response(survey, ANSWERS)
    many = costs(Client(), survey.slug)
    assert few == many
    assert max(few.values()) <= MOST_QUERIES, few
    # Showing a question reads the response (with its survey); answering it reads it
    # and writes it with one conditional UPDATE, no transaction or lock around them.
    assert few["show"] == 1, few
    assert few["answer"] == 2, few
