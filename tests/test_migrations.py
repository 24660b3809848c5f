"""Migrations checked on a database of their own, in a child process: one made before
answers were codes keeps every answer when migrated forward (the old schema can't be
reached by migrating the test database backwards: answers stored as codes have no
option rows to go back to), and the triggers that hold a response's references and
keep the case tally go back and forward with their migrations.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import connection
from psycopg import sql

from tests.database_urls import database_url

ROOT = Path(__file__).resolve().parent.parent
BEFORE = [("surveys", "0002_table_indexes")]


def migrate_old_data() -> dict[str, object]:
    """Run in the child: make old data at BEFORE, migrate forward, report what came out."""
    import django

    django.setup()
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    version = old.get_model("surveys", "StandardVersion").objects.create(
        version="2023-07-07", title="Socio-economic background harmonised standard"
    )
    question_model = old.get_model("surveys", "Question")
    option_model = old.get_model("surveys", "Option")
    options = {}
    for position, (key, codes) in enumerate(
        {
            "school_type": ["state", "independent"],
            "free_school_meals": ["yes", "no"],
            "earner_employment_status": ["employee", "not_working"],
            "parental_qualification": ["degree", "no_qualifications"],
        }.items()
    ):
        question = question_model.objects.create(
            standard=version, key=key, name=key, position=position
        )
        for number, code in enumerate(codes):
            options[(key, code)] = option_model.objects.create(
                question=question, code=code, position=number
            )
    survey = old.get_model("surveys", "Survey").objects.create(
        name="Old", slug="old", standard=version, offers_online=True
    )
    response_model = old.get_model("surveys", "Response")
    in_progress = response_model.objects.create(
        survey=survey,
        standard=version,
        mode="online",
        school_type=options[("school_type", "state")],
        free_school_meals=options[("free_school_meals", "no")],
    )
    complete = response_model.objects.create(
        survey=survey,
        standard=version,
        mode="online",
        status="complete",
        completed_at="2026-01-05T10:00:00Z",
        school_type=options[("school_type", "independent")],
        earner_employment_status=options[("earner_employment_status", "not_working")],
        parental_qualification=options[("parental_qualification", "degree")],
        nssec5="not_working",
        nssec3="not_working",
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from surveys.models import Response, ResponseTally, Survey

    moved = Response.objects.get(pk=in_progress.pk)
    done = Response.objects.get(pk=complete.pk)
    tally = ResponseTally.objects.get(survey_id=survey.pk, variable="nssec5")
    return {
        "in_progress": moved.answers,
        "next_question": moved.next_question,
        "version": moved.standard_version,
        "complete": done.answers,
        "survey_version": Survey.objects.get(slug="old").standard_version,
        "tally": [tally.code, tally.count],
    }


def in_own_database(function: str) -> object:
    """Run `function` of this module in a child process on a new database of its own
    (dropped afterwards), and return what it printed as JSON."""
    settings_dict = connection.settings_dict
    server = {
        "host": settings_dict["HOST"],
        "port": settings_dict["PORT"] or 5432,
        "user": settings_dict["USER"],
    }
    name = f"{settings_dict['NAME']}_migrations"
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        url = database_url(name)
        child = subprocess.run(
            [
                sys.executable,
                "-c",
                f"import json, tests.test_migrations as t; print(json.dumps(t.{function}()))",
            ],
            cwd=ROOT,
            env={
                **os.environ,
                "DATABASE_URL": url,
                "DJANGO_SETTINGS_MODULE": "config.settings.test",
            },
            capture_output=True,
            text=True,
            check=False,
        )
        assert child.returncode == 0, child.stderr[-3000:]
        return json.loads(child.stdout.strip().splitlines()[-1])
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.mark.django_db
def test_answers_stored_as_option_rows_become_the_same_codes() -> None:
    result = in_own_database("migrate_old_data")
    assert result == {
        "in_progress": {"school_type": "state", "free_school_meals": "no"},
        "next_question": "earner_employment_status",
        "version": "2023-07-07",
        "complete": {
            "school_type": "independent",
            "earner_employment_status": "not_working",
            "parental_qualification": "degree",
        },
        "survey_version": "2023-07-07",
        "tally": ["not_working", 1],
    }


def migrate_to(targets: list[tuple[str, str]] | None = None) -> Any:
    """Run in the child: migrate to `targets` (default: the end); the executor."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return executor


def statement_outcome(sql: str, params: list[Any]) -> str:
    """Run in the child: run one statement in its own transaction; "stored", or the
    database's first line of refusal."""
    from django.db import IntegrityError, connection, transaction

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except IntegrityError as error:
        return str(error).splitlines()[0]
    return "stored"


