"""What the database holds about the rows a case names (migration 0022): its survey,
sample load and interviewer exist, checked once a statement however many rows it
writes, and none of them can be deleted while a case still names it."""

from __future__ import annotations

import psycopg
import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from surveys.models import Case, CaseTally, SampleLoad, Survey
from tests.database_urls import database_url

pytestmark = pytest.mark.django_db(transaction=True)

INSERT = (
    "INSERT INTO surveys_case (survey_id, sample_load_id, interviewer_id, reference, name, "
    "email, phone, phone_mobile, address, preferred_mode, variables, access_code_hash, "
    "link_token_hash, credentials_nonce, outcome, in_progress, mode, attempt_count, "
    "created_at) "
    "SELECT s, l, i, 'R' || n, '', '', '', false, '', '', '{}', '', '', '', '3.10', false, "
    "'', 0, now() "
    "FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[]) WITH ORDINALITY AS r(s, l, i, n)"
)

Row = tuple[int, "int | None", "int | None"]


def write(rows: list[Row]) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(INSERT, [list(column) for column in zip(*rows, strict=True)])


def tallied() -> int:
    return sum(CaseTally.objects.values_list("count", flat=True))


def test_every_row_of_a_many_row_statement_has_its_references_checked(
    survey: Survey, interviewer: User
) -> None:
    """One statement of thousands of rows, as a sample load's COPY is: stored when every
    survey, sample load and interviewer named exists; refused with the reason, and
    nothing stored or tallied, when any one row names one that does not, wherever it
    lies in the statement."""
    load = SampleLoad.objects.create(survey=survey)
    rows: list[Row] = [
        (survey.pk, load.pk if n % 3 else None, interviewer.pk if n % 2 else None)
        for n in range(3000)
    ]
    for position, bad, reason in (
        (0, (survey.pk + 1000, None, None), "a survey that does not exist"),
        (1500, (survey.pk, load.pk + 1000, None), "a sample load that does not exist"),
        (2999, (survey.pk, None, interviewer.pk + 1000), "an interviewer who does not exist"),
    ):
        with pytest.raises(IntegrityError, match=f"a case names {reason}"):
            write([*rows[:position], bad, *rows[position + 1 :]])
        assert Case.objects.count() == 0
        assert tallied() == 0
    write(rows)
    assert Case.objects.count() == tallied() == 3000
    assert Case.objects.filter(sample_load=load).count() == 2000
    assert Case.objects.filter(interviewer=interviewer).count() == 1500


def test_a_case_cannot_be_moved_to_a_row_that_does_not_exist(
    survey: Survey, interviewer: User
) -> None:
    """An update is checked as an insert is: all its rows, once."""
    for n in range(3):
        Case.objects.create(survey=survey, reference=f"C{n}")
    for change, reason in (
        ({"survey_id": survey.pk + 1000}, "a survey that does not exist"),
        ({"sample_load_id": 999_999}, "a sample load that does not exist"),
        ({"interviewer_id": interviewer.pk + 1000}, "an interviewer who does not exist"),
    ):
        with pytest.raises(IntegrityError, match=reason), transaction.atomic():
            Case.objects.filter(survey=survey).update(**change)
    assert set(Case.objects.values_list("survey_id", "sample_load_id", "interviewer_id")) == {
        (survey.pk, None, None)
    }
    Case.objects.filter(reference="C1").update(interviewer=interviewer)
    assert Case.objects.get(reference="C1").interviewer == interviewer


def test_a_survey_with_cases_cannot_be_deleted_even_by_sql(survey: Survey) -> None:
    Case.objects.create(survey=survey, reference="C1")
    with pytest.raises(ProtectedError), transaction.atomic():
        survey.delete()
    with pytest.raises(IntegrityError, match="the survey has cases"), connection.cursor() as c:
        c.execute("DELETE FROM surveys_survey WHERE id = %s", [survey.pk])
    assert Survey.objects.filter(pk=survey.pk).exists()
    # A survey without cases goes as before.
    empty = Survey.objects.create(slug="empty", name="Empty")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM surveys_survey WHERE id = %s", [empty.pk])
    assert not Survey.objects.filter(pk=empty.pk).exists()


def test_a_sample_load_or_interviewer_a_case_names_is_kept_from_sql_and_let_go_by_django(
    survey: Survey, interviewer: User
) -> None:
    """SQL cannot delete a sample load or user a case still names; Django can, as it
    first clears the cases' reference (SET_NULL), leaving the cases as they were."""
    load = SampleLoad.objects.create(survey=survey)
    case = Case.objects.create(
        survey=survey, reference="C1", sample_load=load, interviewer=interviewer
    )
    for delete, pk, refusal in (
        ("DELETE FROM surveys_sampleload WHERE id = %s", load.pk, "the sample load made cases"),
        ("DELETE FROM auth_user WHERE id = %s", interviewer.pk, "the user is assigned cases"),
    ):
        with pytest.raises(IntegrityError, match=refusal), connection.cursor() as cursor:
            cursor.execute(delete, [pk])
    assert SampleLoad.objects.filter(pk=load.pk).exists()
    assert User.objects.filter(pk=interviewer.pk).exists()

    load.delete()
    interviewer.delete()
    case.refresh_from_db()
    assert (case.sample_load_id, case.interviewer_id, case.reference) == (None, None, "C1")
    assert tallied() == 1


def test_a_row_a_case_is_being_written_to_name_waits_to_be_deleted(survey: Survey) -> None:
    """While a transaction writes a case naming a survey, or assigns it an interviewer,
    the row it names is held as a foreign key holds it: another session's delete of
    that survey or user waits (here, until its lock timeout) instead of going ahead and
    leaving the case naming nothing. An update that leaves the names alone holds
    nothing."""
    case = Case.objects.create(survey=survey, reference="C1")
    user = User.objects.create(username="assigned")
    url = database_url()
    with psycopg.connect(url) as writer, psycopg.connect(url, autocommit=True) as deleter:
        deleter.execute("SET lock_timeout = '300ms'")

        def deleting(sql: str, pk: int) -> str:
            try:
                deleter.execute(sql, [pk])
            except psycopg.errors.LockNotAvailable:
                return "waits"
            except psycopg.errors.ForeignKeyViolation as error:
                return str(error).splitlines()[0]
            return "deleted"

        writer.execute(INSERT, [[survey.pk], [None], [None]])
        assert deleting("DELETE FROM surveys_survey WHERE id = %s", survey.pk) == "waits"
        writer.rollback()

        writer.execute("UPDATE surveys_case SET interviewer_id = %s", [user.pk])
        assert deleting("DELETE FROM auth_user WHERE id = %s", user.pk) == "waits"
        writer.commit()
        assert deleting("DELETE FROM auth_user WHERE id = %s", user.pk) == (
            "the user is assigned cases, so they cannot be deleted"
        )

        Case.objects.filter(pk=case.pk).update(interviewer=None)
        writer.execute("UPDATE surveys_case SET attempt_count = 1, survey_id = survey_id")
        assert deleting("DELETE FROM auth_user WHERE id = %s", user.pk) == "deleted"
        writer.rollback()
