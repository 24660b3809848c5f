"""A staff session's own endpoints, for the timeout warning (static/js/timeout-warning.js).

The status says how long the session has left without counting as activity (the
idle-timeout middleware leaves it alone), so a page open in one tab can tell that
another tab kept the session alive. Keep-alive is a request like any other: it
extends the session, and says for how long.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View


def session_state(request: HttpRequest) -> JsonResponse:
    session = getattr(request, "staff_session", None)
    if not request.user.is_authenticated or session is None:
        return JsonResponse({"signed_in": False, "seconds_left": 0}, status=401)
    return JsonResponse({"signed_in": True, "seconds_left": session.seconds_left})


class SessionStatusView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return session_state(request)


class KeepAliveView(View):
    """ "Stay signed in": answered in JSON to the dialog's script; without a script
    (the form posted as it is), back to the page it came from."""

    def post(self, request: HttpRequest) -> HttpResponse:
        if "application/json" in request.headers.get("Accept", ""):
            return session_state(request)
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = reverse("staff-home")
        return HttpResponseRedirect(back)
