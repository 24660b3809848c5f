"""Record keys for the cell key method (seb.perturbation): each response gets a random
key from 0 to 255, drawn by the database (existing responses each draw their own as
the column is added), and each tally row keeps the sum of its responses' keys,
counted here for the tallies that exist."""

import django.db.models.functions.comparison
import django.db.models.functions.math
from django.conf import settings
from django.db import migrations, models

TALLY_COLUMNS = ("school_type", "free_school_meals", "parental_qualification", "nssec5", "nssec3")


def key_sums_sql() -> list[str]:
    zone = settings.TIME_ZONE.replace("'", "''")
    return [
        f"""
        UPDATE surveys_responsetally AS tally SET key_sum = summed.keys
        FROM (
            SELECT survey_id, (completed_at AT TIME ZONE '{zone}')::date AS day, mode,
                   COALESCE({column}, '') AS code, SUM(record_key) AS keys
            FROM surveys_response
            WHERE status = 'complete' AND NOT is_test
            GROUP BY 1, 2, 3, 4
        ) AS summed
        WHERE tally.variable = '{column}' AND tally.survey_id = summed.survey_id
          AND tally.day = summed.day AND tally.mode = summed.mode AND tally.code = summed.code
        """
        for column in TALLY_COLUMNS
    ]


def count_key_sums(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for sql in key_sums_sql():
            cursor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0016_case_outcome_never_available")]

    operations = [
        migrations.AddField(
            model_name="response",
            name="record_key",
            field=models.PositiveSmallIntegerField(
                db_default=django.db.models.functions.comparison.Cast(
                    django.db.models.functions.math.Floor(
                        models.Value(256) * django.db.models.functions.math.Random()
                    ),
                    models.PositiveSmallIntegerField(),
                ),
                editable=False,
                help_text="Never shown or exported.",
            ),
        ),
        migrations.AddConstraint(
            model_name="response",
            constraint=models.CheckConstraint(
                condition=models.Q(("record_key__gte", 0), ("record_key__lt", 256)),
                name="response_record_key_range",
            ),
        ),
        migrations.AddField(
            model_name="responsetally",
            name="key_sum",
            field=models.PositiveBigIntegerField(default=0),
        ),
        migrations.RunPython(count_key_sums, migrations.RunPython.noop),
    ]
