"""The one `interviewers` selector: the staff who may be given cases."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from ..access import INTERVIEWER


def interviewers() -> QuerySet[Any]:
    """The active users who hold the interviewer role, to assign cases to: the members of
    its group, and superusers, who hold every role (`surveys.access.roles_of`)."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__name=INTERVIEWER))
        .distinct()
        .order_by("username")
    )
