"""Invitations and reminders in the managers' area: send a round, and see each round's
messages by status. With the local backend, its outbox shows what was "sent"."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import CharField
from django.db.models.functions import Cast
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from jobs.runner import job_start

from ..contacts import round_counts, round_create, round_recipients_count
from ..forms_manage import ContactRoundForm
from ..job_handlers import SEND_ROUND
from ..models import ContactRound, LocalNotification, Message
from ..notify import PERSONALISATION
from .manage import managed_survey, manager_required


@manager_required
def contacts_page(request: HttpRequest, slug: str) -> HttpResponse:
    survey = managed_survey(request, slug)
    if request.method == "POST":
        form = ContactRoundForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            round_ = round_create(
                survey=survey,
                kind=data["kind"],
                email_template_id=data["email_template_id"],
                sms_template_id=data["sms_template_id"],
                user=request.user,
            )
            job = job_start(
                kind=SEND_ROUND,
                title=f"Send {round_.get_kind_display().lower()}s for {survey.name}",
                owner=request.user,
                params={"round_id": round_.pk},
            )
            return redirect("jobs:detail", job_id=job.pk)
        status = 400
    else:
        last = ContactRound.objects.filter(survey=survey).first()
        form = ContactRoundForm(
            initial={
                "kind": ContactRound.Kind.REMINDER if last else ContactRound.Kind.INVITATION,
                "email_template_id": last.email_template_id if last else "",
                "sms_template_id": last.sms_template_id if last else "",
            }
        )
        status = 200
    rounds = [
        {"round": round_, "counts": list(round_counts(round_).values())}
        for round_ in ContactRound.objects.filter(survey=survey).select_related("created_by")
    ]
    waiting = {
        kind: round_recipients_count(survey=survey, kind=kind, email=True, sms=True)
        for kind in ContactRound.Kind.values
    }
    return render(
        request,
        "manage/contacts.html",
        {
            "survey": survey,
            "form": form,
            "rounds": rounds,
            "statuses": Message.Status.choices,
            "waiting": waiting,
            "personalisation": PERSONALISATION,
            "backend": settings.NOTIFY_BACKEND,
        },
        status=status,
    )


@require_safe
@manager_required
def outbox(request: HttpRequest, slug: str) -> HttpResponse:
    """The local backend's messages for this survey (development only)."""
    if settings.NOTIFY_BACKEND != "local":
        raise Http404("Messages go through GOV.UK Notify: its own pages show them.")
    survey = managed_survey(request, slug)
    references = (
        Message.objects.filter(round__survey=survey)
        .annotate(text=Cast("pk", CharField()))
        .values("text")
    )
    notifications = LocalNotification.objects.filter(reference__in=references)
    page = Paginator(notifications, 25).get_page(request.GET.get("page"))
    return render(request, "manage/outbox.html", {"survey": survey, "page": page})
