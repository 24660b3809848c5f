"""Reads of surveys, responses and cases that views and commands share."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from seb.standard import Mode

from .models import Response, Survey

INTERVIEW_MODES = (Mode.FACE_TO_FACE, Mode.TELEPHONE)


def surveys_open_for_interviews() -> QuerySet[Survey]:
    """Open surveys that offer face-to-face or telephone interviews, by name."""
    now = timezone.now()
    return (
        Survey.objects.filter(Q(offers_face_to_face=True) | Q(offers_telephone=True))
        .filter(is_draft=False)
        .filter(Q(opens_at__isnull=True) | Q(opens_at__lte=now))
        .filter(Q(closes_at__isnull=True) | Q(closes_at__gt=now))
        .order_by("name")
    )


def unfinished_interviews(user: Any) -> QuerySet[Response]:
    """The interviewer's own interviews still in progress, most recently changed first."""
    return (
        Response.objects.filter(
            interviewer=user, mode__in=INTERVIEW_MODES, status=Response.Status.IN_PROGRESS
        )
        .select_related("survey")
        .order_by("-updated_at")
    )


def own_case(user: Any, response_id: Any) -> Response:
    """The interviewer's own interview, or 404: another interviewer's is not theirs to know of."""
    return get_object_or_404(
        Response.objects.select_related("survey"),
        pk=response_id,
        interviewer=user,
        mode__in=INTERVIEW_MODES,
    )
