"""Tallies count each tabulated column on its own (one row per survey, column, day,
mode and code), so a table reads a few thousand rows however many responses there
are. They are derived data: the new rows are counted again from the responses."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count
from django.db.models.functions import TruncDate

TALLY_COLUMNS = ("school_type", "free_school_meals", "parental_qualification", "nssec5", "nssec3")


def count_again(apps, schema_editor):
    from django.conf import settings
    from zoneinfo import ZoneInfo

    Response = apps.get_model("surveys", "Response")
    ResponseTally = apps.get_model("surveys", "ResponseTally")
    counted = Response.objects.filter(status="complete", is_test=False).annotate(
        day=TruncDate("completed_at", tzinfo=ZoneInfo(settings.TIME_ZONE))
    )
    for variable in TALLY_COLUMNS:
        grouped = (
            counted.order_by()
            .values_list("survey_id", "day", "mode", variable)
            .annotate(n=Count("*"))
        )
        ResponseTally.objects.bulk_create(
            [
                ResponseTally(
                    survey_id=survey_id,
                    variable=variable,
                    day=day,
                    mode=mode,
                    code=code or "",
                    count=n,
                )
                for survey_id, day, mode, code, n in grouped.iterator(chunk_size=5000)
            ],
            batch_size=5000,
        )


class Migration(migrations.Migration):
    dependencies = [("surveys", "0008_response_survey_integrity")]

    operations = [
        migrations.DeleteModel(name="ResponseTally"),
        migrations.CreateModel(
            name="ResponseTally",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("variable", models.CharField(help_text="The column counted: one of TALLY_COLUMNS", max_length=30)),
                ("day", models.DateField(help_text="The day of completion, in the service's time zone.")),
                ("mode", models.CharField(choices=[("online", "Online"), ("face_to_face", "Face to face"), ("telephone", "Telephone")], max_length=20)),
                ("code", models.CharField(blank=True, max_length=40)),
                ("count", models.PositiveBigIntegerField(default=0)),
                ("survey", models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="surveys.survey")),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("survey", "variable", "day", "mode", "code"), name="tally_unique"
                    )
                ],
            },
        ),
        migrations.RunPython(count_again, migrations.RunPython.noop),
    ]
