"""Analysis reads go to the replica when there is one (ANALYSIS_DATABASE_URL), and
nothing else does."""

from __future__ import annotations

import pytest

from classification.microdata import survey_microdata
from classification.selectors import selected_responses, selected_tallies
from seb.tables import Selection
from surveys.models import Response
from surveys.replica import ANALYSIS, analysis_db


def test_without_a_replica_the_analysis_reads_the_primary(settings) -> None:
    assert ANALYSIS not in settings.DATABASES
    assert analysis_db() == "default"


@pytest.mark.django_db
@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_with_a_replica_the_tables_and_microdata_are_read_from_it(settings, make_survey) -> None:
    survey = make_survey()
    settings.DATABASES = {**settings.DATABASES, ANALYSIS: dict(settings.DATABASES["default"])}
    assert analysis_db() == ANALYSIS
    selection = Selection()
    assert selected_responses(survey=survey, selection=selection).db == ANALYSIS
    assert selected_tallies(survey=survey, selection=selection).db == ANALYSIS
    assert survey_microdata(survey=survey).db == ANALYSIS
    # Everything else, the respondents' and interviewers' reads and every write, is
    # the primary's.
    assert Response.objects.filter(survey=survey).db == "default"
    assert Response.objects.db_manager().db == "default"


def test_the_settings_add_the_replica_only_when_it_is_named(tmp_path) -> None:
    import subprocess
    import sys

    from tests.test_security import PRODUCTION, ROOT

    script = (
        "import django; django.setup(); from django.conf import settings; "
        "d = settings.DATABASES; print(sorted(d), d.get('analysis', {}).get('ENGINE'), "
        "d.get('analysis', {}).get('HOST'))"
    )
    for extra, expected in (
        ({}, "['default', 'jobs'] None None"),
        (
            {"ANALYSIS_DATABASE_URL": "postgres://reader@replica.example:5432/seb"},
            "['analysis', 'default', 'jobs'] config.postgresql replica.example",
        ),
    ):
        result = subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env={**PRODUCTION, "PATH": "/usr/bin:/bin", **extra},
            capture_output=True,
            text=True,
            check=True,
        )
        assert result.stdout.strip() == expected
