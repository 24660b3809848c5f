"""Reaching an invitation-only survey: personal links, access codes, the guessing
limit, one complete response per case, and secrets kept out of addresses and logs."""

from __future__ import annotations

import io
import logging
from datetime import datetime
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from seb.standard import Mode
from surveys.fieldwork.cases import case_create, case_withdraw
from surveys.fieldwork.issuing import NewCase, credentials_regenerate
from surveys.logging import RedactIdentifiers, redact
from surveys.models import Case, GuessWindow, Response, Survey
from surveys.responses.lifecycle import Refused, response_for_case, response_start, response_submit
from tests.conftest import STATE_EMPLOYEE_CLERICAL

pytestmark = pytest.mark.django_db


@pytest.fixture
def invited_case(invitation_survey: Survey):
    return case_create(survey=invitation_survey, new=NewCase(reference="P1"))


def link_path(survey: Survey, token: str) -> str:
    return f"/s/{survey.slug}/k/{token}/"


def answer_everything(client: Client, slug: str, answers: dict[str, str]) -> None:
    for key, code in answers.items():
        response = client.post(f"/s/{slug}/questions/{key}/", {"answer": code})
        assert response.status_code == 302, response.content.decode()[:300]
    revision = Response.objects.filter(survey__slug=slug).latest("updated_at").revision
    response = client.post(f"/s/{slug}/check-your-answers/", {"revision": revision})
    assert response["Location"] == f"/s/{slug}/complete/"


def test_an_invitation_only_surveys_page_asks_for_the_access_code_and_cannot_be_started_without(
    client: Client, invitation_survey: Survey
) -> None:
    page = client.get("/s/invited/").content.decode()
    assert "Enter your access code" in page
    assert "Start now" not in page
    refused = client.post("/s/invited/")
    assert refused.status_code == 403
    assert not Response.objects.exists()


def test_a_personal_link_binds_the_browser_and_redirects_to_an_address_without_the_secret(
    client: Client, invitation_survey: Survey, invited_case
) -> None:
    case, credentials = invited_case
    response = client.get(link_path(invitation_survey, credentials.link_token))
    assert response.status_code == 302
    assert response["Location"] == "/s/invited/"
    assert credentials.link_token not in response["Location"]
    # The survey's start page first (what it is for, its privacy notice), then the questions.
    start = client.get("/s/invited/")
    assert start.status_code == 200
    page = start.content.decode()
    assert (
        'href="/s/invited/privacy/"' in page and 'href="/s/invited/questions/school_type/"' in page
    )
    started = Response.objects.get()
    assert (started.case, started.mode, started.is_test) == (case, Mode.ONLINE, False)


def test_the_same_link_on_a_second_device_carries_on_the_same_response(
    invitation_survey: Survey, invited_case
) -> None:
    _, credentials = invited_case
    first, second = Client(), Client()
    first.get(link_path(invitation_survey, credentials.link_token))
    first.post("/s/invited/questions/school_type/", {"answer": "state"})
    second.get(link_path(invitation_survey, credentials.link_token))
    assert second.get("/s/invited/")["Location"] == "/s/invited/questions/free_school_meals/"
    assert Response.objects.count() == 1


def test_an_access_code_however_typed_works_like_the_link(
    client: Client, invitation_survey: Survey, invited_case
) -> None:
    case, credentials = invited_case
    typed = " " + credentials.access_code.lower().replace(" ", "-") + " "
    response = client.post("/s/invited/access-code/", {"access_code": typed})
    assert response.status_code == 302 and response["Location"] == "/s/invited/"
    assert Response.objects.get().case == case


