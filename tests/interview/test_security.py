"""Staff sign-in: lockout after repeated failures, Argon2 hashes, and the idle timeout."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client, override_settings

from surveys.access import INTERVIEWER
from surveys.middleware import LAST_SEEN_KEY
from tests.conftest import STAFF_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/staff/login/"


@pytest.fixture
def interviewer(make_staff: Callable[..., User]) -> User:
    """An interviewer with a password (the package's own fixture signs in without one)."""
    return make_staff("interviewer", INTERVIEWER)


def sign_in(client: Client, username: str, password: str) -> object:
    return client.post(LOGIN, {"username": username, "password": password})


def test_an_interviewer_who_signs_in_lands_on_their_cases(
    client: Client, interviewer: User
) -> None:
    response = sign_in(client, interviewer.username, STAFF_PASSWORD)
    assert response.status_code == 302
    page = client.get(response["Location"], follow=True)
    assert page.redirect_chain[-1][0] == "/interview/"
    assert "Your cases" in page.content.decode()


def test_sign_in_is_locked_after_the_failure_limit_even_with_the_right_password(
    client: Client, interviewer: User
) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, interviewer.username, "wrong-password")
    response = sign_in(client, interviewer.username, STAFF_PASSWORD)
    assert response.status_code == 429
    assert "Your account is locked" in response.content.decode()
    assert client.get("/interview/").status_code == 302  # still signed out


def test_one_failure_fewer_than_the_limit_does_not_lock_the_account(
    client: Client, interviewer: User
) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, interviewer.username, "wrong-password")
    response = sign_in(client, interviewer.username, STAFF_PASSWORD)
    assert response.status_code == 302
    assert client.get("/interview/").status_code == 200


def test_failures_from_many_addresses_lock_the_username(
    interviewer: User, make_staff: Callable[..., User]
) -> None:
    """Forty wrong passwords from ten addresses (four each, under the limit for any
    one address) lock the username, from every address; another username is not."""
    for attempt in range(40):
        address = f"198.51.100.{attempt % 10 + 1}"
        Client(REMOTE_ADDR=address).post(
            LOGIN, {"username": interviewer.username, "password": f"guess-{attempt}"}
        )
    fresh = Client(REMOTE_ADDR="203.0.113.9")
    assert sign_in(fresh, interviewer.username, STAFF_PASSWORD).status_code == 429
    other = make_staff("other", INTERVIEWER)
    assert sign_in(fresh, other.username, STAFF_PASSWORD).status_code == 302


def test_failures_for_many_usernames_lock_the_address(
    interviewer: User, make_staff: Callable[..., User]
) -> None:
    """One address trying a wrong password for many usernames is locked out, even for
    a username it has not tried; other addresses are not."""
    guesser = Client(REMOTE_ADDR="198.51.100.7")
    for number in range(settings.AXES_FAILURE_LIMIT):
        sign_in(guesser, f"someone-{number}", "wrong-password")
    assert sign_in(guesser, interviewer.username, STAFF_PASSWORD).status_code == 429
    elsewhere = Client(REMOTE_ADDR="203.0.113.9")
    assert sign_in(elsewhere, interviewer.username, STAFF_PASSWORD).status_code == 302


def test_staff_passwords_are_stored_as_argon2_hashes(
    make_staff: Callable[..., User],
) -> None:
    user = make_staff("hashed", INTERVIEWER)
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")
    assert STAFF_PASSWORD not in user.password
    assert user.check_password(STAFF_PASSWORD)


@override_settings(STAFF_IDLE_TIMEOUT_SECONDS=60)
def test_an_idle_staff_session_is_signed_out_and_sent_to_the_login_page(
    client: Client, interviewer: User
) -> None:
    sign_in(client, interviewer.username, STAFF_PASSWORD)
    assert client.get("/interview/").status_code == 200
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - 61
    session.save()
    response = client.get("/interview/?show=done")
    assert response.status_code == 302
    assert response["Location"] == "/staff/login/?" + urlencode(
        {"timed_out": "1", "next": "/interview/?show=done"}
    )
    after = client.get("/interview/")
    assert after.status_code == 302
    assert after["Location"].startswith("/staff/login/?next=")


@override_settings(STAFF_IDLE_TIMEOUT_SECONDS=60)
def test_a_staff_session_in_use_is_kept(client: Client, interviewer: User) -> None:
    sign_in(client, interviewer.username, STAFF_PASSWORD)
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - 59
    session.save()
    assert client.get("/interview/").status_code == 200
    assert client.get("/interview/").status_code == 200
