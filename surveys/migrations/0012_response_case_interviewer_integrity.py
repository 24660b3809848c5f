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
# (SQLite, for a developer's machine, relies on the application.)
REFERENCES = """
DROP TRIGGER surveys_response_survey_exists_update ON surveys_response;
DROP TRIGGER surveys_response_survey_exists_insert ON surveys_response;
DROP FUNCTION surveys_response_survey_exists();

CREATE FUNCTION surveys_response_references_exist() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (
    SELECT 1 FROM new_rows n
    WHERE NOT EXISTS (SELECT 1 FROM surveys_survey s WHERE s.id = n.survey_id)
  ) THEN
    RAISE EXCEPTION 'a response names a survey that does not exist'
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  IF EXISTS (
    SELECT 1 FROM new_rows n
    WHERE n.case_id IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM surveys_case c WHERE c.id = n.case_id)
  ) THEN
    RAISE EXCEPTION 'a response names a case that does not exist'
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  IF EXISTS (
    SELECT 1 FROM new_rows n
    WHERE n.interviewer_id IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM {users} u WHERE u.id = n.interviewer_id)
  ) THEN
    RAISE EXCEPTION 'a response names an interviewer who does not exist'
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER surveys_response_references_exist_insert
  AFTER INSERT ON surveys_response REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION surveys_response_references_exist();
CREATE TRIGGER surveys_response_references_exist_update
  AFTER UPDATE ON surveys_response REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION surveys_response_references_exist();

CREATE FUNCTION surveys_case_keeps_responses() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM old_rows o JOIN surveys_response r ON r.case_id = o.id) THEN
    RAISE EXCEPTION 'the case has responses, so it cannot be deleted'
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER surveys_case_keeps_responses
  AFTER DELETE ON surveys_case REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION surveys_case_keeps_responses();

CREATE FUNCTION surveys_interviewer_keeps_responses() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM old_rows o JOIN surveys_response r ON r.interviewer_id = o.id) THEN
    RAISE EXCEPTION 'the user interviewed for responses, so they cannot be deleted'
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER surveys_interviewer_keeps_responses
  AFTER DELETE ON {users} REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION surveys_interviewer_keeps_responses();
"""
DROP_REFERENCES = """
DROP TRIGGER surveys_interviewer_keeps_responses ON {users};
DROP FUNCTION surveys_interviewer_keeps_responses();
DROP TRIGGER surveys_case_keeps_responses ON surveys_case;
DROP FUNCTION surveys_case_keeps_responses();
DROP TRIGGER surveys_response_references_exist_update ON surveys_response;
DROP TRIGGER surveys_response_references_exist_insert ON surveys_response;
DROP FUNCTION surveys_response_references_exist();

CREATE FUNCTION surveys_response_survey_exists() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (
    SELECT 1 FROM new_rows n
    WHERE NOT EXISTS (SELECT 1 FROM surveys_survey s WHERE s.id = n.survey_id)
  ) THEN
    RAISE EXCEPTION 'a response names a survey that does not exist'
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER surveys_response_survey_exists_insert
  AFTER INSERT ON surveys_response REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION surveys_response_survey_exists();
CREATE TRIGGER surveys_response_survey_exists_update
  AFTER UPDATE ON surveys_response REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION surveys_response_survey_exists();
"""


def _users_table(apps, schema_editor) -> str:
    model = apps.get_model(settings.AUTH_USER_MODEL)
    return schema_editor.quote_name(model._meta.db_table)


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REFERENCES.replace("{users}", _users_table(apps, schema_editor)))


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            DROP_REFERENCES.replace("{users}", _users_table(apps, schema_editor))
        )


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
