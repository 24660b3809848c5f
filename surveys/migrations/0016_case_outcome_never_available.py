"""Outcome 2.21, the respondent never available: a case whose only contact was an
appointment or a call back, never kept, was 2.30 (other eligible non-response) and is
now 2.21, a kind of non-contact (fieldwork.md). Cases already stored so are moved;
the case table's triggers move their tallies in the same statement."""

from django.db import migrations, models
from django.db.models import Exists, OuterRef

import seb.fieldwork


def appointment_only(apps):
    """The 2.30 cases that only an appointment made 2.30: no other-reason attempt, no
    interview stopped as unable (the two other ways to 2.30)."""
    Case = apps.get_model("surveys", "Case")
    Attempt = apps.get_model("surveys", "Attempt")
    Response = apps.get_model("surveys", "Response")
    attempts = Attempt.objects.filter(case=OuterRef("pk"))
    return Case.objects.filter(
        Exists(attempts.filter(outcome="appointment")),
        ~Exists(attempts.filter(outcome="other")),
        ~Exists(
            Response.objects.filter(case=OuterRef("pk"), status="stopped", stop_reason="unable")
        ),
    )


def forwards(apps, schema_editor):
    appointment_only(apps).filter(outcome="2.30").update(outcome="2.21")


def backwards(apps, schema_editor):
    appointment_only(apps).filter(outcome="2.21").update(outcome="2.30")


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0015_survey_teams"),
    ]

    operations = [
        migrations.AlterField(
            model_name="case",
            name="outcome",
            field=models.CharField(
                choices=[
                    ("1.1", "1.1 Complete"),
                    ("1.2", "1.2 Partial"),
                    ("2.11", "2.11 Refusal"),
                    ("2.12", "2.12 Break-off"),
                    ("2.20", "2.20 Non-contact"),
                    ("2.21", "2.21 Respondent never available"),
                    ("2.30", "2.30 Other eligible non-response"),
                    ("3.10", "3.10 Unknown eligibility, nothing returned"),
                    ("3.20", "3.20 Unknown eligibility, invitation undeliverable"),
                    ("4.10", "4.10 Not eligible"),
                ],
                default=seb.fieldwork.Outcome["NO_RETURN"],
                max_length=5,
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
