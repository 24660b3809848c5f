"""The journey's load test: simulated respondents answering the online survey, or the
same number of visitors to the bare Django page (LOAD_TARGET=journey or bare).

Both use Locust's FastHttpUser (geventhttpclient): the load generator shares the
machine's two cores with the server and PostgreSQL, and the requests-based HttpUser
spent nearly twice its CPU per request (docs/benchmarks/journey.md),
which the server then lacked."""

from __future__ import annotations

import os
import re

from locust import FastHttpUser, task
from locust.exception import StopUser

TOKEN = re.compile(r'name=["\']csrfmiddlewaretoken["\'] value=["\']([^"\']+)')
START = re.compile(r'name="start_token" value="([^"]+)"')
REVISION = re.compile(r'name="revision" value="(\d+)"')
SLUG = os.environ.get("LOAD_SURVEY", "load")
ANSWERS = {
    "school_type": "state",
    "free_school_meals": "no",
    "earner_employment_status": "employee",
    "employer_size": "25_or_more",
    "supervisor": "no",
    "earner_occupation": "clerical_intermediate",
    "parental_qualification": "below_degree",
}


def follow(user: FastHttpUser, response: object, name: str) -> str:
    """Each HTTP request is measured on its own: a redirect is followed as a request."""
    location = response.headers.get("Location")  # type: ignore[attr-defined]
    if response.status_code != 302 or not location:  # type: ignore[attr-defined]
        raise StopUser(f"expected a redirect, got {response.status_code}")  # type: ignore[attr-defined]
    return user.client.get(location, name=name).text


def token(page: str) -> str:
    found = TOKEN.search(page)
    if not found:
        raise StopUser("no CSRF token on the page")
    return found[1]


if os.environ.get("LOAD_TARGET", "journey") == "journey":

    class Respondent(FastHttpUser):
        """One respondent after another: start, answer every question (each page shown,
        then its answer posted and the redirect followed), check, submit."""

        @task
        def answer_the_survey(self) -> None:
            self.client.cookiejar.clear()
            start = self.client.get(f"/s/{SLUG}/", name="start page").text
            started = self.client.post(
                f"/s/{SLUG}/",
                {"csrfmiddlewaretoken": token(start), "start_token": START.search(start)[1]},
                name="start",
                allow_redirects=False,
            )
            page = follow(self, started, "question page")
            for key, code in ANSWERS.items():
                answered = self.client.post(
                    f"/s/{SLUG}/questions/{key}/",
                    {"csrfmiddlewaretoken": token(page), "answer": code},
                    name="answer",
                    allow_redirects=False,
                )
                page = follow(
                    self,
                    answered,
                    "question page" if key != "parental_qualification" else "check page",
                )
            revision = REVISION.search(page)
            if not revision:
                raise StopUser("no check page")
            submitted = self.client.post(
                f"/s/{SLUG}/check-your-answers/",
                {"csrfmiddlewaretoken": token(page), "revision": revision[1]},
                name="submit",
                allow_redirects=False,
            )
            follow(self, submitted, "confirmation")

else:

    class Visitor(FastHttpUser):
        """The bare page's equivalent: a form shown, posted and shown again, as often as
        a respondent answers, with a new session each round."""

        @task
        def post_the_form(self) -> None:
            self.client.cookiejar.clear()
            page = self.client.get("/", name="bare page").text
            for _ in range(len(ANSWERS) + 1):
                posted = self.client.post(
                    "/",
                    {"csrfmiddlewaretoken": token(page), "answer": "yes"},
                    name="bare post",
                    allow_redirects=False,
                )
                page = follow(self, posted, "bare page")
