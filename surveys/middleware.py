import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model, logout
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect
from django.urls import Resolver404, resolve

from .interviewing.selectors import own_case
from .interviewing.services import pending_answer_keep
from .models import CODE_LENGTH

LAST_SEEN_KEY: Final = "staff_last_seen"
# Set in the fresh session of a staff user the timeout signed out, so an answer
# they post from a page still open is kept for them (the session is the server's,
# its cookie a random key: nobody can claim to be someone else through it).
TIMED_OUT_USER_KEY: Final = "staff_timed_out_user"
# The session's own endpoints: the status does not count as activity.
STATUS_VIEW: Final = "staff-session"
KEEP_ALIVE_VIEW: Final = "staff-keep-alive"
QUESTION_VIEW: Final = "interview:question"


@dataclass(frozen=True, slots=True)
class StaffSession:
    """When a staff session ends if nothing else happens: for the page to say, and
    for the timeout warning (static/js/timeout-warning.js) to count down to."""

    ends_at: datetime
    seconds_left: int
    warning_seconds: int
    idle_minutes: int


def _view_name(request: HttpRequest) -> str:
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return ""


def _csrf_valid(request: HttpRequest) -> bool:
    """Whether the POST carries this browser's CSRF token, as the view would demand."""

    checker = CsrfViewMiddleware(lambda request: HttpResponse())
    return checker.process_view(request, lambda request: HttpResponse(), (), {}) is None


def keep_posted_answer(request: HttpRequest, user: Any) -> bool:
    """Keep the answer in a POST to an interview question for `user`, when it is a
    genuine answer (CSRF checked) to an interview that user may work on."""
    if request.method != "POST":
        return False
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    if match.view_name != QUESTION_VIEW or not _csrf_valid(request):
        return False
    code = request.POST.get("answer", "")
    if not code or len(code) > CODE_LENGTH:
        return False
    try:
        response = own_case(user, match.kwargs["response_id"])
    except Http404:
        return False
    kept = pending_answer_keep(
        user=user, response=response, question_key=match.kwargs["key"], code=code
    )
    return kept is not None


def sign_in_again(request: HttpRequest, *, kept: bool) -> HttpResponse:
    """To the sign-in page, which then brings the user back to the page they were on
    (after a POST, that page as it is shown: a question shows the kept answer)."""
    back = request.get_full_path() if request.method == "GET" else request.path
    query = {"timed_out": "1", "next": back}
    if kept:
        query["kept"] = "1"
    return redirect(f"{settings.LOGIN_URL_PATH}?{urlencode(query)}")


class StaffIdleTimeoutMiddleware:
    """Signs staff out after STAFF_IDLE_TIMEOUT_SECONDS without a request.

    Respondents' sessions are left alone: they last so that people can come back
    to a survey later. The session's status endpoint does not count as activity
    and never signs anyone out; every other request does. An answer posted to an
    interview question after the session ended is kept on the server for the user
    who posted it, and shown selected on that question when they sign in again.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None:
            return self.get_response(request)
        if not user.is_authenticated:
            timed_out = (
                request.session.get(TIMED_OUT_USER_KEY) if request.method == "POST" else None
            )
            if timed_out is not None:
                owner = get_user_model().objects.filter(pk=timed_out, is_active=True).first()
                if owner is not None and keep_posted_answer(request, owner):
                    return sign_in_again(request, kept=True)
            return self.get_response(request)
        now = time.time()
        timeout = settings.STAFF_IDLE_TIMEOUT_SECONDS
        last_seen = request.session.get(LAST_SEEN_KEY, now)
        view = _view_name(request)
        if now - last_seen > timeout:
            if view == STATUS_VIEW:
                return JsonResponse({"signed_in": False, "seconds_left": 0}, status=401)
            kept = keep_posted_answer(request, user)
            logout(request)
            request.session[TIMED_OUT_USER_KEY] = user.pk
            if view == KEEP_ALIVE_VIEW:
                return JsonResponse({"signed_in": False, "seconds_left": 0}, status=401)
            return sign_in_again(request, kept=kept)
        request.session.pop(TIMED_OUT_USER_KEY, None)
        if view != STATUS_VIEW:
            request.session[LAST_SEEN_KEY] = now
            last_seen = now
        ends = last_seen + timeout
        request.staff_session = StaffSession(  # type: ignore[attr-defined]
            ends_at=datetime.fromtimestamp(ends, tz=UTC),
            # Rounded up: a page never counts down to its end before the server does.
            seconds_left=max(0, math.ceil(ends - now)),
            warning_seconds=min(settings.STAFF_TIMEOUT_WARNING_SECONDS, timeout),
            idle_minutes=max(1, round(timeout / 60)),
        )
        return self.get_response(request)


class NoStoreMiddleware:
    """Every page and download the service makes is sent with `Cache-Control: no-store`,
    unless the view said otherwise: staff pages hold unrounded figures and people's
    answers, and a shared computer's cache must keep none of them. (Static files are
    served before this, with their own long-lived caching.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store"
        return response
