"""Invitations and reminders: who gets them, once per round, their links and codes,
delivery (local backend and GOV.UK Notify's own client), pacing and opting out."""

from __future__ import annotations

import csv
import io
import json
import logging
import threading
import uuid
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from seb.fieldwork import Outcome
from surveys.fieldwork.cases import case_by_access_code, case_by_link_token, case_opt_out
from surveys.fieldwork.codes_file import codes_write
from surveys.fieldwork.contacts import (
    message_statuses_update,
    round_queue,
    round_send,
)
from surveys.fieldwork.notify import (
    REDACTED,
    AddressRefused,
    BackendBusy,
    BackendMisconfigured,
    LocalBackend,
    NotifyBackend,
    Outgoing,
    Pacer,
    Sent,
    backend,
)
from surveys.fieldwork.samples import sample_cases
from surveys.models import Case, ContactRound, LocalNotification, Message, Survey
from surveys.responses.lifecycle import answer_record, response_for_case
from tests.fieldwork.conftest import EMAIL_TEMPLATE as TEMPLATE
from tests.fieldwork.conftest import new_round

pytestmark = pytest.mark.django_db

SMS_TEMPLATE = "0e3bd8b1-5f4c-4c2e-9a57-6d1f0c2d9e01"


def send(
    survey: Survey,
    kind: str = "invitation",
    *,
    outbox: list[Outgoing] | None = None,
    **templates: str,
) -> ContactRound:
    round_ = new_round(
        survey, kind, email=templates.get("email", TEMPLATE), sms=templates.get("sms", "")
    )
    round_queue(round_)
    round_send(round_, backend=LocalBackend(outbox=outbox), pacer=Pacer(0))
    return round_


def messages_to(round_: ContactRound) -> dict[str, str]:
    return dict(Message.objects.filter(round=round_).values_list("case__reference", "channel"))


def test_each_case_gets_one_message_with_a_working_link_and_code(
    invitation_survey: Survey, loaded: Callable[..., Any]
) -> None:
    loaded(20)
    outbox: list[Outgoing] = []
    round_ = send(invitation_survey, outbox=outbox)
    assert Message.objects.filter(round=round_).count() == 20
    assert LocalNotification.objects.count() == len(outbox) == 20
    for outgoing in outbox:
        message = Message.objects.get(pk=int(outgoing.reference))
        personal = outgoing.personalisation
        token = personal["link"].rstrip("/").rsplit("/", 1)[1]
        assert case_by_link_token(survey=invitation_survey, token=token) == message.case
        assert (
            case_by_access_code(survey=invitation_survey, typed=personal["access_code"])
            == message.case
        )
        assert "/s/invited/opt-out/" in personal["opt_out_link"]
        assert personal["survey_name"] == "Invited survey"
        assert outgoing.to == message.case.email
    assert set(Message.objects.values_list("status", flat=True)) == {"delivered"}


def test_queuing_or_sending_a_round_again_sends_nothing_twice(
    invitation_survey: Survey, loaded: Callable[..., Any]
) -> None:
    loaded(5)
    round_ = send(invitation_survey)
    assert round_queue(round_) == 5
    report = round_send(round_, backend=LocalBackend(), pacer=Pacer(0))
    assert report.sent == 0
    assert LocalNotification.objects.count() == 5
    second = send(invitation_survey)
    assert Message.objects.filter(round=second).count() == 0


def test_a_message_attempted_before_its_worker_stopped_is_looked_up_not_sent_again(
    invitation_survey: Survey, loaded: Callable[..., Any]
) -> None:
    loaded(3)
    round_ = new_round(invitation_survey)
    round_queue(round_)
    first = Message.objects.filter(round=round_).order_by("pk").first()
    # The worker sent it, then stopped before recording that it had.
    LocalBackend().send(
        Outgoing(reference=str(first.pk), channel="email", to=first.to, template_id=TEMPLATE)
    )
    Message.objects.filter(pk=first.pk).update(attempted_at=timezone.now())
    round_send(round_, backend=LocalBackend(), pacer=Pacer(0))
    assert LocalNotification.objects.filter(reference=str(first.pk)).count() == 1
    assert LocalNotification.objects.count() == 3
    assert set(Message.objects.values_list("status", flat=True)) == {"delivered"}


