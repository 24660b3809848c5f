import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from surveys.models import StandardVersion, Survey
from surveys.roles import ANALYST, INTERVIEWER
from surveys.services import standard_install
from surveys.standard import CURRENT_VERSION

DEMO_USERNAME = "demo-admin"


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
        _, created = Survey.objects.update_or_create(
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
        for role in (ANALYST, INTERVIEWER):
            Group.objects.get_or_create(name=role)
        if with_login:
            self._demo_login()

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
