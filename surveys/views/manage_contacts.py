"""Invitations and reminders in the managers' area: plan a round, see its messages
previewed with a real case's details, send it, and see each round's messages by
status. With the local backend, its outbox shows what was "sent"."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import CharField
from django.db.models.functions import Cast
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from jobs.runner import job_start

from ..fieldwork.contacts import (
    RoundRefused,
    round_counts,
    round_create,
    round_refusal,
)
from ..fieldwork.notify import PERSONALISATION, backend
from ..fieldwork.recipients import round_recipients_count
from ..fieldwork.round_preview import round_preview
from ..forms_rounds import LETTERS, MESSAGES, RoundForm
from ..job_handlers import SEND_ROUND
from ..models import ContactRound, LocalNotification, Message, Survey
from .manage import managed_survey, manager_required


def _round_from(form: RoundForm, survey: Survey) -> ContactRound:
    """The round the valid form describes, not saved."""
    data = form.cleaned_data
    letters = data["channel"] == LETTERS
    return ContactRound(
        survey=survey,
        kind=data["kind"],
        email_template_id="" if letters else data["email_template_id"].strip(),
        sms_template_id="" if letters else data["sms_template_id"].strip(),
        letters=letters,
    )


def _send(request: HttpRequest, form: RoundForm, survey: Survey) -> HttpResponse | None:
    """Make the confirmed round and start its job; None when it is refused."""
    planned = _round_from(form, survey)
    try:
        round_ = round_create(
            survey=survey,
            kind=planned.kind,
            email_template_id=planned.email_template_id,
            sms_template_id=planned.sms_template_id,
            letters=planned.letters,
            user=request.user,
        )
    except RoundRefused:
        return None  # the page says why (round_refusal), with no form to send with
    what = "letter" if round_.letters else round_.get_kind_display().lower()
    job = job_start(
        kind=SEND_ROUND,
        title=f"{'Make' if round_.letters else 'Send'} {what}s for {survey.name}",
        owner=request.user,
        params={"round_id": round_.pk},
    )
    return redirect("jobs:detail", job_id=job.pk)


@manager_required
def contacts_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The rounds sent, and a new one: checked, previewed with a real case's
    message on a confirmation page, then sent."""
    survey = managed_survey(request, slug)
    if request.method == "POST":
        form = RoundForm(request.POST)
        # Refused (a draft or closed survey): the page says why, and shows no form.
        if form.is_valid() and round_refusal(survey) is None:
            if request.POST.get("confirmed") == "yes":
                if (response := _send(request, form, survey)) is not None:
                    return response
            else:
                planned = _round_from(form, survey)
                return render(
                    request,
                    "manage/contacts_confirm.html",
                    {
                        "survey": survey,
                        "form": form,
                        "planned": planned,
                        "previews": round_preview(planned, backend=backend()),
                        "backend": settings.NOTIFY_BACKEND,
                    },
                )
        status = 400
    else:
        last = ContactRound.objects.filter(survey=survey).first()
        form = RoundForm(
            initial={
                "channel": LETTERS if last and last.letters else MESSAGES,
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
            "refusal": round_refusal(survey),
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