def test_an_undeliverable_address_makes_the_case_undeliverable(
    invitation_survey: Survey, loaded: Callable[..., Any]
) -> None:
    loaded(4, undeliverable=[2])
    send(invitation_survey)
    outcomes = dict(Case.objects.values_list("reference", "outcome"))
    assert outcomes["R0002"] == Outcome.UNDELIVERABLE.value
    assert outcomes["R0001"] == Outcome.NO_RETURN.value
    reminder = send(invitation_survey, "reminder")
    assert "R0002" not in messages_to(reminder)  # that address failed: not used again


def test_reminders_go_only_to_the_unfinished_and_untouched(
    invitation_survey: Survey, loaded: Callable[..., Any], bulk_responses
) -> None:
    from tests.conftest import STATE_EMPLOYEE_CLERICAL

    loaded(6)
    send(invitation_survey)
    cases = {case.reference: case for case in Case.objects.all()}
    started = response_for_case(survey=invitation_survey, case=cases["R0001"])
    answer_record(response_id=started.pk, question_key="school_type", code="state")
    done = response_for_case(survey=invitation_survey, case=cases["R0002"])
    for key, code in STATE_EMPLOYEE_CLERICAL.items():
        answer_record(response_id=done.pk, question_key=key, code=code)
    done.refresh_from_db()
    from surveys.responses.lifecycle import response_submit

    response_submit(response_id=done.pk, revision=done.revision)
    case_opt_out(case=cases["R0003"])
    from surveys.fieldwork.cases import case_withdraw

    case_withdraw(case=cases["R0004"])
    reminder = send(invitation_survey, "reminder")
    assert sorted(messages_to(reminder)) == ["R0001", "R0005", "R0006"]


def test_a_case_without_email_gets_a_text_message_when_the_round_has_a_text_template(
    invitation_survey: Survey,
) -> None:
    from tests.fieldwork.conftest import load, sample_csv

    load(
        invitation_survey,
        sample_csv(
            [("T1", "t1@example.org", "07700 900555"), ("T2", "", "07700 900556"), ("T3", "", "")],
            header=("reference", "email", "phone"),
        ),
    )
    round_ = send(invitation_survey, email=TEMPLATE, sms=SMS_TEMPLATE)
    assert messages_to(round_) == {"T1": "email", "T2": "sms"}
    email_only = send(invitation_survey, "reminder", email=TEMPLATE, sms="")
    assert messages_to(email_only) == {"T1": "email"}


def test_invitations_to_cases_added_later_go_only_to_them(
    invitation_survey: Survey, loaded: Callable[..., Any]
) -> None:
    from tests.fieldwork.conftest import load, sample_csv

    loaded(2)
    send(invitation_survey)
    load(invitation_survey, sample_csv([("LATE", "late@example.org")]))
    assert list(messages_to(send(invitation_survey))) == ["LATE"]


def test_the_opt_out_link_asks_first_then_records_a_refusal(
    client: Client, invitation_survey: Survey, loaded: Callable[..., Any]
) -> None:
    loaded(1)
    outbox: list[Outgoing] = []
    send(invitation_survey, outbox=outbox)
    link = outbox[0].personalisation["opt_out_link"]
    path = link.removeprefix("http://testserver")
    page = client.get(path)
    assert page.status_code == 200 and "Stop messages" in page.content.decode()
    assert Case.objects.get().opted_out_at is None  # a link checker's GET changes nothing
    done = client.post(path)
    assert "You will get no more messages" in done.content.decode()
    case = Case.objects.get()
    assert case.opted_out_at is not None and case.outcome == Outcome.REFUSAL.value
    assert client.get(path[:-5] + "xxxx/").status_code == 404
    assert Message.objects.filter(round=send(invitation_survey, "reminder")).count() == 0


