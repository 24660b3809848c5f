"""What the database itself guarantees about surveys, responses and the standard."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.test import Client
from django.utils import timezone

from seb.derivation import DERIVED_LABELS
from seb.standard import QUESTION_KEYS, load_standard
from surveys.models import Case, Response, Survey
from surveys.responses.lifecycle import Refused, response_start

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("key", QUESTION_KEYS)
def test_the_database_refuses_an_answer_that_is_not_an_option(survey: Survey, key: str) -> None:
    """Every stored answer is a real option of a known version: a check constraint
    generated from the standard refuses anything else, whoever writes the row."""
    response = response_start(survey=survey, mode="online")
    setattr(response, key, "not_an_option")
    with pytest.raises(IntegrityError), transaction.atomic():
        response.save()


@pytest.mark.parametrize("key", QUESTION_KEYS)
def test_the_database_takes_every_option_of_the_standard(survey: Survey, key: str) -> None:
    response = response_start(survey=survey, mode="online")
    for code in load_standard().question(key).codes:
        setattr(response, key, code)
        with transaction.atomic():
            response.save()


def test_the_database_refuses_an_unknown_version_of_the_standard(survey: Survey) -> None:
    response = response_start(survey=survey, mode="online")
    response.standard_version = "1999-01-01"
    with pytest.raises(IntegrityError), transaction.atomic():
        response.save()


@pytest.mark.parametrize("column", DERIVED_LABELS)
def test_the_database_refuses_a_derived_class_that_does_not_exist(
    survey: Survey, column: str
) -> None:
    response = response_start(survey=survey, mode="online")
    setattr(response, column, "6")
    with pytest.raises(IntegrityError), transaction.atomic():
        response.save()


def test_a_complete_response_has_a_completion_time(survey: Survey) -> None:
    response = response_start(survey=survey, mode="online")
    response.status = Response.Status.COMPLETE
    with pytest.raises(IntegrityError), transaction.atomic():
        response.save()


def test_a_stopped_response_has_a_reason(survey: Survey) -> None:
    response = response_start(survey=survey, mode="telephone")
    response.status = Response.Status.STOPPED
    with pytest.raises(IntegrityError), transaction.atomic():
        response.save()


def test_a_response_has_a_known_mode(survey: Survey) -> None:
    response = response_start(survey=survey, mode="online")
    response.mode = "carrier_pigeon"
    with pytest.raises(IntegrityError), transaction.atomic():
        response.save()


def test_a_survey_offers_at_least_one_mode(make_survey) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make_survey(offers_online=False, offers_face_to_face=False, offers_telephone=False)


def test_a_survey_closes_after_it_opens(make_survey) -> None:
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_survey(opens_at=now, closes_at=now - timedelta(days=1))


def test_a_response_can_only_start_in_a_mode_the_survey_offers(make_survey) -> None:
    survey = make_survey(offers_telephone=False)
    with pytest.raises(Refused):
        response_start(survey=survey, mode="telephone")


def test_the_admin_shows_responses_and_cases_read_only(survey: Survey) -> None:
    """Administrators can look at responses in the admin, but answers change only
    through the services: no add, change or delete."""
    response = response_start(survey=survey, mode="online")
    admin = User.objects.create_superuser("admin", password="x-very-long-password-1")
    client = Client()
    client.force_login(admin)
    assert client.get("/admin/surveys/response/").status_code == 200
    page = client.get(f"/admin/surveys/response/{response.pk}/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert client.get("/admin/surveys/response/add/").status_code == 403
    assert client.post(f"/admin/surveys/response/{response.pk}/delete/").status_code == 403
    assert Response.objects.filter(pk=response.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_a_response_must_name_an_existing_survey(survey: Survey) -> None:
    """The database refuses a response whose survey does not exist, however it is written."""
    from django.db import connection

    response = response_start(survey=survey, mode="online")
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.filter(pk=response.pk).update(survey_id=survey.pk + 1000)
    with pytest.raises(IntegrityError), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO surveys_response (id, survey_id, standard_version, mode, status, "
            "source, is_test, reference, stop_reason, revision, next_question, start_token, "
            "started_at, updated_at, nssec5, nssec3) VALUES (gen_random_uuid(), %s, "
            "'2023-07-07', 'online', 'in_progress', 'collected', false, '', '', 0, "
            "'school_type', '', now(), now(), '', '')",
            [survey.pk + 1000],
        )


@pytest.mark.django_db(transaction=True)
def test_a_response_must_name_an_existing_case_and_interviewer(
    survey: Survey, interviewer: User
) -> None:
    """A response's case and interviewer, when it names them, exist: refused on insert
    (by SQL, as a bulk import writes) and on update, with the reason."""
    from django.db import connection

    case = Case.objects.create(survey=survey, reference="C1")
    response = response_start(survey=survey, mode="telephone", interviewer=interviewer, case=case)
    for field, missing, reason in (
        ("case_id", case.pk + 1000, "a case that does not exist"),
        ("interviewer_id", interviewer.pk + 1000, "an interviewer who does not exist"),
    ):
        with pytest.raises(IntegrityError, match=reason), transaction.atomic():
            Response.objects.filter(pk=response.pk).update(**{field: missing})
        with pytest.raises(IntegrityError, match=reason), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO surveys_response (survey_id, case_id, interviewer_id, "
                "standard_version, mode, status, source, is_test, reference, stop_reason, "
                "revision, next_question, start_token, started_at, updated_at, nssec5, nssec3) "
                "VALUES (%s, %s, %s, '2023-07-07', 'telephone', 'in_progress', 'collected', "
                "false, '', '', 0, 'school_type', '', now(), now(), '', '')",
                [
                    survey.pk,
                    missing if field == "case_id" else None,
                    missing if field == "interviewer_id" else None,
                ],
            )
    response.refresh_from_db()
    assert (response.case_id, response.interviewer_id) == (case.pk, interviewer.pk)
    assert Response.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_every_row_of_a_many_row_statement_has_its_references_checked(
    survey: Survey, interviewer: User
) -> None:
    """One statement of thousands of rows, as an import's COPY is, whose rows share a
    few references: stored when all exist, refused with the reason when any one row
    names a survey, case or interviewer that does not exist, wherever it lies."""
    from django.db import connection

    cases = [Case.objects.create(survey=survey, reference=f"C{n}").pk for n in range(3)]
    rows = [(survey.pk, cases[n % 3], interviewer.pk if n % 2 else None) for n in range(3000)]
    insert = (
        "INSERT INTO surveys_response (survey_id, case_id, interviewer_id, standard_version, "
        "mode, status, source, is_test, reference, stop_reason, revision, next_question, "
        "start_token, started_at, updated_at, nssec5, nssec3) "
        "SELECT s, c, i, '2023-07-07', 'telephone', 'in_progress', 'collected', false, '', "
        "'', 0, 'school_type', '', now(), now(), '', '' "
        "FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[]) AS r(s, c, i)"
    )

    def write(rows: list[tuple[int, int | None, int | None]]) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(insert, [list(column) for column in zip(*rows, strict=True)])

    for position, bad, reason in (
        (0, (survey.pk + 1000, None, None), "a survey that does not exist"),
        (1500, (survey.pk, cases[-1] + 1000, None), "a case that does not exist"),
        (2999, (survey.pk, None, interviewer.pk + 1000), "an interviewer who does not exist"),
    ):
        with pytest.raises(IntegrityError, match=reason):
            write([*rows[:position], bad, *rows[position + 1 :]])
        assert Response.objects.count() == 0
    write(rows)
    assert Response.objects.count() == 3000
    assert Response.objects.filter(case_id=cases[1]).count() == 1000


@pytest.mark.django_db(transaction=True)
def test_a_case_or_interviewer_a_response_names_is_kept(survey: Survey, interviewer: User) -> None:
    """A case with responses cannot be deleted, by Django (PROTECT) or by SQL; a user
    who interviewed can be deleted by Django, which first clears the responses'
    interviewer (SET_NULL), but not by SQL while a response still names them."""
    from django.db import connection

    case = Case.objects.create(survey=survey, reference="C1")
    response = response_start(survey=survey, mode="telephone", interviewer=interviewer, case=case)
    with pytest.raises(ProtectedError), transaction.atomic():
        case.delete()
    with pytest.raises(IntegrityError, match="the case has responses"), connection.cursor() as c:
        c.execute("DELETE FROM surveys_case WHERE id = %s", [case.pk])
    with pytest.raises(IntegrityError, match="the user interviewed"), connection.cursor() as c:
        c.execute("DELETE FROM auth_user WHERE id = %s", [interviewer.pk])
    assert Case.objects.filter(pk=case.pk).exists()
    assert User.objects.filter(pk=interviewer.pk).exists()

    # A case or user no response names goes as before.
    spare = Case.objects.create(survey=survey, reference="C2")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM surveys_case WHERE id = %s", [spare.pk])
    interviewer.delete()
    response.refresh_from_db()
    assert response.interviewer_id is None
    assert response.case_id == case.pk


@pytest.mark.django_db(transaction=True)
def test_a_survey_with_responses_cannot_be_deleted_even_by_sql(survey: Survey) -> None:
    from django.db import connection

    response_start(survey=survey, mode="online")
    with pytest.raises(IntegrityError), connection.cursor() as cursor:
        cursor.execute("DELETE FROM surveys_survey WHERE id = %s", [survey.pk])
    assert Survey.objects.filter(pk=survey.pk).exists()
