"""A survey's team, on its page in the managers' area: who manages, supervises,
interviews for and analyses it (`surveys.fieldwork.teams`). Only its managers see or change it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ..access import person
from ..fieldwork.teams import TeamRefused, team_add, team_of, team_remove
from ..forms_team import TeamMemberForm
from ..models import Survey, SurveyMember, TeamRole
from .manage import managed_survey, manager_required


def _page(
    request: HttpRequest, survey: Survey, form: TeamMemberForm, *, status: int
) -> HttpResponse:
    members = team_of(survey)
    groups = [
        (role, [member for member in members if member.role == role.value]) for role in TeamRole
    ]
    managers = sum(1 for member in members if member.role == TeamRole.MANAGER.value)
    return render(
        request,
        "manage/team.html",
        {"survey": survey, "form": form, "groups": groups, "last_manager": managers == 1},
        status=status,
    )


@manager_required
def team_page(request: HttpRequest, slug: str) -> HttpResponse:
    survey = managed_survey(request, slug)
    if request.method == "POST":
        form = TeamMemberForm(request.POST)
        if form.is_valid():
            user, role = form.cleaned_data["username"], TeamRole(form.cleaned_data["role"])
            try:
                added = team_add(survey=survey, user=user, role=role, actor=request.user)
            except TeamRefused as refusal:
                form.add_error("username", refusal.message)
            else:
                verb = "is now" if added else "was already"
                messages.success(
                    request, f"{person(user)} {verb} the survey’s {role.label.lower()}."
                )
                return redirect("manage:team", slug=survey.slug)
        return _page(request, survey, form, status=400)
    return _page(request, survey, TeamMemberForm(), status=200)


@require_POST
@manager_required
def team_remove_view(request: HttpRequest, slug: str) -> HttpResponse:
    survey = managed_survey(request, slug)
    chosen = request.POST.get("member", "").strip()
    member = (
        SurveyMember.objects.filter(survey=survey, pk=int(chosen)).first()
        if chosen.isdigit() and len(chosen) < 12
        else None
    )
    if member is None:
        messages.error(request, "That person is not in the survey’s team.")
        return redirect("manage:team", slug=survey.slug)
    user = get_user_model().objects.get(pk=member.user_id)
    role = TeamRole(member.role)
    try:
        team_remove(survey=survey, user=user, role=role, actor=request.user)
    except TeamRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, f"{person(user)} is no longer the survey’s {role.label.lower()}.")
        if user.pk == request.user.pk and role is TeamRole.MANAGER:
            return redirect("manage:surveys")  # the survey is no longer theirs to see
    return redirect("manage:team", slug=survey.slug)
