import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# A response's case and interviewer held as its survey is (migration 0008): on
# PostgreSQL, one statement-level trigger checks all three references of the rows a
# statement inserted or changed, with one anti-join each, instead of a foreign key
# whose check queued an event per row and fetched the row again to run it, even for
# an empty reference (an import's million rows: two million events). Deleting a case
# or a user that a response still names is refused, as the foreign keys refused it;
# Django's PROTECT (case) and SET_NULL (interviewer) act first, as they did.
# What a response names: (column, table, how a missing one is reported).
NAMED = (
    ("survey_id", "surveys_survey", "a survey that does not exist"),
    ("case_id", "surveys_case", "a case that does not exist"),
    ("interviewer_id", "{users}", "an interviewer who does not exist"),
)
# Who keeps their responses: (trigger, table, the responses' column, the refusal).
KEEPERS = (
    (
        "surveys_case_keeps_responses",
        "surveys_case",
        "case_id",
        "the case has responses, so it cannot be deleted",
    ),
    (
        "surveys_interviewer_keeps_responses",
        "{users}",
        "interviewer_id",
        "the user interviewed for responses, so they cannot be deleted",
    ),
)


def unmatched(rows: str, column: str, table: str) -> str:
    """A query for the rows of `rows` whose `column` names no row of `table`."""
    return (
        f"SELECT 1 FROM {rows} n WHERE n.{column} IS NOT NULL "
        f"AND NOT EXISTS (SELECT 1 FROM {table} t WHERE t.id = n.{column})"
    )


def names_exist(function: str, named) -> str:
    """A function, and its insert and update triggers, refusing any row of a statement
    whose named rows do not exist: one anti-join a reference, once a statement."""
    checks = "".join(
        f"""
  IF EXISTS ({unmatched("new_rows", column, table)}) THEN
    RAISE EXCEPTION 'a response names {missing}'
      USING ERRCODE = 'foreign_key_violation';
  END IF;"""
        for column, table, missing in named
    )
    triggers = "".join(
        f"""
CREATE TRIGGER {function}_{event.lower()}
  AFTER {event} ON surveys_response REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION {function}();"""
        for event in ("INSERT", "UPDATE")
    )
    return f"""
CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN{checks}
  RETURN NULL;
END $$;{triggers}
"""


def drop_names_exist(function: str) -> str:
    return f"""
DROP TRIGGER {function}_update ON surveys_response;
DROP TRIGGER {function}_insert ON surveys_response;
DROP FUNCTION {function}();
"""


def keeper(
    trigger: str, table: str, column: str, refusal: str, named_by: str = "surveys_response"
) -> str:
    """Deleting rows a response (or a row of `named_by`) still names is refused, once
    a statement."""
    return f"""
CREATE FUNCTION {trigger}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM old_rows o JOIN {named_by} r ON r.{column} = o.id) THEN
    RAISE EXCEPTION '{refusal}' USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER {trigger}
  AFTER DELETE ON {table} REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION {trigger}();
"""


# Migration 0008's function and triggers, which held the survey alone.
SURVEY_ONLY = "surveys_response_survey_exists"
ALL_NAMED = "surveys_response_references_exist"
REFERENCES = "".join(
    [
        drop_names_exist(SURVEY_ONLY),
        names_exist(ALL_NAMED, NAMED),
        *(keeper(*kept) for kept in KEEPERS),
    ]
)
DROP_REFERENCES = "".join(
    [
        *(
            f"DROP TRIGGER {trigger} ON {table}; DROP FUNCTION {trigger}();\n"
            for trigger, table, _, _ in KEEPERS
        ),
        drop_names_exist(ALL_NAMED),
        names_exist(SURVEY_ONLY, NAMED[:1]),
    ]
)


def _users_table(apps, schema_editor) -> str:
    model = apps.get_model(settings.AUTH_USER_MODEL)
    return schema_editor.quote_name(model._meta.db_table)


def create_triggers(apps, schema_editor):
    schema_editor.execute(REFERENCES.replace("{users}", _users_table(apps, schema_editor)))


def drop_triggers(apps, schema_editor):
    schema_editor.execute(DROP_REFERENCES.replace("{users}", _users_table(apps, schema_editor)))


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0011_fieldwork_access"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="response",
            name="case",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="responses",
                to="surveys.case",
            ),
        ),
        migrations.AlterField(
            model_name="response",
            name="interviewer",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="interviews",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
