"""The job title suggestions' load test: interviewers and respondents typing job titles,
each letter from the second a request for suggestions, as the autocomplete sends them
(LOAD_TARGET=suggestions); or the same number of visitors to the bare Django page
(LOAD_TARGET=bare). Each simulated person first walks a response to the job title page
(not measured), then types titles from the evaluation set (bench/occupation/), one after
another, starting a new response every RESPONSE_TITLES titles."""

from __future__ import annotations

import csv
import os
import random
import re
from pathlib import Path

from locust import FastHttpUser, task
from locust.exception import StopUser

TOKEN = re.compile(r'name=["\']csrfmiddlewaretoken["\'] value=["\']([^"\']+)')
START = re.compile(r'name="start_token" value="([^"]+)"')
SLUG = os.environ.get("LOAD_SURVEY", "load")
RESPONSE_TITLES = 20
ANSWERS = {
    "school_type": "state",
    "free_school_meals": "no",
    "earner_employment_status": "employee",
    "employer_size": "25_or_more",
    "supervisor": "no",
    "earner_occupation": "clerical_intermediate",
}
with (Path(__file__).parent / "occupation" / "typed_titles.csv").open(encoding="utf-8") as f:
    TITLES = [row["title"] for row in csv.DictReader(f) if len(row["title"].strip()) >= 2]


def token(page: str) -> str:
    found = TOKEN.search(page)
    if not found:
        raise StopUser("no CSRF token on the page")
    return found[1]


if os.environ.get("LOAD_TARGET", "suggestions") == "suggestions":

    class Typist(FastHttpUser):
        """Walks a response to the job title page, then types titles into it."""

        def on_start(self) -> None:
            self.random = random.Random()
            self.typed = 0
            self.new_response()

        def new_response(self) -> None:
            self.client.cookiejar.clear()
            start = self.client.get(f"/s/{SLUG}/", name="setup").text
            self.client.post(
                f"/s/{SLUG}/",
                {"csrfmiddlewaretoken": token(start), "start_token": START.search(start)[1]},
                name="setup",
            )
            page = start
            for key, code in ANSWERS.items():
                page = self.client.post(
                    f"/s/{SLUG}/questions/{key}/",
                    {"csrfmiddlewaretoken": token(page), "answer": code},
                    name="setup",
                ).text
            if "job title" not in page:
                raise StopUser("the job title page was not reached")

        @task
        def type_a_title(self) -> None:
            if self.typed == RESPONSE_TITLES:
                self.typed = 0
                self.new_response()
            title = self.random.choice(TITLES)
            for end in range(2, min(len(title), 40) + 1):
                with self.client.get(
                    f"/s/{SLUG}/job-title/suggestions/",
                    params={"q": title[:end]},
                    name="suggestions",
                    catch_response=True,
                ) as answer:
                    if answer.status_code != 200:
                        answer.failure(f"status {answer.status_code}")
            self.typed += 1

else:

    class Visitor(FastHttpUser):
        @task
        def visit(self) -> None:
            self.client.get("/", name="bare page")
