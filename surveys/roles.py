"""Staff roles are Django groups: membership is what lets someone in."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

ANALYST = "analyst"
INTERVIEWER = "interviewer"


def has_role(user: AbstractBaseUser | AnonymousUser, role: str) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.groups.filter(name=role).exists()
