"""Survey teams (docs/spec/access.md), and a setting that lets a survey's interviewers
take unassigned cases.

Existing surveys keep working as they did: everyone who holds a staff role today
joins every existing survey's team in that role (so nobody loses a survey they
worked on, and every interviewer given cases, who must hold the interviewer role,
is in their survey's team); managers then trim their teams. New surveys start
with their creator as the only manager.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


# Group name -> team role (the group says what kind of staff; the team says which surveys).
ROLES = {
    "survey manager": "manager",
    "supervisor": "supervisor",
    "interviewer": "interviewer",
    "analyst": "analyst",
}


def existing_staff_join_existing_surveys(apps, schema_editor):
    Survey = apps.get_model("surveys", "Survey")
    SurveyMember = apps.get_model("surveys", "SurveyMember")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    surveys = list(Survey.objects.values_list("pk", flat=True))
    if not surveys:
        return
    members = []
    for group, role in ROLES.items():
        people = User.objects.filter(is_active=True, groups__name=group).values_list(
            "pk", flat=True
        )
        for user_id in people.distinct():
            members.extend(
                SurveyMember(survey_id=survey_id, user_id=user_id, role=role)
                for survey_id in surveys
            )
    SurveyMember.objects.bulk_create(members, batch_size=2000, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0014_redact_local_notifications"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="survey",
            options={
                "ordering": ["name"],
                "permissions": [
                    ("all_surveys", "Can work on every survey, in the roles they hold")
                ],
            },
        ),
        migrations.AddField(
            model_name="survey",
            name="interviewers_take_unassigned",
            field=models.BooleanField(
                default=False,
                help_text="Set by a supervisor: an interviewer of the team may start an interview on a case nobody is assigned, or on a new reference, which then becomes theirs.",
                verbose_name="interviewers may take unassigned cases",
            ),
        ),
        migrations.CreateModel(
            name="SurveyMember",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "role",
                    models.CharField(
                        choices=[
                            ("manager", "Manager"),
                            ("supervisor", "Supervisor"),
                            ("interviewer", "Interviewer"),
                            ("analyst", "Analyst"),
                        ],
                        max_length=20,
                    ),
                ),
                ("added_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "survey",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="members",
                        to="surveys.survey",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="teams",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["role", "user__username"],
                "indexes": [models.Index(fields=["user", "role"], name="member_user_role")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("survey", "user", "role"), name="member_role_unique"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("role__in", ["manager", "supervisor", "interviewer", "analyst"])
                        ),
                        name="member_role_known",
                    ),
                ],
            },
        ),
        migrations.RunPython(existing_staff_join_existing_surveys, migrations.RunPython.noop),
    ]
