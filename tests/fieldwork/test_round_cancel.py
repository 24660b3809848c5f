"""Cancelling a contact round (issue: confirmation and a way back for every action
that stops something): a confirmation page first, which changes nothing; then the
round's messages not yet sent are cancelled in one transaction with its mark, the
cases' derived state and the audit entry; messages already sent stay sent; a round
being sent stops at its next message; a cancelled invitation invited nobody, so a new
invitation round reaches those cases again; another survey's manager finds no round."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import User
from django.test import Client

from surveys.access import SURVEY_MANAGER
from surveys.fieldwork.contacts import RoundStopped, round_queue, round_send
from surveys.fieldwork.letters import CSV_FILE, letters_write
from surveys.fieldwork.notify import AddressRefused, LocalBackend, Outgoing, Pacer
from surveys.fieldwork.round_cancel import round_cancel, unsent_count
from surveys.models import Case, ContactRound, Message, Survey
from tests.fieldwork.conftest import load, new_round, sample_csv

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def public_address(settings: Any) -> None:
    settings.PUBLIC_BASE_URL = "https://surveys.example.org"


@pytest.fixture
def queued(invitation_survey: Survey) -> ContactRound:
    """An invitation round queued to three cases, A, B and C."""
    rows = [("A", "a@example.org"), ("B", "b@example.org"), ("C", "c@example.org")]
    assert load(invitation_survey, sample_csv(rows)).ok
    round_ = new_round(invitation_survey)
    assert round_queue(round_) == 3
    return round_


def statuses(round_: ContactRound) -> dict[str, str]:
    return dict(Message.objects.filter(round=round_).values_list("case__reference", "status"))


def cancellations() -> list[LogEntry]:
    return [
        e for e in LogEntry.objects.all() if e.additional_data.get("event") == "round_cancelled"
    ]


def url(round_: ContactRound) -> str:
    return f"/manage/{round_.survey.slug}/rounds/{round_.pk}/cancel/"


def test_the_confirmation_page_says_what_stops_and_changes_nothing(
    manager_client: Client, queued: ContactRound
) -> None:
    page = manager_client.get(url(queued)).content.decode()
    assert "Cancel this round?" in page
    assert "3 messages of this round have not been sent yet" in page
    assert "A cancelled round cannot be started again." in page
    assert set(statuses(queued).values()) == {"queued"}
    assert ContactRound.objects.get(pk=queued.pk).cancelled_at is None


def test_cancelling_stops_the_unsent_messages_and_keeps_the_sent(
    manager_client: Client, manager: User, queued: ContactRound
) -> None:
    first = Message.objects.get(round=queued, case__reference="A")
    Message.objects.filter(pk=first.pk).update(status="sent", attempted_at=first.created_at)
    response = manager_client.post(url(queued))
    assert response.status_code == 302
    assert response["Location"] == f"/manage/{queued.survey.slug}/rounds/{queued.pk}/"
    assert statuses(queued) == {"A": "sent", "B": "cancelled", "C": "cancelled"}
    round_ = ContactRound.objects.get(pk=queued.pk)
    assert round_.cancelled_at is not None and round_.cancelled_by == manager
    assert unsent_count(round_) == 0
    (entry,) = cancellations()
    assert entry.additional_data["count"] == 2
    page = manager_client.get(response["Location"]).content.decode()
    assert "2 messages not yet sent will not be sent" in page
    assert "Cancelled on" in page and "Cancel the round" not in page


def test_a_second_cancel_changes_and_audits_nothing(manager: User, queued: ContactRound) -> None:
    assert round_cancel(round_=queued, actor=manager) == 3
    assert round_cancel(round_=ContactRound.objects.get(pk=queued.pk), actor=manager) == 0
    assert len(cancellations()) == 1


def test_a_cancelled_round_sends_nothing(manager: User, queued: ContactRound) -> None:
    round_cancel(round_=queued, actor=manager)
    outbox: list[Outgoing] = []
    with pytest.raises(RoundStopped, match="cancelled"):
        round_send(queued, backend=LocalBackend(outbox=outbox), pacer=Pacer(0))
    assert outbox == []


class CancelledMidway(LocalBackend):
    """Sends the first message, and the round is cancelled while it goes."""

    def __init__(self, round_: ContactRound, actor: User, outbox: list[Outgoing]) -> None:
        super().__init__(outbox=outbox)
        self.round_, self.actor = round_, actor

    def send(self, outgoing: Outgoing) -> Any:
        sent = super().send(outgoing)
        if len(self.outbox) == 1:
            round_cancel(round_=self.round_, actor=self.actor)
        return sent


def test_a_round_being_sent_stops_at_its_next_message(manager: User, queued: ContactRound) -> None:
    outbox: list[Outgoing] = []
    backend = CancelledMidway(queued, manager, outbox)
    report = round_send(queued, backend=backend, pacer=Pacer(0))
    assert len(outbox) == 1
    assert (report.sent, report.cancelled) == (1, 2)
    assert sorted(statuses(queued).values()) == ["cancelled", "cancelled", "delivered"]


def test_a_cancelled_invitation_invited_nobody(
    invitation_survey: Survey, manager: User, queued: ContactRound
) -> None:
    """A new invitation round reaches the cases again; a reminder round does not
    (they were never invited); and a case whose only message was cancelled is not
    counted undeliverable or contacted."""
    round_cancel(round_=queued, actor=manager)
    reminder = new_round(invitation_survey, "reminder")
    assert round_queue(reminder) == 0
    again = new_round(invitation_survey)
    assert round_queue(again) == 3
    outcomes = set(Case.objects.values_list("outcome", flat=True))
    assert outcomes == {"3.10"}


def test_cancelled_messages_do_not_make_a_case_undeliverable(
    invitation_survey: Survey, manager: User
) -> None:
    rows = [("A", "a@undeliverable.example")]
    assert load(invitation_survey, sample_csv(rows)).ok
    first = new_round(invitation_survey)
    round_queue(first)

    class Refusing(LocalBackend):
        def send(self, outgoing: Outgoing) -> Any:
            raise AddressRefused("no such address")

    round_send(first, backend=Refusing(outbox=[]), pacer=Pacer(0))
    assert Case.objects.get().outcome == "3.20"
    case = Case.objects.get()
    Case.objects.filter(pk=case.pk).update(email="a@example.org")
    second = new_round(invitation_survey, "reminder")
    assert round_queue(second) == 1
    assert Case.objects.get().outcome == "3.10"  # a new message: no longer all failed
    round_cancel(round_=second, actor=manager)
    # Its only other message failed: with the queued one cancelled, every message
    # that went failed, and the case is undeliverable again.
    assert Case.objects.get().outcome == "3.20"


def test_another_surveys_manager_finds_no_such_round(
    client: Client, make_staff: Any, make_survey: Any, queued: ContactRound
) -> None:
    other = make_survey("other")
    stranger = make_staff("stranger", SURVEY_MANAGER, every_survey=False)
    from surveys.models import SurveyMember, TeamRole

    SurveyMember.objects.create(survey=other, user=stranger, role=TeamRole.MANAGER)
    client.force_login(stranger)
    assert client.get(url(queued)).status_code == 404
    assert client.post(url(queued)).status_code == 404
    assert set(statuses(queued).values()) == {"queued"}


class Kept(io.BytesIO):
    def close(self) -> None:  # the CSV's text wrapper closes it; keep what it holds
        pass


def test_a_cancelled_letter_round_makes_no_letters(
    invitation_survey: Survey, manager: User
) -> None:
    rows = [("A", "a@example.org", '"1 High Street, Town, AB1 2CD"')]
    assert load(invitation_survey, sample_csv(rows, header=("reference", "email", "address"))).ok
    round_ = new_round(invitation_survey, letters=True)
    assert round_queue(round_) == 1
    assert round_cancel(round_=round_, actor=manager) == 1
    files: dict[str, Kept] = {}

    @contextmanager
    def open_file(name: str) -> Iterator[Kept]:
        files[name] = Kept()
        yield files[name]

    made = letters_write(round_, open_file=open_file)
    assert made.letters == 0
    assert "1 High Street" not in files[CSV_FILE].getvalue().decode("utf-8-sig")
    assert statuses(round_) == {"A": "cancelled"}
