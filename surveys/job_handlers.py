"""The fieldwork's background jobs: loading samples, regenerating codes, sending
contact rounds, refreshing a survey's derived state; and the periodic ones
(abandoning idle responses, deleting contact details, asking Notify what became of
messages, tidying up).

Each handler is safe to run again (`jobs.runner`): a sample load is one
transaction and remembers its job, so a second run finds it and only writes the
mail-merge file again, from the cases' nonces; codes regenerated twice are simply
the newer codes (the file carries them); a contact round queues each message once
and never sends one twice (`surveys.fieldwork.contacts`).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any, Final

from django.conf import settings
from django.db.models import CharField
from django.db.models.functions import Cast
from django.utils import timezone

from jobs.models import Job
from jobs.runner import JobFailed, Progress, job_file, job_handler, job_path, periodic
from jobs.views import RESULT_TEMPLATES, job_viewer
from seb.interchange import FileFormat

from .access import acts_as
from .audit import Event, audit
from .fieldwork.bulk import bulk_reissue
from .fieldwork.cases import contact_details_delete
from .fieldwork.codes_file import CodesOut, codes_write
from .fieldwork.contacts import (
    NO_PUBLIC_ADDRESS,
    RoundStopped,
    links_configured,
    message_statuses_update,
    round_queue,
    round_send,
)
from .fieldwork.issuing import credentials_regenerate_all
from .fieldwork.letters import letters_job
from .fieldwork.notify import BackendMisconfigured, backend, pacer
from .fieldwork.ratelimit import guess_windows_clear
from .fieldwork.samples import load_cases, sample_cases, sample_load
from .models import Case, ContactRound, LocalNotification, Message, SampleLoad, Survey, TeamRole
from .responses.lifecycle import responses_abandon
from .responses.refresh import survey_refresh

LOAD_SAMPLE: Final = "load_sample"
REGENERATE_CODES: Final = "regenerate_codes"
SEND_ROUND: Final = "send_round"
REFRESH_CASES: Final = "refresh_cases"
REISSUE_CODES: Final = "reissue_codes"
CODES_FILE: Final = "codes.csv"
CODES_KINDS: Final = (LOAD_SAMPLE, REGENERATE_CODES, REISSUE_CODES)


def _job_survey(job: Job) -> Survey | None:
    if "round_id" in job.params:
        return Survey.objects.filter(contact_rounds__pk=job.params["round_id"]).first()
    return Survey.objects.filter(pk=job.params.get("survey_id")).first()


def _still_a_manager(job: Job, user: Any) -> bool:
    """A fieldwork job's page, result and file: for its owner while they still manage
    its survey (one removed from the team no longer sees its report or codes)."""
    survey = _job_survey(job)
    return survey is None or acts_as(user, survey, TeamRole.MANAGER)


for _kind in (LOAD_SAMPLE, REGENERATE_CODES, SEND_ROUND, REFRESH_CASES, REISSUE_CODES):
    job_viewer(_kind)(_still_a_manager)


def _survey(job: Job, *, needs_links: bool = False) -> Survey:
    survey = Survey.objects.filter(pk=job.params.get("survey_id")).first()
    if survey is None:
        raise JobFailed("The survey has been deleted, so nothing was done.")
    _still_manages(job, survey)
    if needs_links and not links_configured():
        raise JobFailed(f"Nothing was done. {NO_PUBLIC_ADDRESS}")
    return survey


def _still_manages(job: Job, survey: Survey) -> None:
    """A job started by a person runs only while they still manage the survey (it may
    wait in the queue after they leave its team); one started by a command runs as
    the service."""
    if job.owner is not None and not acts_as(job.owner, survey, TeamRole.MANAGER):
        raise JobFailed("You are no longer one of the survey’s managers, so nothing was done.")


def _write_codes(job: Job, survey: Survey, cases: object, progress: Progress) -> int:
    progress.report(0.9, "Writing the file of codes and links", force=True)
    with job_file(job, CODES_FILE) as stream:
        rows = codes_write(cases=cases, survey=survey, stream=stream)  # type: ignore[arg-type]
    return rows


@job_handler(LOAD_SAMPLE)
def load_sample_job(job: Job, progress: Progress) -> None:
    """Load an uploaded sample, all or nothing, writing its mail-merge file as the cases
    are made (`surveys.fieldwork.codes_file.CodesOut`)."""
    survey = _survey(job, needs_links=True)
    load = SampleLoad.objects.filter(job_id=job.pk).first()
    if load is None:
        path = job_path(job, job.input_file)
        size = max(path.stat().st_size, 1)
        progress.report(0, "Reading the file", force=True)
        with path.open("rb") as stream:
            report = sample_load(
                survey=survey,
                stream=stream,
                file_format=FileFormat(job.params["format"]),
                file_name=job.params.get("file_name", ""),
                user=job.owner,
                job_id=job.pk,
                on_progress=lambda _, stage: progress.report(
                    min(0.85, stream.tell() / size * 0.85), stage
                ),
                codes=CodesOut(
                    path=job_path(job, CODES_FILE), open=lambda made: job_file(job, made.name)
                ),
            )
        job.result = {**report.as_data(), "survey": survey.slug}
        path.unlink(missing_ok=True)
        if not report.ok:
            raise JobFailed(report.summary)
        load = report.load
        assert load is not None
        rows = load.cases
    else:
        # Run again after the load committed: the codes are rebuilt from the nonces,
        # and a partial file the first run left (killed before its rename) goes.
        job_path(job, CODES_FILE + ".partial").unlink(missing_ok=True)
        rows = _write_codes(job, survey, load_cases(load), progress)
    job.result = {
        **(job.result or {"ok": True, "summary": f"{load.cases:,} cases added", "problems": []}),
        "survey": survey.slug,
        "codes_file": CODES_FILE,
        "codes_rows": rows,
    }


@job_handler(REGENERATE_CODES)
def regenerate_codes_job(job: Job, progress: Progress) -> None:
    """New codes and links for every case in the sample (voiding the old), and their file."""
    survey = _survey(job, needs_links=True)
    total = max(sample_cases(survey).count(), 1)
    progress.report(0, "Making new codes and links", force=True)
    changed = credentials_regenerate_all(
        survey=survey,
        on_progress=lambda done: progress.report(0.8 * done / total, f"{done:,} cases done"),
    )
    audit(Event.CODES_REGENERATED, actor=job.owner, target=survey, count=changed)
    rows = _write_codes(job, survey, sample_cases(survey), progress)
    job.result = {
        "ok": True,
        "summary": f"New codes and links for {changed:,} cases: the old ones no longer work",
        "survey": survey.slug,
        "codes_file": CODES_FILE,
        "codes_rows": rows,
    }


@job_handler(REISSUE_CODES)
def reissue_codes_job(job: Job, progress: Progress) -> None:
    """New codes and links for the cases a manager chose in the sample list (the old
    ones stop working), and their file (`surveys.fieldwork.bulk.bulk_reissue`)."""
    survey = _survey(job, needs_links=True)
    progress.report(0, "Making new codes and links", force=True)
    outcome, ids = bulk_reissue(survey=survey, case_ids=job.params["case_ids"], actor=job.owner)
    rows = _write_codes(job, survey, Case.objects.filter(survey=survey, pk__in=ids), progress)
    skipped = f"; {outcome.skipped_total:,} skipped" if outcome.skipped_total else ""
    job.result = {
        "ok": True,
        "summary": f"New codes and links for {outcome.applies:,} cases{skipped}: "
        "the old ones no longer work",
        "survey": survey.slug,
        "codes_file": CODES_FILE,
        "codes_rows": rows,
    }


@job_handler(SEND_ROUND)
def send_round_job(job: Job, progress: Progress) -> None:
    """Queue the round's messages (once), then send them, paced."""
    round_ = ContactRound.objects.select_related("survey").filter(pk=job.params["round_id"]).first()
    if round_ is None:
        raise JobFailed("The contact round has been deleted, so nothing was sent.")
    _still_manages(job, round_.survey)
    if round_.letters:
        job.result = letters_job(job, round_, progress)
        return
    progress.report(0, "Choosing who to contact", force=True)
    queued = round_queue(round_)
    try:
        report = round_send(
            round_,
            backend=backend(),
            pacer=pacer(),
            on_progress=lambda done, total: progress.report(
                done / max(total, 1), f"Sent {done:,} of {total:,} messages"
            ),
        )
    except (RoundStopped, BackendMisconfigured) as stopped:
        raise JobFailed(stopped.message) from stopped
    audit(
        Event.CONTACTS_SENT,
        actor=job.owner,
        target=round_.survey,
        count=report.sent + report.undeliverable,
        round=round_.get_kind_display(),
    )
    job.result = {
        "ok": True,
        "summary": (
            f"{round_.get_kind_display()} round: {queued:,} messages for this round, "
            f"{report.sent:,} sent now, {report.undeliverable:,} undeliverable"
            + (f", {report.failed:,} could not be sent" if report.failed else "")
        ),
        "survey": round_.survey.slug,
        "queued": queued,
        "sent": report.sent,
        "undeliverable": report.undeliverable,
        "failed": report.failed,
    }


