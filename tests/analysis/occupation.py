"""Job titles for the tests of the occupation outputs, made directly as rows."""

from __future__ import annotations

from random import Random
from typing import Final

from seb.occupation.nssec import derive_full
from seb.standard import QUESTION_KEYS
from surveys.models import JobTitle, Response, Survey

# A title no output without the unrounded permission may ever hold.
SECRET_TITLE: Final = "Zebra keeper at Xyzzy Towers"
# Typed text a spreadsheet would run as a formula.
FORMULA_TITLE: Final = '=HYPERLINK("http://evil.example","boss")'
# (SOC 2020, SOC 2010) unit groups, each in its classification's list.
UNIT_GROUPS: Final = (
    ("2231", "2231"),
    ("4159", "4159"),
    ("9211", "9271"),
    ("5241", "5241"),
    ("1131", "1131"),
)


def add_job_titles(survey: Survey, *, seed: int = 5) -> list[JobTitle]:
    """A job title for every complete response asked the occupation question: most coded
    (their full NS-SEC derived as the services do), some uncoded, one follow-up; the
    first holds SECRET_TITLE and the second FORMULA_TITLE."""
    rng = Random(seed)
    made = []
    responses = Response.objects.filter(survey=survey, status=Response.Status.COMPLETE)
    for number, response in enumerate(responses.filter(earner_occupation__gt="").order_by("pk")):
        answers = {key: getattr(response, key) or "" for key in QUESTION_KEYS}
        text = {0: SECRET_TITLE, 1: FORMULA_TITLE}.get(number, f"job {number}")
        if number % 7 == 3:
            made.append(JobTitle(response=response, text=text, normalised=text))
            continue
        if number % 11 == 4:
            made.append(
                JobTitle(
                    response=response,
                    text=text,
                    normalised=text,
                    status=JobTitle.Status.FOLLOW_UP,
                    score=30,
                )
            )
            continue
        soc2020, soc2010 = rng.choice(UNIT_GROUPS)
        full = derive_full(soc2010=soc2010, answers=answers)
        made.append(
            JobTitle(
                response=response,
                text=text,
                normalised=text.lower(),
                status=JobTitle.Status.CODED,
                method=rng.choice(["automatic", "suggestion", "coder"]),
                score=rng.randint(40, 100),
                soc2020=soc2020,
                soc2010=soc2010,
                nssec_method=full.method if full else "",
                nssec_operational=full.operational_category if full else "",
                nssec8=full.nssec8 if full else "",
                nssec5_full=full.nssec5 if full else "",
                nssec3_full=full.nssec3 if full else "",
            )
        )
    return JobTitle.objects.bulk_create(made)
