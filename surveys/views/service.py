"""The service's own pages: its accessibility statement and the cookies it sets."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ..cookies import service_cookies


@require_safe
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "service/accessibility.html")


@require_safe
def cookies(request: HttpRequest) -> HttpResponse:
    return render(request, "service/cookies.html", {"cookies": service_cookies()})