@job_handler(REFRESH_CASES)
def refresh_cases_job(job: Job, progress: Progress) -> None:
    """Derive every case of a survey and its tallies again (`manage.py cases_refresh`):
    batch by batch, each batch writing only what differs, so a run stopped part way
    and run again simply finds less to do."""
    survey = _survey(job)
    total = max(Case.objects.filter(survey=survey).count(), 1)
    progress.report(0, "Deriving the cases again", force=True)
    refreshed = survey_refresh(
        survey=survey,
        on_progress=lambda done: progress.report(
            0.9 * min(done, total) / total, f"{done:,} cases done"
        ),
    )
    job.result = {"ok": True, "summary": refreshed.summary, "survey": survey.slug}


RESULT_TEMPLATES[LOAD_SAMPLE] = "manage/_codes_result.html"
RESULT_TEMPLATES[REGENERATE_CODES] = "manage/_codes_result.html"
RESULT_TEMPLATES[REISSUE_CODES] = "manage/_codes_result.html"
RESULT_TEMPLATES[SEND_ROUND] = "manage/_round_result.html"


# Periodic jobs ------------------------------------------------------------------------


@periodic("abandon_idle_responses", every=timedelta(minutes=15))
def abandon_idle_responses() -> int:
    return responses_abandon()


@periodic("delete_contact_details", every=timedelta(hours=1))
def delete_contact_details() -> int:
    def record(survey: Survey, count: int) -> None:
        audit(Event.CONTACT_DETAILS_DELETED, actor=None, target=survey, count=count)

    deleted = contact_details_delete(on_deleted=record)
    # The local backend's copies of messages whose addresses are gone go too.
    blanked = Message.objects.filter(to="").annotate(text=Cast("pk", CharField())).values("text")
    LocalNotification.objects.filter(reference__in=blanked).delete()
    return deleted


@periodic("message_statuses", every=timedelta(minutes=5))
def update_message_statuses() -> int:
    try:
        return message_statuses_update(backend=backend())
    except BackendMisconfigured:
        return 0


@periodic("expire_codes_files", every=timedelta(hours=1))
def expire_codes_files() -> int:
    """Delete mail-merge files nobody downloaded within CODES_FILE_HOURS."""
    cutoff = timezone.now() - timedelta(hours=settings.CODES_FILE_HOURS)
    removed = 0
    for job in Job.objects.filter(kind__in=CODES_KINDS, finished_at__lt=cutoff):
        if not job.result.get("codes_file"):
            continue
        Path(job_path(job, CODES_FILE)).unlink(missing_ok=True)
        job.result = {**job.result, "codes_file": "", "codes_expired": True}
        job.save(update_fields=["result"])
        removed += 1
    return removed


@periodic("clear_guess_windows", every=timedelta(hours=6))
def clear_guess_windows() -> int:
    return guess_windows_clear()
