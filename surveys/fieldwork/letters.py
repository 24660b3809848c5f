"""A letter round's files: the letters as a print-ready PDF (one A4 page a case,
`seb.letters`) and the print supplier's CSV (one row a letter, formula-safe), made
by the round's background job in the job's own folder.

Memory stays bounded: the round's letters are read a batch at a time, the CSV is
written row by row, and the PDF is made `PAGES_PER_PDF` pages at a time: a round
with more letters gets a ZIP of PDFs (letters-001.pdf, ...) instead of one PDF.
A letter holds the case's access code and link, so the files are the survey's
managers' only (`surveys.views.manage_letters`). Each letter put in the files is
recorded as sent (printed); a case that has since opted out, been withdrawn or
reached a final outcome is left out and its queued letter dropped.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any, Final

from django.utils import timezone

from jobs.models import Job
from jobs.runner import JobFailed, Progress, job_file
from seb.letters import LETTER_COLUMNS, PAGES_PER_PDF, Letter, letters_pdf, supplier_row
from seb.safe_text import CsvWriter

from ..audit import Event, audit
from ..models import ContactRound, Message, Survey
from .contacts import RoundStopped, personalisation, round_queue, round_refusal
from .issuing import case_credentials
from .message_text import LETTER, fill
from .recipients import still_reachable

BATCH: Final = 500
PDF_FILE: Final = "letters.pdf"
ZIP_FILE: Final = "letters.zip"
CSV_FILE: Final = "letters.csv"
FILES: Final = (PDF_FILE, ZIP_FILE, CSV_FILE)
Opener = Callable[[str], IO[bytes]]


def survey_contact(survey: Survey) -> str:
    """How a person reaches the survey's team, as a letter says."""
    ways = [way for way in (survey.contact_email, survey.contact_phone) if way]
    if not ways:
        return ""
    return f"Questions about {survey.name}? Contact us: {' or '.join(ways)}."


def case_letter(message: Message, survey: Survey, *, kind: str) -> Letter | None:
    """The letter to the message's case; None when its credentials cannot be rebuilt."""
    case = message.case
    credentials = case_credentials(case)
    if credentials is None:
        return None
    filled = personalisation(
        case, survey=survey, code=credentials.access_code, token=credentials.link_token
    )
    return Letter(
        reference=case.reference,
        name=case.name,
        address=case.address,
        access_code=credentials.access_code,
        link=filled["link"],
        survey_name=survey.name,
        organisation=survey.organisation,
        survey_address=filled["survey_address"],
        contact=survey_contact(survey),
        body=fill(LETTER, filled),
    )


def _letters(round_: ContactRound) -> Iterator[tuple[Message, Letter | None]]:
    messages = (
        # Queued only: letters cancelled with their round (or already made) are not made.
        Message.objects.filter(
            round=round_, channel=Message.Channel.LETTER, status=Message.Status.QUEUED
        )
        .select_related("case")
        .order_by("pk")
    )
    last = 0
    while batch := list(messages.filter(pk__gt=last)[:BATCH]):
        for message in batch:
            last = message.pk
            if not still_reachable(message.case):
                Message.objects.filter(pk=message.pk, status=Message.Status.QUEUED).delete()
                continue
            yield message, case_letter(message, round_.survey, kind=round_.kind)


@dataclass
class LettersMade:
    letters: int = 0
    failed: int = 0
    pdf_file: str = PDF_FILE


def letters_write(
    round_: ContactRound, *, open_file: Opener, on_progress: Callable[[int], None] | None = None
) -> LettersMade:
    """Write the round's letters (PDF or ZIP of PDFs) and the supplier's CSV with
    `open_file(name)`; record each letter written as sent."""
    made = LettersMade()
    total = Message.objects.filter(
        round=round_, channel=Message.Channel.LETTER, status=Message.Status.QUEUED
    ).count()
    if total > PAGES_PER_PDF:
        made.pdf_file = ZIP_FILE
    with open_file(CSV_FILE) as raw, open_file(made.pdf_file) as pdf_out:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        csv = CsvWriter(text)
        csv.writerow(LETTER_COLUMNS)
        archive = zipfile.ZipFile(pdf_out, "w") if made.pdf_file == ZIP_FILE else None
        part: list[Letter] = []
        done: list[int] = []

        def flush() -> None:
            if not part:
                return
            content = letters_pdf(part)
            if archive is None:
                pdf_out.write(content)
            else:
                archive.writestr(f"letters-{made.letters // PAGES_PER_PDF + 1:03d}.pdf", content)
            made.letters += len(part)
            now = timezone.now()
            Message.objects.filter(pk__in=done, status=Message.Status.QUEUED).update(
                status=Message.Status.SENT, sent_at=now, status_at=now
            )
            part.clear()
            done.clear()
            if on_progress is not None:
                on_progress(made.letters)

        for message, letter in _letters(round_):
            if letter is None:
                made.failed += 1
                Message.objects.filter(pk=message.pk).update(
                    status=Message.Status.TECHNICAL_FAILURE, status_at=timezone.now()
                )
                continue
            csv.writerow(supplier_row(letter))
            part.append(letter)
            done.append(message.pk)
            if len(part) == PAGES_PER_PDF:
                flush()
        flush()
        if archive is not None:
            archive.close()
        text.flush()
        text.detach()
    return made


def letters_job(job: Job, round_: ContactRound, progress: Progress) -> dict[str, Any]:
    """The letter round's job: queue its letters (once), write its files; the job's result."""
    if (refusal := round_refusal(round_.survey)) is not None:
        raise JobFailed(f"No letters were made: {refusal}")
    if ContactRound.objects.filter(pk=round_.pk, cancelled_at__isnull=False).exists():
        raise JobFailed("No letters were made: the round was cancelled.")
    progress.report(0, "Choosing who to write to", force=True)
    queued = round_queue(round_)
    try:
        made = letters_write(
            round_,
            open_file=lambda name: job_file(job, name),
            on_progress=lambda done: progress.report(
                done / max(queued, 1), f"{done:,} of {queued:,} letters made"
            ),
        )
    except RoundStopped as stopped:
        raise JobFailed(stopped.message) from stopped
    audit(
        Event.CONTACTS_SENT,
        actor=job.owner,
        target=round_.survey,
        count=made.letters,
        round=f"{round_.get_kind_display()} letters",
    )
    return {
        "ok": True,
        "summary": f"{made.letters:,} letters made"
        + (f", {made.failed:,} could not be made" if made.failed else ""),
        "survey": round_.survey.slug,
        "round_id": round_.pk,
        "letters": made.letters,
        "letters_file": made.pdf_file,
        "letters_csv": CSV_FILE,
    }
