"""Answers become option codes held by check constraints, not foreign keys.

Each answer column was a foreign key to a row of the standard's options; it is
now the option's code itself, and the standard's version is a code on the survey
and the response. The questions and options tables go: the standard lives in its
data file, and the database's check constraints (the next migration) hold every
answer to the codes of its version. Existing answers keep their codes.
"""

from django.db import migrations, models

QUESTION_KEYS = (
    "school_type",
    "free_school_meals",
    "earner_employment_status",
    "employer_size",
    "self_employed_size",
    "supervisor",
    "earner_occupation",
    "parental_qualification",
)


def copy_codes(apps, schema_editor):
    # Check the foreign keys as each row changes, so no trigger event is left
    # pending when the columns are dropped below.
    schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    Option = apps.get_model("surveys", "Option")
    Response = apps.get_model("surveys", "Response")
    Survey = apps.get_model("surveys", "Survey")
    for option in Option.objects.select_related("question"):
        key = option.question.key
        Response.objects.filter(**{f"{key}_option_id": option.pk}).update(**{key: option.code})
    for survey in Survey.objects.select_related("standard"):
        Survey.objects.filter(pk=survey.pk).update(standard_version=survey.standard.version)
        Response.objects.filter(standard_id=survey.standard_id).update(
            standard_version=survey.standard.version
        )


def copy_options_back(apps, schema_editor):
    raise RuntimeError("Answers stored as codes cannot be turned back into option rows.")


class Migration(migrations.Migration):
    dependencies = [("surveys", "0002_table_indexes")]

    operations = [
        migrations.RemoveIndex("response", "response_by_school_type"),
        migrations.RemoveIndex("response", "response_by_free_school_meal"),
        migrations.RemoveIndex("response", "response_by_parental_qualifi"),
        migrations.RemoveIndex("response", "response_by_nssec5"),
        migrations.RemoveIndex("response", "response_by_nssec3"),
        *(
            migrations.RenameField("response", key, f"{key}_option")
            for key in QUESTION_KEYS
        ),
        *(
            migrations.AddField(
                "response", key, models.CharField(max_length=40, null=True, blank=True)
            )
            for key in QUESTION_KEYS
        ),
        migrations.AddField(
            "survey",
            "standard_version",
            models.CharField(
                choices=[("2023-07-07", "2023-07-07")], default="2023-07-07", max_length=20
            ),
        ),
        migrations.AddField(
            "response",
            "standard_version",
            models.CharField(
                choices=[("2023-07-07", "2023-07-07")], default="2023-07-07", max_length=20
            ),
        ),
        migrations.RunPython(copy_codes, copy_options_back),
        *(migrations.RemoveField("response", f"{key}_option") for key in QUESTION_KEYS),
        migrations.RemoveField("response", "standard"),
        migrations.RemoveField("survey", "standard"),
        migrations.DeleteModel("Option"),
        migrations.DeleteModel("Question"),
        migrations.DeleteModel("StandardVersion"),
    ]