def test_the_pacer_spaces_calls_evenly_under_the_rate() -> None:
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    pacer = Pacer(120, clock=lambda: now[0], sleep=sleep)
    for _ in range(5):
        pacer.wait()
    assert slept == [0.5, 0.5, 0.5, 0.5]
    now[0] += 10
    pacer.wait()
    assert len(slept) == 4  # after a pause, no wait
    unpaced = Pacer(0, clock=lambda: now[0], sleep=sleep)
    unpaced.wait()
    unpaced.wait()
    assert len(slept) == 4


def test_send_contacts_command_sends_a_round_and_says_how_many(
    invitation_survey: Survey, loaded: Callable[..., Any]
) -> None:
    loaded(3)
    out = io.StringIO()
    call_command("send_contacts", survey="invited", round="invitation", stdout=out)
    assert out.getvalue().startswith("Sent 3 invitation messages")


def stored_text_holding(needles: list[str]) -> list[str]:
    """Every table and text column (JSON included) of the database that holds any of
    `needles`, as `pg_dump` would show it (case ignored)."""
    patterns = [f"%{needle}%" for needle in needles]
    found = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND data_type IN "
            "('text', 'character varying', 'json', 'jsonb', 'character')"
        )
        for table, column in cursor.fetchall():
            quote = connection.ops.quote_name
            cursor.execute(
                f"SELECT COUNT(*) FROM {quote(table)} "  # noqa: S608
                f"WHERE {quote(column)}::text ILIKE ANY(%s)",
                [patterns],
            )
            if cursor.fetchone()[0]:
                found.append(f"{table}.{column}")
    return found