def tally_counts_every_case() -> bool:
    """Run in the child: whether the case tally adds up to the cases there are."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT COALESCE(SUM(count), 0) FROM surveys_casetally), "
            "(SELECT COUNT(*) FROM surveys_case)"
        )
        tallied, cases = cursor.fetchone()
    return bool(tallied == cases)


def response_insert(*, survey_id: int | None = None, case_id: int | None = None) -> str:
    """Run in the child: write a response in SQL (of the survey there is, unless
    `survey_id` names another); "stored", or the database's first line of refusal."""
    return statement_outcome(
        "INSERT INTO surveys_response (id, survey_id, case_id, standard_version, mode, "
        "status, source, is_test, reference, stop_reason, revision, next_question, "
        "start_token, started_at, updated_at, nssec5, nssec3) "
        "SELECT gen_random_uuid(), COALESCE(%s, id), %s, '2023-07-07', 'online', "
        "'in_progress', 'collected', false, '', '', 0, 'school_type', '', now(), now(), "
        "'', '' FROM surveys_survey",
        [survey_id, case_id],
    )


# The walk through the responses' reference triggers: back from the end one step at a
# time, then forward again.
REFERENCE_STEPS = (
    "0012_response_case_interviewer_integrity",
    "0011_fieldwork_access",
    "0012_response_case_interviewer_integrity",
)


def walk_reference_triggers() -> list[dict[str, object]]:
    """Run in the child: migrate to the end, then through REFERENCE_STEPS and to the end
    again; at each step, write a response naming a case that does not exist, and one that
    names nothing missing, and report what the database said."""
    import django

    django.setup()
    from django.db import connection

    migrate_to()
    from surveys.models import Survey

    Survey.objects.create(slug="walk", name="Walk")
    states = []
    for target in (*REFERENCE_STEPS, None):
        migrate_to([("surveys", target)] if target else None)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT prosrc FROM pg_proc WHERE proname = 'surveys_response_references_exist'"
            )
            function = cursor.fetchone()
        states.append(
            {
                "at": target or "the end",
                "missing case": response_insert(case_id=999_999),
                "no case": response_insert(),
                "one pass": bool(function) and "DISTINCT" in function[0],
            }
        )
    return states


@pytest.mark.django_db
def test_the_reference_triggers_go_back_and_forward_with_their_migrations() -> None:
    """Back from 0013 to 0012, the trigger reads a statement's rows once a reference
    again; back to 0011, the case is held by a foreign key; forward, by the trigger
    of each migration in turn."""
    states = in_own_database("walk_reference_triggers")
    assert [state.pop("at") for state in states] == [*REFERENCE_STEPS, "the end"]
    trigger = "a response names a case that does not exist"
    foreign_key = states[1].pop("missing case")
    assert "violates foreign key constraint" in foreign_key, foreign_key
    assert states == [
        {"missing case": trigger, "no case": "stored", "one pass": False},
        {"no case": "stored", "one pass": False},
        {"missing case": trigger, "no case": "stored", "one pass": False},
        {"missing case": trigger, "no case": "stored", "one pass": True},
    ]


# The walk through the survey reference trigger (0008) and the case tally's triggers
# (0011): back from the end past each, then forward again.
TRIGGER_STEPS = (
    "0010_caseload_interview_sessions",
    "0011_fieldwork_access",
    "0007_case_closing",
    "0008_response_survey_integrity",
)


def walk_survey_and_case_tally_triggers() -> list[dict[str, object]]:
    """Run in the child: migrate to the end, then through TRIGGER_STEPS and to the end
    again; at each step, write a response naming a survey that does not exist, add a
    case (with the models of that step), and report what the database said and whether
    the case tally counts every case."""
    import django

    django.setup()
    from django.db import connection

    def exists(kind: str, name: str) -> bool:
        query = {
            "function": "SELECT 1 FROM pg_proc WHERE proname = %s",
            "table": "SELECT 1 FROM pg_class WHERE relname = %s AND relkind = 'r'",
        }[kind]
        with connection.cursor() as cursor:
            cursor.execute(query, [name])
            return cursor.fetchone() is not None

    def response_triggers() -> bool:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(*) FROM pg_trigger "
                "WHERE tgrelid = 'surveys_response'::regclass AND NOT tgisinternal"
            )
            return bool(cursor.fetchone()[0])

    migrate_to()
    from surveys.models import Survey

    survey = Survey.objects.create(slug="walk", name="Walk")
    states = []
    for number, target in enumerate((*TRIGGER_STEPS, None)):
        executor = migrate_to([("surveys", target)] if target else None)
        node = ("surveys", target) if target else executor.loader.graph.leaf_nodes("surveys")[0]
        case_model = executor.loader.project_state(node).apps.get_model("surveys", "Case")
        case_model.objects.create(survey_id=survey.pk, reference=f"C{number}")
        state: dict[str, object] = {
            "at": target or "the end",
            "missing survey": response_insert(survey_id=999_999),
            "case tally trigger": exists("function", "surveys_case_tally"),
            "response triggers": response_triggers(),
        }
        if exists("table", "surveys_casetally"):
            state["tally counts every case"] = tally_counts_every_case()
        states.append(state)
    return states


