"""survey_team --survey SLUG (--add USERNAME --role ROLE | --remove USERNAME [--role ROLE])"""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from surveys.fieldwork.teams import TeamRefused, team_add, team_of, team_remove
from surveys.models import Survey, TeamRole

COMMAND = "survey_team"


class Command(BaseCommand):
    help = (
        "Change a survey's team: add someone in a role (manager, supervisor, interviewer or "
        "analyst), or remove them (from one role, or every role). With neither, list the team. "
        "Each change is audited."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--survey", required=True, help="The survey's slug")
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--add", metavar="USERNAME")
        action.add_argument("--remove", metavar="USERNAME")
        parser.add_argument("--role", choices=TeamRole.values)

    def handle(self, *args: Any, **options: Any) -> None:
        survey = Survey.objects.filter(slug=options["survey"]).first()
        if survey is None:
            raise CommandError(f"There is no survey at /s/{options['survey']}/")
        role = options["role"]
        username = options["add"] or options["remove"]
        if username is None:
            for member in team_of(survey):
                self.stdout.write(f"{member.get_role_display()}: {member.user.get_username()}")
            return
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is nobody with the username {username}")
        try:
            if options["add"]:
                if role is None:
                    raise CommandError("Say which role with --role")
                added = team_add(survey=survey, user=user, role=role, actor=None, command=COMMAND)
                verb = "is now" if added else "was already"
                self.stdout.write(f"{username} {verb} a {role} of {survey.name}")
            else:
                left = team_remove(survey=survey, user=user, role=role, actor=None, command=COMMAND)
                self.stdout.write(
                    f"{username} left {left} role{'s' if left != 1 else ''} in {survey.name}"
                )
        except TeamRefused as refusal:
            raise CommandError(refusal.message) from None
