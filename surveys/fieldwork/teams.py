"""Survey teams: who manages, supervises, interviews for and analyses each survey.

The only writers of `SurveyMember`. Each change is audited on the survey, with who
made it (none for a command, which names itself) and the member and role in the
entry's details. A person joins a team only in a role whose kind of staff (group)
they are; a survey keeps at least one manager once it has one.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from ..access import ALL_SURVEYS_PERMISSION, GROUP_OF
from ..audit import Event, audit
from ..models import Survey, SurveyMember, TeamRole
from .staff import interviewers


class TeamRefused(Exception):
    """A change to a team that cannot be made, with the reason in words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _may_join(user: Any, role: TeamRole) -> bool:
    if not user.is_active:
        return False
    return user.is_superuser or user.groups.filter(name=GROUP_OF[role]).exists()


def team_add(*, survey: Survey, user: Any, role: TeamRole | str, actor: Any, **how: Any) -> bool:
    """Put `user` in the survey's team in `role`; False if they already were.

    Refused (TeamRefused) for someone inactive or not of the role's kind of staff.
    `how` goes into the audit entry (e.g. command="survey_team").
    """
    role = TeamRole(role)
    if not _may_join(user, role):
        raise TeamRefused(
            f"{user.get_username()} cannot be the survey’s {role.label.lower()}: they are not "
            f"in the “{GROUP_OF[role]}” group. An administrator adds them to it first"
        )
    with transaction.atomic():
        _, created = SurveyMember.objects.get_or_create(survey=survey, user=user, role=role)
        if created:
            audit(
                Event.TEAM_MEMBER_ADDED,
                actor=actor,
                target=survey,
                member=user.get_username(),
                role=role.value,
                **how,
            )
    return created


def team_remove(
    *, survey: Survey, user: Any, role: TeamRole | str | None = None, actor: Any, **how: Any
) -> int:
    """Take `user` out of the survey's team (in `role`, or every role); how many roles
    they left. Refused if it would leave a team that had a manager with none."""
    with transaction.atomic():
        # Lock the survey's managers, so two removals at once cannot each leave the other.
        managers = list(
            SurveyMember.objects.select_for_update()
            .filter(survey=survey, role=TeamRole.MANAGER)
            .values_list("user_id", flat=True)
        )
        rows = SurveyMember.objects.filter(survey=survey, user=user)
        if role is not None:
            rows = rows.filter(role=TeamRole(role))
        roles = sorted(rows.values_list("role", flat=True))
        if TeamRole.MANAGER.value in roles and managers == [user.pk]:
            raise TeamRefused(
                f"{user.get_username()} is the survey’s only manager. Add another manager first"
            )
        rows.delete()
        for removed in roles:
            audit(
                Event.TEAM_MEMBER_REMOVED,
                actor=actor,
                target=survey,
                member=user.get_username(),
                role=removed,
                **how,
            )
    return len(roles)


def interviewers_join(*, survey: Survey, user_ids: Iterable[int], actor: Any, **how: Any) -> int:
    """Assigning a survey's cases to interviewers makes them its interviewers: each one
    not yet in the team joins it (audited); how many joined. Ids of nobody are skipped."""
    wanted = {pk for pk in user_ids if pk is not None}
    if not wanted:
        return 0
    already = set(
        SurveyMember.objects.filter(
            survey=survey, role=TeamRole.INTERVIEWER, user_id__in=wanted
        ).values_list("user_id", flat=True)
    )
    joined = 0
    for user in get_user_model().objects.filter(pk__in=wanted - already):
        if team_add(survey=survey, user=user, role=TeamRole.INTERVIEWER, actor=actor, **how):
            joined += 1
    return joined


def team_of(survey: Survey) -> list[SurveyMember]:
    """The survey's team, by role, then username."""
    return list(SurveyMember.objects.filter(survey=survey).select_related("user"))


def team_interviewers(survey: Survey) -> Any:
    """The interviewers who may be given the survey's cases: the active interviewers
    (`selectors.interviewers`) who act on it as one (`access.acts_as`): members of its
    team in the interviewer role, or staff who see every survey. A supervisor assigns
    only to them; the team itself changes on the survey's Team page."""
    app, codename = ALL_SURVEYS_PERMISSION.split(".")
    every = (
        Q(is_superuser=True)
        | Q(user_permissions__content_type__app_label=app, user_permissions__codename=codename)
        | Q(
            groups__permissions__content_type__app_label=app, groups__permissions__codename=codename
        )
    )
    team = SurveyMember.objects.filter(survey=survey, role=TeamRole.INTERVIEWER).values("user_id")
    return interviewers().filter(every | Q(pk__in=team)).distinct()
