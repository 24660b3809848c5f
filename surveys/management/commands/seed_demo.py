import secrets
from datetime import timedelta
from random import Random
from typing import Any, Final

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from seb.demo import plausible_answers
from seb.standard import Mode, load_standard
from surveys.access import ROLES
from surveys.models import Survey
from surveys.services import NewResponse, complete, responses_create

DEMO_USERNAME: Final = "demo-admin"
DEMO_RESPONSES: Final = 400
# Roughly how a mixed-mode survey's responses split between its modes.
MODE_WEIGHTS: Final = {Mode.ONLINE: 60, Mode.FACE_TO_FACE: 22, Mode.TELEPHONE: 18}
SEED: Final = 2023


class Command(BaseCommand):
    help = (
        "Create the demo survey (slug 'demo', open, all three modes) with plausible demo "
        "responses, the staff roles, and a local demo admin who holds every role. Safe to "
        "run again; --with-login sets a new random password and prints it."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--with-login",
            action="store_true",
            help="(Re)set the demo admin's password to a new random one and print it.",
        )

    def handle(self, *args: Any, with_login: bool = False, **options: Any) -> None:
        survey, created = Survey.objects.update_or_create(
            slug="demo",
            defaults={
                "name": "Demo socio-economic background survey",
                "description": (
                    "A demonstration of the harmonised socio-economic background questions. "
                    "Answers given here are demo data."
                ),
                "organisation": "Demo organisation",
                "contact_email": "surveys@example.org",
                "offers_online": True,
                "offers_face_to_face": True,
                "offers_telephone": True,
                "opens_at": None,
                "closes_at": None,
                "is_draft": False,
            },
        )
        self.stdout.write(f"{'Created' if created else 'Updated'} the demo survey: /s/demo/")
        if not survey.responses.exists():
            self._demo_responses(survey)
        for role in ROLES:
            Group.objects.get_or_create(name=role)
        if with_login:
            self._demo_login()

    @transaction.atomic
    def _demo_responses(self, survey: Survey) -> None:
        """Plausible complete responses over the last 60 days, the same every time."""
        rng = Random(SEED)  # noqa: S311  (demo data, the same every time)
        standard = load_standard(survey.standard_version)
        now = timezone.now()
        modes = list(MODE_WEIGHTS)
        weights = list(MODE_WEIGHTS.values())
        rows = []
        for _ in range(DEMO_RESPONSES):
            mode = rng.choices(modes, weights=weights)[0]
            completed = now - timedelta(days=rng.randint(0, 60), minutes=rng.randint(0, 1440))
            rows.append(
                NewResponse(
                    complete=complete(survey, mode, plausible_answers(standard, mode, rng)),
                    reference="demo",
                    completed_at=completed,
                    started_at=completed - timedelta(minutes=rng.randint(2, 9)),
                )
            )
        responses_create(survey=survey, responses=rows)
        self.stdout.write(f"Added {DEMO_RESPONSES} plausible demo responses to the demo survey.")

    def _demo_login(self) -> None:
        user_model = get_user_model()
        password = secrets.token_urlsafe(12)
        user, _ = user_model.objects.get_or_create(username=DEMO_USERNAME)
        user.is_staff = True
        user.is_superuser = True
        user.set_password(password)
        user.save()
        user.groups.add(*Group.objects.filter(name__in=ROLES))
        self.stdout.write(
            self.style.SUCCESS(
                "Local demo login (administrator, with every role), made for this machine only:\n"
                f"  username: {DEMO_USERNAME}\n  password: {password}"
            )
        )
