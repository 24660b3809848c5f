import importlib

from django.db import migrations

# Migration 0012's trigger read the rows a statement wrote three times, once for each
# reference (survey, case, interviewer), and each time in full: an import's COPY hands
# it 50,000 whole rows, spilled to disk. This one reads them once, keeping only the
# distinct references (one row for an import's 50,000), then checks those as before,
# with one anti-join a reference. The refusals are unchanged.
previous = importlib.import_module("surveys.migrations.0012_response_case_interviewer_integrity")
FUNCTION = previous.ALL_NAMED


def one_pass(function: str, named) -> str:
    """The function that refuses a statement whose rows name rows that do not exist."""
    columns = ", ".join(column for column, _, _ in named)
    checks = "".join(
        f"""
    WHEN EXISTS ({previous.unmatched("named", column, table)}) THEN '{missing}'"""
        for column, table, missing in named
    )
    return f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  missing text;
BEGIN
  WITH named AS MATERIALIZED (SELECT DISTINCT {columns} FROM new_rows)
  SELECT CASE{checks}
  END INTO missing;
  IF missing IS NOT NULL THEN
    RAISE EXCEPTION 'a response names %', missing USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END $$;
"""


def replace_function(sql: str):
    def run(apps, schema_editor):
        users = previous._users_table(apps, schema_editor)
        # No parameters: the function's "%" is its own, not a placeholder.
        schema_editor.execute(sql.replace("{users}", users), None)

    return run


# Back to 0012: its function and triggers, from its own code.
THREE_PASSES = previous.drop_names_exist(FUNCTION) + previous.names_exist(FUNCTION, previous.NAMED)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0012_response_case_interviewer_integrity")]

    operations = [
        migrations.RunPython(
            replace_function(one_pass(FUNCTION, previous.NAMED)), replace_function(THREE_PASSES)
        ),
    ]