def test_a_wrong_code_gets_one_clear_message_with_the_tries_left(
    client: Client, invitation_survey: Survey, invited_case
) -> None:
    response = client.post("/s/invited/access-code/", {"access_code": "ABCD EFGH JKMN PQRS"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "The access code is not right" in page
    assert "There is a problem" in page
    assert "You can try 99 more codes in the next" in page
    assert not Response.objects.exists()


@pytest.mark.parametrize(("typed", "length"), [("not a code", 8), ("2345", 4), ("A" * 17, 17)])
def test_a_code_of_the_wrong_length_is_said_to_be_one_and_not_counted(
    client: Client, invitation_survey: Survey, typed: str, length: int
) -> None:
    response = client.post("/s/invited/access-code/", {"access_code": typed})
    assert response.status_code == 400
    assert f"An access code is 16 characters. You entered {length}" in response.content.decode()
    assert not GuessWindow.objects.exists()


def test_an_empty_code_asks_for_one(client: Client, invitation_survey: Survey) -> None:
    response = client.post("/s/invited/access-code/", {"access_code": ""})
    assert response.status_code == 400
    assert "Enter your access code" in response.content.decode()


WRONG = "ABCD EFGH JKMN PQRS"


@override_settings(ACCESS_CODE_TRIES_PER_ADDRESS=3)
def test_a_guesser_at_one_address_waits_and_a_link_from_there_still_works(
    invitation_survey: Survey, invited_case
) -> None:
    _, credentials = invited_case
    guesser = Client(REMOTE_ADDR="203.0.113.9")
    codes = ["ABCD EFGH JKMN PQRS", "ABCD EFGH JKMN PQRT", "ABCD EFGH JKMN PQRV"]
    first, second = (guesser.post("/s/invited/access-code/", {"access_code": c}) for c in codes[:2])
    assert (first.status_code, second.status_code) == (400, 400)
    assert "You can try 1 more code in the next" in second.content.decode()
    third = guesser.post("/s/invited/access-code/", {"access_code": codes[2]})
    assert third.status_code == 429
    assert "Too many attempts" in third.content.decode()
    blocked = guesser.post("/s/invited/access-code/", {"access_code": credentials.access_code})
    assert blocked.status_code == 429
    assert not Response.objects.exists()
    link = guesser.get(link_path(invitation_survey, credentials.link_token))
    assert (link.status_code, link["Location"]) == (302, "/s/invited/")
    other = Client(REMOTE_ADDR="198.51.100.7")
    assert (
        other.post("/s/invited/access-code/", {"access_code": credentials.access_code}).status_code
        == 302
    )


@override_settings(ACCESS_CODE_TRIES_PER_CODE=2)
def test_one_persons_repeated_wrong_code_never_locks_out_others_at_their_address(
    invitation_survey: Survey, invited_case
) -> None:
    _, credentials = invited_case
    office = "192.0.2.50"
    typist = Client(REMOTE_ADDR=office)
    assert typist.post("/s/invited/access-code/", {"access_code": WRONG}).status_code == 400
    again = typist.post("/s/invited/access-code/", {"access_code": WRONG.lower()})
    assert again.status_code == 429
    assert "This access code has been entered 2 times" in again.content.decode()
    assert typist.post("/s/invited/access-code/", {"access_code": WRONG}).status_code == 429
    colleague = Client(REMOTE_ADDR=office)
    entered = colleague.post("/s/invited/access-code/", {"access_code": credentials.access_code})
    assert (entered.status_code, entered["Location"]) == (302, "/s/invited/")


@override_settings(ACCESS_CODE_TRIES_PER_SURVEY=2)
def test_guessing_from_many_addresses_meets_the_survey_ceiling_but_links_still_work(
    invitation_survey: Survey, invited_case
) -> None:
    _, credentials = invited_case
    for n, code in enumerate(["ABCD EFGH JKMN PQRS", "ABCD EFGH JKMN PQRT"]):
        Client(REMOTE_ADDR=f"203.0.113.{n + 1}").post(
            "/s/invited/access-code/", {"access_code": code}
        )
    someone = Client(REMOTE_ADDR="198.51.100.7")
    refused = someone.post("/s/invited/access-code/", {"access_code": credentials.access_code})
    assert refused.status_code == 429
    link = someone.get(link_path(invitation_survey, credentials.link_token))
    assert link.status_code == 302


def test_wrong_links_are_never_counted_or_refused(invitation_survey: Survey, invited_case) -> None:
    _, credentials = invited_case
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(12):
        assert client.get(link_path(invitation_survey, "x" * 43)).status_code == 404
    assert not GuessWindow.objects.exists()
    assert client.get(link_path(invitation_survey, credentials.link_token)).status_code == 302


def test_a_wrong_link_says_the_link_is_not_working_and_offers_the_code(
    client: Client, invitation_survey: Survey, invited_case
) -> None:
    response = client.get(link_path(invitation_survey, "x" * 43))
    assert response.status_code == 404
    page = response.content.decode()
    assert "This link is not working" in page and "Enter your access code" in page


def test_a_case_completes_once_and_its_code_then_says_so(
    invitation_survey: Survey, invited_case
) -> None:
    case, credentials = invited_case
    first = Client()
    first.get(link_path(invitation_survey, credentials.link_token))
    answer_everything(first, "invited", STATE_EMPLOYEE_CLERICAL)
    again = Client()
    response = again.post("/s/invited/access-code/", {"access_code": credentials.access_code})
    assert response.status_code == 200
    assert "You have already completed this survey" in response.content.decode()
    assert (
        "You have already completed this survey"
        in again.get(link_path(invitation_survey, credentials.link_token)).content.decode()
    )
    assert Response.objects.filter(case=case).count() == 1


def test_a_second_response_of_a_case_cannot_be_completed(
    invitation_survey: Survey, invited_case
) -> None:
    case, _ = invited_case
    online = response_for_case(survey=invitation_survey, case=case)
    phone = response_start(survey=invitation_survey, mode=Mode.TELEPHONE, case=case)
    for response in (online, phone):
        for key, code in STATE_EMPLOYEE_CLERICAL.items():
            from surveys.responses.lifecycle import answer_record

            answer_record(response_id=response.pk, question_key=key, code=code)
    online.refresh_from_db()
    phone.refresh_from_db()
    response_submit(response_id=online.pk, revision=online.revision)
    with pytest.raises(Refused, match="already been completed"):
        response_submit(response_id=phone.pk, revision=phone.revision)
    with pytest.raises(Refused, match="already been completed"):
        response_for_case(survey=invitation_survey, case=case)
    assert Response.objects.filter(case=case, status="complete").count() == 1


def test_regenerated_and_withdrawn_cases_old_secrets_stop_working(
    client: Client, invitation_survey: Survey, invited_case
) -> None:
    case, old = invited_case
    (new,) = list(credentials_regenerate(cases=[case]))
    assert (
        client.post("/s/invited/access-code/", {"access_code": old.access_code}).status_code == 400
    )
    assert client.get(link_path(invitation_survey, old.link_token)).status_code == 404
    assert (
        client.post("/s/invited/access-code/", {"access_code": new.access_code}).status_code == 302
    )
    case_withdraw(case=Case.objects.get(pk=case.pk))
    assert (
        Client().post("/s/invited/access-code/", {"access_code": new.access_code}).status_code
        == 400
    )


def test_a_link_followed_on_a_shared_browser_switches_it_to_that_persons_response(
    client: Client, invitation_survey: Survey
) -> None:
    _, first = case_create(survey=invitation_survey, new=NewCase(reference="S1"))
    second_case, second = case_create(survey=invitation_survey, new=NewCase(reference="S2"))
    client.get(link_path(invitation_survey, first.link_token))
    client.get(link_path(invitation_survey, second.link_token))
    client.post("/s/invited/questions/school_type/", {"answer": "independent"})
    assert Response.objects.get(case=second_case).school_type == "independent"


def test_a_survey_open_to_both_offers_start_now_and_the_code(client: Client, make_survey) -> None:
    make_survey("both", access=Survey.Access.BOTH)
    page = client.get("/s/both/").content.decode()
    assert "Start now" in page and "Enter your access code" in page
    assert client.post("/s/both/")["Location"] == "/s/both/questions/school_type/"


def test_an_open_survey_takes_no_access_codes(client: Client, survey: Survey) -> None:
    assert "access code" not in client.get(f"/s/{survey.slug}/").content.decode()
    assert client.post(f"/s/{survey.slug}/access-code/", {"access_code": "x"}).status_code == 404


def test_a_closed_survey_refuses_links_and_codes(
    client: Client, invitation_survey: Survey, invited_case
) -> None:
    from django.utils import timezone

    _, credentials = invited_case
    invitation_survey.closes_at = timezone.now()
    invitation_survey.save()
    assert client.get(link_path(invitation_survey, credentials.link_token)).status_code == 403
    assert not Response.objects.exists()


# Logs ---------------------------------------------------------------------------


def test_link_tokens_opt_out_tokens_and_codes_are_redacted_from_log_lines() -> None:
    token = "X9ReljtCDT69ysD00CRCqpVo6bQJaA0NZj6gHbrxJwQ"
    line = (
        f'"GET /s/invited/k/{token}/ HTTP/1.1" 302 0 '
        '"GET /s/invited/opt-out/MQ:1xXki3:jY4mTBomKbhATESY/ HTTP/1.1" '
        "code=rgrf-erv7-4vbj-9qpg and RGRF ERV7 4VBJ 9QPG and RGRF%20ERV74VBJ+9QPG"
    )
    redacted = redact(line)
    assert token not in redacted and "jY4mTBom" not in redacted
    assert "RGRF" not in redacted.upper()
    assert redacted.count("[code]") == 3
    assert "/s/invited/k/[secret]/" in redacted


def test_runservers_request_lines_are_redacted(client: Client, invitation_survey: Survey) -> None:
    handler = logging.getLogger("django.server").handlers[0]
    assert any(isinstance(f, RedactIdentifiers) for f in handler.filters)


def test_gunicorns_access_log_is_redacted(tmp_path) -> None:
    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    config = Config()
    config.set("config", "config/gunicorn.py")
    namespace: dict[str, object] = {}
    exec(Path("config/gunicorn.py").read_text(), namespace)  # noqa: S102
    config.set("logconfig_dict", namespace["logconfig_dict"])
    config.set("accesslog", "-")
    logger = Logger(config)
    output = io.StringIO()
    handler = logging.getLogger("gunicorn.access").handlers[0]
    handler.setStream(output)  # type: ignore[attr-defined]

    class Answer:
        status = "302 Found"
        response_length = 0
        headers: list[tuple[str, str]] = []
        sent = 0

    class Request:
        method = "GET"
        uri = "/s/demo/k/abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG/"
        path = uri
        query = ""
        version = (1, 1)
        headers: list[tuple[str, str]] = []

    from datetime import timedelta

    environ = {
        "REMOTE_ADDR": "127.0.0.1",
        "REQUEST_METHOD": "GET",
        "RAW_URI": Request.uri,
        "PATH_INFO": Request.uri,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": "https://example.org/s/demo/k/abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG/",
    }
    logger.access(Answer(), Request(), environ, timedelta(seconds=0.01))
    line = output.getvalue()
    assert "/s/demo/k/[secret]/" in line
    assert "abcdefghijklmnop" not in line
    assert line.count("[secret]") == 2


def test_a_survey_not_yet_open_gives_its_time_once_with_one_full_stop(
    client: Client, invitation_survey: Survey
) -> None:
    opens = timezone.make_aware(datetime(2099, 3, 4, 14, 30))
    invitation_survey.opens_at = opens
    invitation_survey.save()
    page = client.get("/s/invited/").content.decode()
    assert "It opens on 4 March 2099 at 2:30pm. Come back" in page
    assert ".." not in page


@override_settings(PROXY_COUNT=1, ACCESS_CODE_TRIES_PER_ADDRESS=2)
def test_behind_a_proxy_each_client_is_counted_apart_and_a_forged_address_is_not_believed(
    invitation_survey: Survey, invited_case
) -> None:
    """Everyone reaches the service from the proxy's address; the limits count the
    address the proxy saw, not the proxy, nor what a client writes in the header."""
    _, credentials = invited_case
    guesser = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert guesser.post("/s/invited/access-code/", {"access_code": WRONG}).status_code == 400
    forged = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.5")
    assert forged.post("/s/invited/access-code/", {"access_code": WRONG}).status_code == 429
    neighbour = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.20")
    entered = neighbour.post("/s/invited/access-code/", {"access_code": credentials.access_code})
    assert entered.status_code == 302


def test_a_code_is_counted_before_it_is_looked_up_and_a_right_one_is_given_back(
    invitation_survey: Survey, invited_case, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Requests sent at once are each counted before any is checked; a right code
    leaves no count behind for the address or the survey."""
    from surveys.views import respondent

    _, credentials = invited_case
    counted_at_lookup: list[int] = []
    looked_up = respondent.case_by_access_code

    def look_up(**kwargs: object) -> object:
        counted_at_lookup.append(sum(GuessWindow.objects.values_list("count", flat=True)))
        return looked_up(**kwargs)

    monkeypatch.setattr(respondent, "case_by_access_code", look_up)
    client = Client(REMOTE_ADDR="203.0.113.77")
    entered = client.post("/s/invited/access-code/", {"access_code": credentials.access_code})
    assert entered.status_code == 302
    assert counted_at_lookup == [3]  # the code, the address and the survey, already
    assert set(GuessWindow.objects.values_list("count", flat=True)) == {0}
