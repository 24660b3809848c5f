"""A case's survey, sample load and interviewer held as a response's are (0012, 0013).

A foreign key checks each row it writes on its own: a sample load's COPY of a million
cases queued three million checks and ran two million lookups (survey and load; the
interviewer is empty). One statement-level trigger now checks the distinct references
of all the rows a statement inserted or changed, once each, reading the rows the case
tally's trigger already keeps for that statement. Deleting a survey, sample load or
user that a case still names is refused, once a statement, as the foreign keys refused
it; Django's PROTECT (survey) and SET_NULL (sample load, interviewer) act first, as
they did. The foreign keys' own indexes on survey and interviewer go too: the case's
(survey, reference), (survey, outcome) and (interviewer, survey) indexes lead with the
same columns.
"""

import importlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

previous = importlib.import_module("surveys.migrations.0012_response_case_interviewer_integrity")

FUNCTION = "surveys_case_references_exist"
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
    """The function, and its insert and update triggers, refusing a statement any of
    whose rows names a row that does not exist: the distinct references of the rows it
    inserted, or of those whose references it changed, read once, then each looked up
    once and held (FOR KEY SHARE, as a foreign key holds it) until the transaction ends,
    so a concurrent delete waits and then finds the cases."""
    columns = ", ".join(column for column, _, _ in NAMED)
    changed = ", ".join(f"n.{column}" for column, _, _ in NAMED)
    before = ", ".join(f"o.{column}" for column, _, _ in NAMED)
    arrays = ", ".join(f"named_{column}" for column, _, _ in NAMED)
    gathered = ", ".join(
        f"array_agg(DISTINCT {column}) FILTER (WHERE {column} IS NOT NULL)"
        for column, _, _ in NAMED
    )
    declared = "".join(f"\n  named_{column} bigint[];" for column, _, _ in NAMED)
    checks = "".join(
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
    return f"""
CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE{declared}
BEGIN
  IF TG_OP = 'INSERT' THEN
    WITH named AS MATERIALIZED (SELECT DISTINCT {columns} FROM new_rows)
    SELECT {gathered} INTO {arrays} FROM named;
  ELSE
    -- An update's rows are checked only where it changed what they name, as a foreign
    -- key's are: the frequent updates of a case's state lock nothing.
    WITH named AS MATERIALIZED (
      SELECT DISTINCT {changed} FROM new_rows n JOIN old_rows o ON o.id = n.id
      WHERE ({changed}) IS DISTINCT FROM ({before})
    )
    SELECT {gathered} INTO {arrays} FROM named;
  END IF;{checks}
  RETURN NULL;
END $$;
CREATE TRIGGER {FUNCTION}_insert
  AFTER INSERT ON surveys_case REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}();
CREATE TRIGGER {FUNCTION}_update
  AFTER UPDATE ON surveys_case REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}();
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
        f"DROP TRIGGER {FUNCTION}_update ON surveys_case;\n",
        f"DROP TRIGGER {FUNCTION}_insert ON surveys_case;\n",
        f"DROP FUNCTION {FUNCTION}();\n",
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
