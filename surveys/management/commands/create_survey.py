"""create_survey --slug SLUG --name NAME --access open|invitation|both [--mode M ...]
[--manager USERNAME ...] [--job-title]"""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_slug
from django.db import transaction

from seb.standard import Mode
from surveys.audit import Event, audit
from surveys.fieldwork.teams import TeamRefused, team_add
from surveys.models import Survey, TeamRole


class Command(BaseCommand):
    help = "Create a survey open for responses now (online only unless --mode says otherwise)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--slug", required=True, help="The survey's web address: /s/SLUG/")
        parser.add_argument("--name", required=True)
        parser.add_argument(
            "--access", required=True, choices=[access.value for access in Survey.Access]
        )
        parser.add_argument(
            "--mode",
            action="append",
            choices=[mode.value for mode in Mode],
            help="A mode it offers; repeat for more (default: online)",
        )
        parser.add_argument("--organisation", default="")
        parser.add_argument("--contact-email", default="")
        parser.add_argument("--privacy-notice-url", default="")
        parser.add_argument(
            "--job-title",
            action="store_true",
            help="Ask for the job title after the occupation question (an addition beyond the "
            "harmonised standard, coded to SOC 2020 and full NS-SEC)",
        )
        parser.add_argument(
            "--manager",
            action="append",
            default=[],
            metavar="USERNAME",
            help="A first manager of the survey's team; repeat for more",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        slug = options["slug"]
        try:
            validate_slug(slug)
        except ValidationError:
            raise CommandError(
                f"“{slug}” cannot be a web address: use letters, numbers and hyphens"
            ) from None
        if len(slug) > 60:
            raise CommandError("The web address can be at most 60 characters")
        if Survey.objects.filter(slug=slug).exists():
            raise CommandError(f"There is already a survey at /s/{slug}/")
        modes = set(options["mode"] or [Mode.ONLINE.value])
        names = list(dict.fromkeys(options["manager"]))
        managers = list(get_user_model().objects.filter(username__in=names))
        missing = sorted(set(names) - {user.get_username() for user in managers})
        if missing:
            raise CommandError(f"There is nobody with the username {', '.join(missing)}")
        with transaction.atomic():
            survey = self._create(options, modes, managers)
        asked = (
            ", asking for the job title (an addition beyond the harmonised standard)"
            if survey.asks_job_title
            else ""
        )
        self.stdout.write(
            f"Created {survey.name}, open now at /s/{survey.slug}/ ({survey.access}){asked}"
        )

    def _create(self, options: dict[str, Any], modes: set[str], managers: list[Any]) -> Survey:
        survey = Survey.objects.create(
            slug=options["slug"],
            name=options["name"],
            access=options["access"],
            offers_online=Mode.ONLINE.value in modes,
            offers_face_to_face=Mode.FACE_TO_FACE.value in modes,
            offers_telephone=Mode.TELEPHONE.value in modes,
            organisation=options["organisation"],
            contact_email=options["contact_email"],
            privacy_notice_url=options["privacy_notice_url"],
            asks_job_title=options["job_title"],
            is_draft=False,
        )
        audit(Event.SURVEY_CREATED, actor=None, target=survey, command="create_survey")
        for user in managers:
            try:
                team_add(
                    survey=survey,
                    user=user,
                    role=TeamRole.MANAGER,
                    actor=None,
                    command="create_survey",
                )
            except TeamRefused as refusal:
                raise CommandError(refusal.message) from None
        return survey
