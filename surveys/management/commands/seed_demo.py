import secrets
from datetime import timedelta
from random import Random
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from classification.derivation import derive
from surveys.models import Response, StandardVersion, Survey
from surveys.options import option_index
from surveys.roles import ANALYST, INTERVIEWER
from surveys.routing import random_answers
from surveys.services import standard_install
from surveys.standard import CURRENT_VERSION, Mode, load_standard

DEMO_USERNAME = "demo-admin"
DEMO_RESPONSES = 400


class Command(BaseCommand):
    help = (
        "Create the demo survey (slug 'demo', open, all three modes) and a local demo "
        "admin who is also an analyst and an interviewer. Safe to run again; "
        "--with-login sets a new random password and prints it."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--with-login",
            action="store_true",
            help="(Re)set the demo admin's password to a new random one and print it.",
        )

    def handle(self, *args: Any, with_login: bool = False, **options: Any) -> None:
        standard_install()
        standard = StandardVersion.objects.get(version=CURRENT_VERSION)
        survey, created = Survey.objects.update_or_create(
            slug="demo",
            defaults={
                "name": "Demo socio-economic background survey",
                "description": (
                    "A demonstration of the harmonised socio-economic background questions. "
                    "Answers given here are demo data."
                ),
                "standard": standard,
                "offers_online": True,
                "offers_face_to_face": True,
                "offers_telephone": True,
                "opens_at": None,
                "closes_at": None,
            },
        )
        self.stdout.write(f"{'Created' if created else 'Updated'} the demo survey: /s/demo/")
        if not survey.responses.exists():
            self._demo_responses(survey)
        for role in (ANALYST, INTERVIEWER):
            Group.objects.get_or_create(name=role)
        if with_login:
            self._demo_login()

    @transaction.atomic
    def _demo_responses(self, survey: Survey) -> None:
        """Random, routing-valid complete responses, so the analyst pages show something."""
        rng = Random(2023)  # noqa: S311  (demo data, the same every time)
        standard = load_standard(survey.standard.version)
        index = option_index(survey.standard.version)
        now = timezone.now()
        rows = []
        for _ in range(DEMO_RESPONSES):
            mode = rng.choice([Mode.ONLINE, Mode.ONLINE, Mode.FACE_TO_FACE, Mode.TELEPHONE])
            answers = random_answers(standard, mode, rng)
            derived = derive(answers)
            completed = now - timedelta(days=rng.randint(0, 60), minutes=rng.randint(0, 1440))
            rows.append(
                Response(
                    survey=survey,
                    standard=survey.standard,
                    mode=mode,
                    status=Response.Status.COMPLETE,
                    reference="demo",
                    started_at=completed - timedelta(minutes=4),
                    updated_at=completed,
                    completed_at=completed,
                    nssec5=derived.nssec5,
                    nssec3=derived.nssec3,
                    **{f"{key}_id": index.id_for(key, code) for key, code in answers.items()},
                )
            )
        Response.objects.bulk_create(rows)
        self.stdout.write(f"Added {DEMO_RESPONSES} random demo responses to the demo survey.")

    def _demo_login(self) -> None:
        user_model = get_user_model()
        password = secrets.token_urlsafe(12)
        user, _ = user_model.objects.get_or_create(username=DEMO_USERNAME)
        user.is_staff = True
        user.is_superuser = True
        user.set_password(password)
        user.save()
        user.groups.add(*Group.objects.filter(name__in=[ANALYST, INTERVIEWER]))
        self.stdout.write(
            self.style.SUCCESS(
                "Local demo login (admin, analyst and interviewer), made for this machine only:\n"
                f"  username: {DEMO_USERNAME}\n  password: {password}"
            )
        )
