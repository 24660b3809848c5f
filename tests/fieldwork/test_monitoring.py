"""Response monitoring: outcomes and rates by breakdown, disclosure control, the daily
chart, where people stop, the median time, and the files."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from seb.disclosure import operational_statement
from seb.fieldwork import AttemptOutcome, Outcome
from seb.standard import Mode
from surveys.fieldwork.attempts import attempt_record
from surveys.fieldwork.cases import case_create, case_opt_out
from surveys.fieldwork.issuing import NewCase
from surveys.fieldwork.monitoring import (
    BY_INTERVIEWER,
    BY_MODE,
    OVERALL,
    outcome_counts,
    outcome_counts_by_breakdown,
    survey_outcomes_and_rates,
    survey_rates,
    survey_rates_fast,
)
from surveys.models import Survey
from surveys.responses.bulk import NewResponse, complete, responses_create
from surveys.responses.lifecycle import answer_record, response_for_case
from surveys.responses.selectors import median_completion_seconds, stop_points
from tests.classification.conftest import unrounded_permission
from tests.conftest import STATE_EMPLOYEE_CLERICAL
from tests.fieldwork.conftest import load, sample_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def fieldwork(invitation_survey: Survey) -> Survey:
    """40 cases in two regions: 14 complete (two modes), 3 break-offs, 2 refusals."""
    rows = [(f"M{n:02d}", ("North", "South")[n % 2]) for n in range(40)]
    load(invitation_survey, sample_csv(rows, header=("reference", "region")))
    now = timezone.now()
    cases = list(invitation_survey.cases.order_by("reference"))
    made = []
    for number, case in enumerate(cases[:14]):
        mode = Mode.TELEPHONE if number < 4 else Mode.ONLINE
        made.append(
            NewResponse(
                complete=complete(invitation_survey, mode, STATE_EMPLOYEE_CLERICAL),
                case_id=case.pk,
                completed_at=now - timedelta(days=number % 3),
                started_at=now - timedelta(days=number % 3, seconds=60 * (number + 1)),
            )
        )
    responses_create(survey=invitation_survey, responses=made)
    from surveys.fieldwork.derived import case_refresh

    for row in made:
        case_refresh(case_id=row.case_id)
    for case in cases[14:17]:
        started = response_for_case(survey=invitation_survey, case=case)
        answer_record(response_id=started.pk, question_key="school_type", code="state")
    for case in cases[17:19]:
        case_opt_out(case=case)
    return invitation_survey


def test_one_scan_gives_the_same_counts_as_a_query_per_breakdown(fieldwork: Survey) -> None:
    breakdowns = [OVERALL, BY_MODE, BY_INTERVIEWER, "region"]
    together = outcome_counts_by_breakdown(survey=fieldwork, breakdowns=breakdowns)
    for by in breakdowns:
        assert together[by] == outcome_counts(survey=fieldwork, by=by)
    assert survey_rates_fast(survey=fieldwork) == survey_rates(survey=fieldwork)
    assert together[OVERALL][""][Outcome.COMPLETE] == 14
    assert together[BY_MODE]["telephone"][Outcome.COMPLETE] == 4


def test_stop_points_count_unfinished_responses_at_the_question_they_stopped(
    fieldwork: Survey,
) -> None:
    assert stop_points(survey=fieldwork) == {"online": {"free_school_meals": 3}}


def test_the_median_time_to_complete(fieldwork: Survey) -> None:
    # 14 responses taking 1..14 minutes: the median is 7.5 minutes.
    assert median_completion_seconds(survey=fieldwork) == pytest.approx(450)


def test_the_page_shows_rates_by_breakdown_unrounded_to_those_allowed(
    client: Client, manager: User, fieldwork: Survey
) -> None:
    manager.user_permissions.add(unrounded_permission())
    client.force_login(manager)
    page = client.get("/manage/invited/monitoring/").content.decode()
    assert operational_statement() in page
    for text in ("By mode", "region", "North", "South", "Telephone", "Free school meals"):
        assert text in page
    assert 'role="img"' in page and '<title id="chart-completes-title">' in page
    assert (
        'Median time from starting to submitting: <strong id="median-time">7 min 30 s</strong>'
        in page
    )


def test_the_surveys_staff_see_exact_figures_and_can_ask_for_a_rates_file_to_publish(
    manager_client: Client, fieldwork: Survey
) -> None:
    """Monitoring figures are operational: exact for the survey's managers, even without
    the unrounded permission; the rates file meant for publication follows the 10-5 rule."""
    page = manager_client.get("/manage/invited/monitoring/").content.decode()
    assert operational_statement() in page
    overall = page.split('<tbody class="govuk-table__body">')[1].split("</tr>")[0]
    # 40 cases; I = 14; R = 3 + 2 = 5; U = 21.
    assert ">40<" in overall and ">14<" in overall and ">5<" in overall and "[c]" not in overall
    rates = manager_client.get("/manage/invited/monitoring/response-rates.csv")
    first = next(csv.DictReader(io.StringIO(rates.content.decode("utf-8-sig"))))
    assert (first["cases"], first["I"], first["R"]) == ("40", "14", "5")
    published = manager_client.get("/manage/invited/monitoring/response-rates.csv?form=publication")
    assert "for-publication" in published["Content-Disposition"]
    first = next(csv.DictReader(io.StringIO(published.content.decode("utf-8-sig"))))
    # Under the 10-5 rule: I = 14 -> 15; R = 5 -> [c]; rates using R are [c].
    assert (first["cases"], first["I"], first["R"], first["RR1"]) == ("40", "15", "[c]", "[c]")


def test_the_outcomes_file_has_one_row_per_case_and_no_contact_details(
    manager_client: Client, invitation_survey: Survey
) -> None:
    case_create(
        survey=invitation_survey,
        new=NewCase(reference="Z1", name="Zed", email="zed@example.org", phone="07700 900999"),
    )
    response = manager_client.get("/manage/invited/monitoring/case-outcomes.csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(row["reference"], row["outcome"]) for row in rows] == [("Z1", "3.10")]
    assert "zed" not in text.lower() and "07700" not in text


def test_a_case_never_interviewed_after_an_appointment_is_2_21_and_counts_as_non_contact(
    manager_client: Client, invitation_survey: Survey
) -> None:
    case, _ = case_create(survey=invitation_survey, new=NewCase(reference="A1"))
    attempt_record(
        case=case,
        interviewer=None,
        mode=Mode.TELEPHONE,
        outcome=AttemptOutcome.APPOINTMENT,
        appointment_at=timezone.now() + timedelta(days=1),
    )
    response = manager_client.get("/manage/invited/monitoring/case-outcomes.csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(text)))
    assert (row["reference"], row["outcome"]) == ("A1", "2.21")
    assert "Respondent never available" in text
    counts, rows = survey_outcomes_and_rates(survey=invitation_survey)
    assert counts[Outcome.NEVER_AVAILABLE] == 1
    assert (rows[0].rates.counts["NC"], rows[0].rates.counts["O"]) == (1, 0)


def test_export_outcomes_writes_the_cases_and_the_rates_file(fieldwork: Survey, tmp_path) -> None:
    output, rates = tmp_path / "outcomes.csv", tmp_path / "rates.csv"
    call_command(
        "export_outcomes",
        survey="invited",
        output=str(output),
        rates=str(rates),
        stdout=io.StringIO(),
    )
    assert len(output.read_text().splitlines()) == 41
    rows = list(csv.DictReader(rates.open()))
    assert rows[0]["breakdown"] == "overall" and rows[0]["I"] == "14" and rows[0]["RR1"] == "35.0"
    assert {row["breakdown"] for row in rows} == {"overall", "mode", "interviewer", "region"}


def test_create_survey_makes_a_survey_open_now(db: None) -> None:
    out = io.StringIO()
    call_command(
        "create_survey",
        slug="cmd",
        name="By command",
        access="both",
        mode=["online", "telephone"],
        stdout=out,
    )
    survey = Survey.objects.get(slug="cmd")
    assert survey.state == "open" and survey.access == "both"
    assert survey.modes == (Mode.ONLINE, Mode.TELEPHONE)
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="already a survey"):
        call_command("create_survey", slug="cmd", name="Again", access="open")


def test_monitoring_an_empty_survey_works(
    manager_client: Client, make_survey: Callable[..., Survey]
) -> None:
    make_survey("empty")
    page = manager_client.get("/manage/empty/monitoring/")
    assert page.status_code == 200
    assert "No complete responses yet" in page.content.decode()


def _live_tally(survey: Survey) -> dict[tuple, int]:
    from django.db.models import Count

    from surveys.models import Case

    return {
        (outcome, mode, interviewer, tuple(sorted(variables.items()))): n
        for outcome, mode, interviewer, variables, n in Case.objects.filter(
            survey=survey, withdrawn_at__isnull=True
        )
        .order_by()
        .values_list("outcome", "mode", "interviewer_id", "variables")
        .annotate(n=Count("*"))
    }


def _kept_tally(survey: Survey) -> dict[tuple, int]:
    from surveys.models import CaseTally

    return {
        (row.outcome, row.mode, row.interviewer_id, tuple(sorted(row.variables.items()))): row.count
        for row in CaseTally.objects.filter(survey=survey)
        if row.count
    }


def test_the_case_tally_follows_every_change_to_cases(
    fieldwork: Survey, make_staff: Callable[..., User]
) -> None:
    """The triggers keep the tally equal to the cases, whatever writes them."""
    from surveys.access import INTERVIEWER
    from surveys.fieldwork.cases import (
        case_assign,
        case_mark_not_eligible,
        case_update,
        case_withdraw,
        contact_details_delete,
    )
    from surveys.fieldwork.issuing import credentials_regenerate_all
    from surveys.models import Case

    assert _kept_tally(fieldwork) == _live_tally(fieldwork)
    cases = list(Case.objects.filter(survey=fieldwork).order_by("reference"))
    case_withdraw(case=cases[20])
    case_mark_not_eligible(case=cases[21])
    case_update(case=cases[22], variables={"region": "Wales"}, preferred_mode="telephone")
    case_assign(cases=cases[23:30], interviewer=make_staff("iv", INTERVIEWER))
    credentials_regenerate_all(survey=fieldwork)
    fieldwork.closes_at = timezone.now() - timedelta(days=60)
    fieldwork.save()
    contact_details_delete()
    assert _kept_tally(fieldwork) == _live_tally(fieldwork)
    Case.objects.filter(pk=cases[31].pk).delete()
    assert _kept_tally(fieldwork) == _live_tally(fieldwork)


def test_completes_per_day_and_the_survey_list_count_each_response_once(
    make_survey: Callable[..., Survey], make_response: Callable[..., object]
) -> None:
    """The tallies hold a row per tabulated column: counting responses reads one column."""
    from surveys.fieldwork.monitoring import case_counts
    from surveys.responses.selectors import completes_by_day

    survey = make_survey("counted")
    for _ in range(3):
        make_response(survey, STATE_EMPLOYEE_CLERICAL)
    make_response(survey, STATE_EMPLOYEE_CLERICAL, mode=Mode.TELEPHONE)
    make_response(survey, STATE_EMPLOYEE_CLERICAL, submit=False)
    by_day = completes_by_day(survey=survey)
    assert sum(n for _, _, n in by_day) == 4
    assert {mode: n for _, mode, n in by_day} == {"online": 3, "telephone": 1}
    assert case_counts(surveys=[survey])[survey.pk]["complete"] == 4


def test_migration_0016_moves_appointment_only_cases_from_2_30_to_2_21_and_back(
    invitation_survey: Survey,
) -> None:
    from importlib import import_module

    from django.apps import apps

    from surveys.models import Attempt, Case

    migration = import_module("surveys.migrations.0016_case_outcome_never_available")
    appointment, _ = case_create(survey=invitation_survey, new=NewCase(reference="M1"))
    other, _ = case_create(survey=invitation_survey, new=NewCase(reference="M2"))
    now = timezone.now()
    Attempt.objects.create(case=appointment, mode="telephone", outcome="appointment", at=now)
    Attempt.objects.create(case=other, mode="telephone", outcome="appointment", at=now)
    Attempt.objects.create(case=other, mode="telephone", outcome="other", at=now)
    # As stored before 2.21 existed.
    Case.objects.filter(pk__in=[appointment.pk, other.pk]).update(outcome="2.30")

    def outcomes() -> tuple[str, str]:
        return (Case.objects.get(pk=appointment.pk).outcome, Case.objects.get(pk=other.pk).outcome)

    migration.forwards(apps, None)
    assert outcomes() == ("2.21", "2.30")
    assert outcome_counts(survey=invitation_survey)[""][Outcome.NEVER_AVAILABLE] == 1
    migration.backwards(apps, None)
    assert outcomes() == ("2.30", "2.30")