def test_after_a_local_round_no_code_or_link_is_in_a_log_a_table_or_the_output(
    invitation_survey: Survey,
    loaded: Callable[..., Any],
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    """The local backend keeps and logs each message with its code and links redacted
    (as records reach any handler, before the log's own redaction), prints nothing,
    and no table holds a code or a link's token in any form."""
    loaded(20)
    codes = io.BytesIO()
    codes_write(cases=sample_cases(invitation_survey), survey=invitation_survey, stream=codes)
    rows = list(csv.DictReader(io.StringIO(codes.getvalue().decode())))
    assert len(rows) == 20
    secrets = []
    for row in rows:
        code = row["access_code"]
        secrets += [code, code.replace("-", "").replace(" ", "")]
        secrets.append(row["link"].rstrip("/").rsplit("/", 1)[1])
    caplog.set_level(logging.DEBUG)
    capfd.readouterr()
    assert isinstance(backend(), LocalBackend)  # what the settings name, as send() uses
    round_ = send(invitation_survey)
    assert Message.objects.filter(round=round_, status="delivered").count() == 20
    reminders: list[Outgoing] = []  # the opt-out links, the same in every message
    send(invitation_survey, "reminder", outbox=reminders)
    opt_out_tokens = [
        outgoing.personalisation["opt_out_link"].rstrip("/").rsplit("/", 1)[1]
        for outgoing in reminders
    ]
    assert len(opt_out_tokens) == 20
    printed = capfd.readouterr()
    logged = "\n".join(record.getMessage() for record in caplog.records)
    local_lines = sum("Local email to" in record.getMessage() for record in caplog.records)
    assert local_lines == LocalNotification.objects.count() == 40  # invitations, reminders
    for secret in [*secrets, *opt_out_tokens]:
        assert secret.lower() not in logged.lower()
        assert secret.lower() not in (printed.out + printed.err).lower()
    assert stored_text_holding([*secrets, *opt_out_tokens]) == []
    notification = LocalNotification.objects.first()
    assert notification is not None
    assert notification.personalisation["access_code"] == REDACTED
    assert notification.personalisation["link"] == REDACTED
    assert notification.personalisation["survey_name"] == "Invited survey"


# GOV.UK Notify, through its own client, against a stand-in server on this machine ---------


class FakeNotify(BaseHTTPRequestHandler):
    """Enough of GOV.UK Notify's API for the client: send, list and look up."""

    notifications: list[dict[str, Any]] = []
    refuse: dict[str, tuple[int, str]] = {}

    def log_message(self, *args: Any) -> None:
        pass

    def _answer(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        assert self.headers["Authorization"].startswith("Bearer ")
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        to = body.get("email_address") or body.get("phone_number")
        if to in self.refuse:
            status, message = self.refuse[to]
            self._answer(
                status, {"status_code": status, "errors": [{"error": "Error", "message": message}]}
            )
            return
        identifier = str(uuid.uuid4())
        self.notifications.insert(
            0,
            {
                "id": identifier,
                "reference": body.get("reference"),
                "status": "sending",
                "created_at": timezone.now().isoformat(),
                "body": body,
            },
        )
        self._answer(201, {"id": identifier, "reference": body.get("reference")})

    def do_GET(self) -> None:
        from urllib.parse import parse_qs, urlparse

        query = parse_qs(urlparse(self.path).query)
        found = self.notifications
        if "reference" in query:
            found = [n for n in found if n["reference"] == query["reference"][0]]
        if "older_than" in query:
            ids = [n["id"] for n in found]
            found = found[ids.index(query["older_than"][0]) + 1 :]
        self._answer(200, {"notifications": found[:2], "links": {}})


@pytest.fixture
def notify_server() -> Iterator[str]:
    FakeNotify.notifications = []
    FakeNotify.refuse = {}
    server = HTTPServer(("127.0.0.1", 0), FakeNotify)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


API_KEY = "test_key-" + str(uuid.uuid4()) + "-" + str(uuid.uuid4())


def test_the_notify_backend_sends_through_notifys_client_and_follows_delivery(
    invitation_survey: Survey, loaded: Callable[..., Any], notify_server: str
) -> None:
    loaded(3, undeliverable=[])
    backend = NotifyBackend(api_key=API_KEY, base_url=notify_server)
    round_ = new_round(invitation_survey)
    round_queue(round_)
    report = round_send(round_, backend=backend, pacer=Pacer(0))
    assert report.sent == 3
    sent = FakeNotify.notifications
    assert {n["body"]["template_id"] for n in sent} == {TEMPLATE}
    assert {n["reference"] for n in sent} == {
        str(pk) for pk in Message.objects.values_list("pk", flat=True)
    }
    assert all("access_code" in n["body"]["personalisation"] for n in sent)
    assert set(Message.objects.values_list("status", flat=True)) == {"sent"}
    # Notify later reports one delivered and one undeliverable; the third still sending.
    sent[0]["status"] = "delivered"
    sent[1]["status"] = "permanent-failure"
    assert message_statuses_update(backend=backend) == 2
    by_provider = dict(Message.objects.values_list("provider_id", "status"))
    assert by_provider[sent[0]["id"]] == "delivered"
    assert by_provider[sent[1]["id"]] == "permanent_failure"
    assert by_provider[sent[2]["id"]] == "sent"
    failed_case = Message.objects.get(provider_id=sent[1]["id"]).case
    assert failed_case.outcome == Outcome.UNDELIVERABLE.value
    assert backend.find(sent[2]["reference"]) == Sent(provider_id=sent[2]["id"], status="sent")


def test_notify_refusing_an_address_marks_it_undeliverable_and_a_bad_template_stops_the_round(
    invitation_survey: Survey, loaded: Callable[..., Any], notify_server: str
) -> None:
    loaded(2)
    FakeNotify.refuse = {
        "person1@example.org": (400, "email_address Not a valid email address"),
    }
    backend = NotifyBackend(api_key=API_KEY, base_url=notify_server)
    with pytest.raises(AddressRefused):
        backend.send(
            Outgoing(reference="1", channel="email", to="person1@example.org", template_id=TEMPLATE)
        )
    FakeNotify.refuse = {"person2@example.org": (400, "Template not found")}
    with pytest.raises(BackendMisconfigured, match="Template not found"):
        backend.send(
            Outgoing(reference="2", channel="email", to="person2@example.org", template_id=TEMPLATE)
        )
    FakeNotify.refuse = {"person2@example.org": (429, "Exceeded rate limit")}
    with pytest.raises(BackendBusy):
        backend.send(
            Outgoing(reference="2", channel="email", to="person2@example.org", template_id=TEMPLATE)
        )


def test_the_notify_backend_needs_an_api_key() -> None:
    with pytest.raises(BackendMisconfigured, match="NOTIFY_API_KEY"):
        NotifyBackend(api_key="", base_url="http://127.0.0.1:9")