@pytest.mark.django_db
def test_the_survey_and_case_tally_triggers_go_back_and_forward_with_their_migrations() -> None:
    """Back from the end to 0010, the case tally and its triggers go; forward to 0011 they
    come back, counting the cases already there. Back to 0007, a response's survey is held
    by a foreign key again; forward to 0008 and to the end, by the trigger."""
    states = in_own_database("walk_survey_and_case_tally_triggers")
    assert [state.pop("at") for state in states] == [*TRIGGER_STEPS, "the end"]
    trigger = "a response names a survey that does not exist"
    foreign_key = states[2].pop("missing survey")
    assert "violates foreign key constraint" in foreign_key, foreign_key
    counted = {"tally counts every case": True}
    held = {"missing survey": trigger, "response triggers": True}
    assert states == [
        {**held, "case tally trigger": False},
        {**held, "case tally trigger": True, **counted},
        {"response triggers": False, "case tally trigger": False},
        {**held, "case tally trigger": False},
        {**held, "case tally trigger": True, **counted},
    ]


def case_insert(*, survey_id: int | None = None) -> str:
    """Run in the child: write a case in SQL (of the survey there is, unless `survey_id`
    names another); "stored", or the database's first line of refusal."""
    return statement_outcome(
        "INSERT INTO surveys_case (survey_id, reference, name, email, phone, phone_mobile, "
        "address, preferred_mode, variables, access_code_hash, link_token_hash, "
        "credentials_nonce, outcome, in_progress, mode, attempt_count, created_at) "
        "SELECT COALESCE(%s, id), 'R' || gen_random_uuid(), '', '', '', false, '', '', "
        "'{}', '', '', '', '3.10', false, '', 0, now() FROM surveys_survey",
        [survey_id],
    )


# The walk through the cases' reference trigger (0022): back one step, then forward.
CASE_REFERENCE_STEPS = ("0021_round_cancel",)


def walk_case_reference_triggers() -> list[dict[str, object]]:
    """Run in the child: migrate to the end, back through CASE_REFERENCE_STEPS and to the
    end again; at each step, write a case naming a survey that does not exist, one that
    names nothing missing, try to delete the survey in SQL, and report what the database
    said, how many indexes the cases have and whether the tally counts every case."""
    import django

    django.setup()
    from django.db import connection

    migrate_to()
    from surveys.models import Survey

    survey = Survey.objects.create(slug="walk", name="Walk")
    states = []
    for target in (*CASE_REFERENCE_STEPS, None):
        migrate_to([("surveys", target)] if target else None)
        state: dict[str, object] = {
            "at": target or "the end",
            "missing survey": case_insert(survey_id=999_999),
            "no survey missing": case_insert(),
        }
        deleted = statement_outcome("DELETE FROM surveys_survey WHERE id = %s", [survey.pk])
        state["survey deleted"] = "deleted" if deleted == "stored" else deleted
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM pg_indexes WHERE tablename = 'surveys_case'")
            state["indexes"] = cursor.fetchone()[0]
        state["tally counts every case"] = tally_counts_every_case()
        states.append(state)
    return states


@pytest.mark.django_db
def test_the_case_reference_trigger_goes_back_and_forward_with_its_migration() -> None:
    """Back from 0022 to 0021, a case's survey is held by a foreign key again, with its
    own index; forward, by the trigger, and the survey of a case still cannot go."""
    states = in_own_database("walk_case_reference_triggers")
    assert [state.pop("at") for state in states] == [*CASE_REFERENCE_STEPS, "the end"]
    back = states[0]
    for key in ("missing survey", "survey deleted"):
        refusal = back.pop(key)
        assert "violates foreign key constraint" in refusal, refusal
    assert back == {"no survey missing": "stored", "indexes": 9, "tally counts every case": True}
    assert states[1] == {
        "missing survey": "a case names a survey that does not exist",
        "no survey missing": "stored",
        "survey deleted": "the survey has cases, so it cannot be deleted",
        "indexes": 7,
        "tally counts every case": True,
    }
