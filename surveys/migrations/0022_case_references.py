"""A case's survey, sample load and interviewer held as a response's are (0012, 0013).

A foreign key checks each row it writes on its own: a sample load's COPY of a million
cases queued three million checks and ran two million lookups (survey and load; the
interviewer is empty). One statement-level trigger now checks the distinct references
of all the rows a statement inserted, once each, reading the rows the case tally's
trigger already keeps for that statement; an update is checked a row at a time, as a
foreign key checks it, and only when it changed what the row names. Deleting a
survey, sample load or user that a case still names is refused, once a statement, as
the foreign keys refused it; Django's PROTECT (survey) and SET_NULL (sample load,
interviewer) act first, as they did. The foreign keys' own indexes on survey and
interviewer go too: the case's (survey, reference), (survey, outcome) and
(interviewer, survey) indexes lead with the same columns.
"""

# ruff: noqa: S608  (the SQL here is built from this file's own constants)

import importlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

previous = importlib.import_module("surveys.migrations.0012_response_case_interviewer_integrity")

FUNCTION = "surveys_case_references_exist"
CHANGED = "surveys_case_references_changed"
# What a case names: (column, table, how a missing one is reported).
NAMED = (
    ("survey_id", "surveys_survey", "a survey that does not exist"),
    ("sample_load_id", "surveys_sampleload", "a sample load that does not exist"),
    ("interviewer_id", "{users}", "an interviewer who does not exist"),
)
# Who keeps their cases: (trigger, table, the cases' column, the refusal).
KEEPERS = (
    (
        "surveys_survey_keeps_cases",
        "surveys_survey",
        "survey_id",
        "the survey has cases, so it cannot be deleted",
    ),
    (
        "surveys_sampleload_keeps_cases",
        "surveys_sampleload",
        "sample_load_id",
        "the sample load made cases that still name it, so it cannot be deleted",
    ),
    (
        "surveys_interviewer_keeps_cases",
        "{users}",
        "interviewer_id",
        "the user is assigned cases, so they cannot be deleted",
    ),
)


def names_exist() -> str:
    """The functions and triggers refusing a row that names a row that does not exist.

    Inserted rows (a sample load's COPY): once a statement, their distinct references
    read once, then each looked up once. Updated rows: a row trigger that fires only
    when an update changed what the row names (its WHEN is checked without calling
    anything), so the frequent updates of a case's state cost nothing. Each row named
    is held (FOR KEY SHARE, as a foreign key holds it) until the transaction ends, so a
    concurrent delete waits, then finds the cases."""
    columns = ", ".join(column for column, _, _ in NAMED)
    arrays = ", ".join(f"named_{column}" for column, _, _ in NAMED)
    gathered = ", ".join(
        f"array_agg(DISTINCT {column}) FILTER (WHERE {column} IS NOT NULL)"
        for column, _, _ in NAMED
    )
    declared = "".join(f"\n  named_{column} bigint[];" for column, _, _ in NAMED)
    inserted = "".join(
        f"""
  IF cardinality(named_{column}) > (
    SELECT COUNT(*) FROM (
      SELECT 1 FROM {table} t WHERE t.id = ANY (named_{column}) FOR KEY SHARE
    ) held
  ) THEN
    RAISE EXCEPTION 'a case names {missing}' USING ERRCODE = 'foreign_key_violation';
  END IF;"""
        for column, table, missing in NAMED
    )
    updated = "".join(
        f"""
  IF NEW.{column} IS NOT NULL AND NEW.{column} IS DISTINCT FROM OLD.{column} THEN
    PERFORM 1 FROM {table} t WHERE t.id = NEW.{column} FOR KEY SHARE;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'a case names {missing}' USING ERRCODE = 'foreign_key_violation';
    END IF;
  END IF;"""
        for column, table, missing in NAMED
    )
    changed = " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column, _, _ in NAMED)
    return f"""
CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE{declared}
BEGIN
  WITH named AS MATERIALIZED (SELECT DISTINCT {columns} FROM new_rows)
  SELECT {gathered} INTO {arrays} FROM named;{inserted}
  RETURN NULL;
END $$;
CREATE TRIGGER {FUNCTION}_insert
  AFTER INSERT ON surveys_case REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}();
CREATE FUNCTION {CHANGED}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN{updated}
  RETURN NULL;
END $$;
CREATE TRIGGER {CHANGED}
  AFTER UPDATE OF {columns} ON surveys_case
  FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION {CHANGED}();
"""


TRIGGERS = names_exist() + "".join(
    previous.keeper(*kept, named_by="surveys_case") for kept in KEEPERS
)
DROP_TRIGGERS = "".join(
    [
        *(
            f"DROP TRIGGER {trigger} ON {table}; DROP FUNCTION {trigger}();\n"
            for trigger, table, _, _ in KEEPERS
        ),
        f"DROP TRIGGER {CHANGED} ON surveys_case; DROP FUNCTION {CHANGED}();\n",
        f"DROP TRIGGER {FUNCTION}_insert ON surveys_case; DROP FUNCTION {FUNCTION}();\n",
    ]
)


def run(sql: str):
    def apply(apps, schema_editor):
        users = previous._users_table(apps, schema_editor)
        # No parameters: the function's "%" is its own, not a placeholder.
        schema_editor.execute(sql.replace("{users}", users), None)

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0021_round_cancel"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="case",
            name="survey",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="cases",
                to="surveys.survey",
            ),
        ),
        migrations.AlterField(
            model_name="case",
            name="sample_load",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="surveys.sampleload",
            ),
        ),
        migrations.AlterField(
            model_name="case",
            name="interviewer",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="assigned_cases",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(run(TRIGGERS), run(DROP_TRIGGERS)),
    ]
