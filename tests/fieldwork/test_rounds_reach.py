"""Contact rounds reach only people who can take part: no round while the survey is a
draft or closed; texts to mobiles only (numbers classified at load); letters as a PDF
and a print supplier's CSV, for the survey's managers only; a preview of each message
with a real case's details before anything is sent; and no message or letter to a
case that opted out, refused, was withdrawn, completed, or has no address for it."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from seb.letters import address_split
from seb.phones import PhoneKind, phone_classify
from surveys.access import SURVEY_MANAGER
from surveys.fieldwork.cases import case_by_access_code, case_opt_out, case_withdraw
from surveys.fieldwork.contacts import (
    RoundRefused,
    RoundStopped,
    round_queue,
    round_send,
)
from surveys.fieldwork.notify import LocalBackend, Outgoing, Pacer
from surveys.models import Case, ContactRound, Message, Survey, SurveyMember, TeamRole
from tests.fieldwork.conftest import EMAIL_TEMPLATE as EMAIL
from tests.fieldwork.conftest import load, sample_csv
from tests.fieldwork.conftest import new_round as fieldwork_round

pytestmark = pytest.mark.django_db

SMS = "0e3bd8b1-5f4c-4c2e-9a57-6d1f0c2d9e01"
HEADER = ("reference", "name", "email", "phone", "address")


@pytest.fixture(autouse=True)
def public_address(settings: Any) -> None:
    settings.PUBLIC_BASE_URL = "https://surveys.example.org"


def new_round(
    survey: Survey, *, letters: bool = False, sms: str = SMS, email: str = EMAIL
) -> ContactRound:
    """An invitation by email and text (or by letter)."""
    return fieldwork_round(survey, email=email, sms=sms, letters=letters)


def sent_to(round_: ContactRound) -> dict[str, str]:
    return dict(Message.objects.filter(round=round_).values_list("case__reference", "channel"))


# Draft and closed surveys ---------------------------------------------------------------


def test_no_round_is_made_while_the_survey_is_a_draft(invitation_survey: Survey) -> None:
    invitation_survey.is_draft = True
    invitation_survey.save()
    with pytest.raises(RoundRefused, match="is a draft"):
        new_round(invitation_survey)
    with pytest.raises(RoundRefused, match="is a draft"):
        new_round(invitation_survey, letters=True)
    assert not ContactRound.objects.exists()


def test_no_round_is_made_once_the_survey_has_closed(invitation_survey: Survey) -> None:
    invitation_survey.closes_at = timezone.now() - timedelta(minutes=1)
    invitation_survey.save()
    with pytest.raises(RoundRefused, match="has closed"):
        new_round(invitation_survey)
    assert not ContactRound.objects.exists()


def test_a_round_made_before_the_survey_closed_sends_nothing_after(
    invitation_survey: Survey,
) -> None:
    load(invitation_survey, sample_csv([("C1", "c1@example.org")]))
    round_ = new_round(invitation_survey)
    round_queue(round_)
    invitation_survey.closes_at = timezone.now() - timedelta(minutes=1)
    invitation_survey.save()
    outbox: list[Outgoing] = []
    with pytest.raises(RoundStopped, match="has closed"):
        round_send(round_, backend=LocalBackend(outbox=outbox), pacer=Pacer(0))
    assert outbox == []
    assert set(Message.objects.values_list("status", flat=True)) == {"queued"}


@pytest.mark.parametrize("state", ["draft", "closed"])
def test_the_contacts_page_refuses_a_round_with_a_clear_message(
    manager_client: Client, invitation_survey: Survey, state: str
) -> None:
    if state == "draft":
        invitation_survey.is_draft = True
    else:
        invitation_survey.closes_at = timezone.now() - timedelta(minutes=1)
    invitation_survey.save()
    url = f"/manage/{invitation_survey.slug}/contacts/"
    page = manager_client.get(url).content.decode()
    assert "is a draft: publish it" in page if state == "draft" else "has closed" in page
    assert 'name="kind"' not in page  # no form to send with
    response = manager_client.post(
        url, {"kind": "invitation", "email_template_id": EMAIL, "confirmed": "yes"}
    )
    assert response.status_code == 400
    assert ("is a draft" if state == "draft" else "has closed") in response.content.decode()
    assert 'href="#id_' not in response.content.decode()  # no link to a form not shown
    assert not ContactRound.objects.exists()


# Phone numbers ---------------------------------------------------------------------------


def test_phone_numbers_are_classified_as_mobiles_landlines_or_invalid() -> None:
    assert phone_classify("07911 123456").kind is PhoneKind.MOBILE
    assert phone_classify("07911 123456").e164 == "+447911123456"
    assert phone_classify("+44 7700 900123").mobile  # Ofcom's drama range
    assert phone_classify("0161 496 0000").kind is PhoneKind.LANDLINE
    assert phone_classify("020 7946 0000").kind is PhoneKind.LANDLINE
    assert phone_classify("0161 496").kind is PhoneKind.INVALID
    assert phone_classify("01234").kind is PhoneKind.INVALID


def test_an_invalid_phone_number_is_a_problem_in_the_sample(invitation_survey: Survey) -> None:
    report = load(
        invitation_survey,
        sample_csv([("P1", "0161 496 00"), ("P2", "07911 123456")], header=("reference", "phone")),
    )
    assert not report.ok
    assert [(p.line, p.column) for p in report.problems] == [(2, "phone")]
    assert not Case.objects.exists()


def test_landlines_are_reported_at_load_kept_for_calls_and_never_texted(
    invitation_survey: Survey,
) -> None:
    report = load(
        invitation_survey,
        sample_csv(
            [("M1", "07911 123456"), ("L1", "0161 496 0000"), ("L2", "020 7946 0123"), ("N", "")],
            header=("reference", "phone"),
        ),
    )
    assert report.ok
    assert report.phones is not None
    assert (report.phones.mobiles, report.phones.landlines) == (1, 2)
    assert report.phones.landline_references == ["L1", "L2"]
    assert report.as_data()["phones"]["landlines"] == 2
    flags = dict(Case.objects.values_list("reference", "phone_mobile"))
    assert flags == {"M1": True, "L1": False, "L2": False, "N": False}
    assert Case.objects.get(reference="L1").phone == "0161 496 0000"  # kept for calls
    round_ = new_round(invitation_survey)
    round_queue(round_)
    assert sent_to(round_) == {"M1": "sms"}


def test_the_load_page_reports_the_landlines(
    manager_client: Client, invitation_survey: Survey
) -> None:
    upload = io.BytesIO(sample_csv([("L1", "0161 496 0000")], header=("reference", "phone")))
    upload.name = "sample.csv"
    job = manager_client.post(f"/manage/{invitation_survey.slug}/sample/upload/", {"file": upload})[
        "Location"
    ]
    page = manager_client.get(job).content.decode()
    assert "1 case has a phone number that is not a mobile" in page
    assert "L1" in page


# Who a round reaches, channel by channel ---------------------------------------------------


def unreachable_sample(survey: Survey) -> None:
    """A case for each reason not to contact, each with every kind of address; one
    case that can be reached; one with no address for any channel."""
    rows = [
        (
            reference,
            "Pat",
            f"{reference.lower()}@example.org",
            "07911 12345" + str(n),
            "1 Road Leeds LS1 4AP",
        )
        for n, reference in enumerate(["OK", "OPTED", "REFUSED", "WITHDRAWN", "COMPLETE"])
    ]
    rows.append(("NOWHERE", "Sam", "", "0161 496 0000", ""))
    load(survey, sample_csv(rows, header=HEADER))
    case_opt_out(case=Case.objects.get(reference="OPTED"))
    case_withdraw(case=Case.objects.get(reference="WITHDRAWN"))
    Case.objects.filter(reference="REFUSED").update(outcome="2.11")
    Case.objects.filter(reference="COMPLETE").update(outcome="1.1")


@pytest.mark.parametrize(
    ("channel", "templates"),
    [("email", {"email": EMAIL, "sms": ""}), ("sms", {"email": "", "sms": SMS}), ("letter", {})],
)
def test_no_channel_reaches_a_case_out_of_the_survey_or_without_an_address_for_it(
    invitation_survey: Survey, channel: str, templates: dict[str, str]
) -> None:
    unreachable_sample(invitation_survey)
    round_ = new_round(invitation_survey, letters=channel == "letter", **templates)
    round_queue(round_)
    assert sent_to(round_) == {"OK": channel}


def test_a_text_without_a_mobile_and_a_letter_without_an_address_reach_nobody(
    invitation_survey: Survey,
) -> None:
    load(
        invitation_survey,
        sample_csv([("LAND", "", "", "0161 496 0000", "")], header=HEADER),
    )
    for letters in (False, True):
        round_ = new_round(invitation_survey, letters=letters)
        assert round_queue(round_) == 0


def test_a_case_that_opts_out_after_the_round_was_queued_gets_nothing(
    invitation_survey: Survey,
) -> None:
    load(invitation_survey, sample_csv([("A", "a@example.org"), ("B", "b@example.org")]))
    round_ = new_round(invitation_survey)
    round_queue(round_)
    case_opt_out(case=Case.objects.get(reference="B"))
    outbox: list[Outgoing] = []
    report = round_send(round_, backend=LocalBackend(outbox=outbox), pacer=Pacer(0))
    assert [outgoing.to for outgoing in outbox] == ["a@example.org"]
    assert (report.sent, report.dropped) == (1, 1)
    assert sent_to(round_) == {"A": "email"}


# Previews ----------------------------------------------------------------------------------


def test_the_confirm_page_previews_each_message_for_a_case_the_round_reaches(
    manager_client: Client, invitation_survey: Survey
) -> None:
    unreachable_sample(invitation_survey)
    load(invitation_survey, sample_csv([("TEXT", "Kim", "", "07911 123999", "")], header=HEADER))
    url = f"/manage/{invitation_survey.slug}/contacts/"
    form = {
        "channel": "messages",
        "kind": "invitation",
        "email_template_id": EMAIL,
        "sms_template_id": SMS,
    }
    response = manager_client.post(url, form)
    page = response.content.decode()
    assert response.status_code == 200
    assert not ContactRound.objects.exists()  # nothing made, nothing sent yet
    assert "Email, as case OK would get it" in page
    assert "Text message, as case TEXT would get it" in page
    assert "OPTED" not in page and "NOWHERE" not in page
    assert "To: ok@example.org" in page
    codes = re.findall(r"access code: ([A-Z0-9 -]{16,24})<", page)
    assert codes, page
    assert case_by_access_code(survey=invitation_survey, typed=codes[0]).reference == "OK"
    assert "https://surveys.example.org/s/invited/l/" in page or "/s/invited/" in page
    # Sending is a second, confirmed step.
    response = manager_client.post(url, {**form, "confirmed": "yes"})
    assert response.status_code == 302
    assert sent_to(ContactRound.objects.get()) == {"OK": "email", "TEXT": "sms"}


def test_the_confirm_page_previews_a_letter(
    manager_client: Client, invitation_survey: Survey
) -> None:
    unreachable_sample(invitation_survey)
    page = manager_client.post(
        f"/manage/{invitation_survey.slug}/contacts/", {"channel": "letters", "kind": "invitation"}
    ).content.decode()
    assert "Letter, as case OK would get it" in page
    assert "LS1 4AP" in page
    assert "Make the letters" in page


# Letters -------------------------------------------------------------------------------------


def other_manager() -> User:
    user = User.objects.create_user(username="other-manager", password="x")
    from django.contrib.auth.models import Group

    user.groups.add(Group.objects.get_or_create(name=SURVEY_MANAGER)[0])
    return user


def test_a_letter_round_makes_a_pdf_and_a_supplier_csv_for_the_surveys_managers_only(
    manager_client: Client, invitation_survey: Survey, make_survey: Any
) -> None:
    unreachable_sample(invitation_survey)
    url = f"/manage/{invitation_survey.slug}/contacts/"
    job = manager_client.post(
        url, {"channel": "letters", "kind": "invitation", "confirmed": "yes"}
    )["Location"]
    assert "1 letters made" in manager_client.get(job).content.decode()
    round_ = ContactRound.objects.get()
    assert round_.letters
    assert dict(Message.objects.values_list("case__reference", "status")) == {"OK": "sent"}
    page = manager_client.get(
        f"/manage/{invitation_survey.slug}/rounds/{round_.pk}/"
    ).content.decode()
    base = f"/manage/{invitation_survey.slug}/rounds/{round_.pk}/files/"
    assert base + "letters.pdf" in page and base + "letters.csv" in page
    pdf = b"".join(manager_client.get(base + "letters.pdf").streaming_content)
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page>") >= 1
    rows = list(
        csv.DictReader(
            io.StringIO(
                b"".join(manager_client.get(base + "letters.csv").streaming_content).decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert [row["reference"] for row in rows] == ["OK"]
    assert rows[0]["postcode"] == "LS1 4AP" and rows[0]["address_line_1"] == "1 Road Leeds"
    assert (
        case_by_access_code(survey=invitation_survey, typed=rows[0]["access_code"]).reference
        == "OK"
    )
    assert rows[0]["link"].startswith("https://surveys.example.org/s/invited/")
    # Another survey's manager: not found, for the page and each file.
    other_survey = make_survey("other", name="Other")
    stranger = other_manager()
    SurveyMember.objects.create(survey=other_survey, user=stranger, role=TeamRole.MANAGER)
    client = Client()
    client.force_login(stranger)
    for path in (
        f"/manage/{invitation_survey.slug}/rounds/{round_.pk}/",
        base + "letters.pdf",
        base + "letters.csv",
    ):
        assert client.get(path).status_code == 404
    # ...nor through their own survey's address.
    assert client.get(f"/manage/other/rounds/{round_.pk}/files/letters.pdf").status_code == 404


def test_the_supplier_csv_is_formula_safe(
    invitation_survey: Survey, manager_client: Client
) -> None:
    load(
        invitation_survey,
        sample_csv([("F1", "=HYPERLINK(1)", "", "", "2 Lane LS2 7EW")], header=HEADER),
    )
    manager_client.post(
        f"/manage/{invitation_survey.slug}/contacts/",
        {"channel": "letters", "kind": "invitation", "confirmed": "yes"},
    )
    round_ = ContactRound.objects.get()
    content = b"".join(
        manager_client.get(
            f"/manage/{invitation_survey.slug}/rounds/{round_.pk}/files/letters.csv"
        ).streaming_content
    ).decode("utf-8-sig")
    assert ",'=HYPERLINK(1)," in content or ',"\'=HYPERLINK(1)",' in content


def test_addresses_split_into_lines_and_a_postcode() -> None:
    assert address_split("Flat 2\n12 High Street, Leeds\nls1 4ap") == (
        ["Flat 2", "12 High Street", "Leeds"],
        "LS1 4AP",
    )
    assert address_split("1 Road, Town SW1A1AA") == (["1 Road", "Town"], "SW1A 1AA")
    assert address_split("No postcode here") == (["No postcode here"], "")


def test_a_phone_changed_on_the_case_page_is_classified_again(
    manager_client: Client, invitation_survey: Survey
) -> None:
    load(invitation_survey, sample_csv([("E1", "0161 496 0000")], header=("reference", "phone")))
    case = Case.objects.get(reference="E1")
    assert not case.phone_mobile
    url = f"/manage/{invitation_survey.slug}/cases/{case.pk}/edit/"
    bad = manager_client.post(url, {"reference": "E1", "phone": "0161 496 00"})
    assert bad.status_code == 400 and "Enter a phone number" in bad.content.decode()
    manager_client.post(url, {"reference": "E1", "phone": "07911 123456"})
    assert Case.objects.get(pk=case.pk).phone_mobile
