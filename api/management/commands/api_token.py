from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from api.tokens import token_create
from surveys.access import ANALYST, has_role


class Command(BaseCommand):
    help = (
        "Make a personal API token for a member of staff and print it (it is shown only "
        "this once; revoke it on the API tokens page)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--name", default="Made with manage.py api_token", help="What it is for."
        )

    def handle(self, *args: Any, username: str, name: str, **options: Any) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no user “{username}”")
        if not user.is_active:
            raise CommandError(f"“{username}” is not active: the API would refuse the token")
        if not has_role(user, ANALYST):
            raise CommandError(
                f"“{username}” does not hold the analyst role: the API would refuse the token"
            )
        _, token = token_create(user=user, name=name)
        self.stdout.write(token)
