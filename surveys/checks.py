"""System checks: settings the service cannot do its fieldwork without, or safely."""

from __future__ import annotations

from typing import Any

from django.core.checks import Tags, Warning, register


@register(Tags.compatibility, deploy=True)
def public_address_check(app_configs: Any, **kwargs: Any) -> list[Warning]:
    """Personal links, invitations and files of codes need the service's own address."""
    from .fieldwork.contacts import NO_PUBLIC_ADDRESS, links_configured

    if links_configured():
        return []
    return [
        Warning(
            "PUBLIC_BASE_URL is not set: samples cannot be loaded and no invitation "
            "or reminder can be sent.",
            hint=NO_PUBLIC_ADDRESS,
            id="surveys.W001",
        )
    ]


@register(Tags.security, deploy=True)
def plain_http_address_check(app_configs: Any, **kwargs: Any) -> list[Warning]:
    """Personal links and codes travel in the service's address: over HTTPS only."""
    from django.conf import settings

    if not settings.PUBLIC_BASE_URL.lower().startswith("http://"):
        return []
    return [
        Warning(
            f"PUBLIC_BASE_URL is {settings.PUBLIC_BASE_URL}, a plain http:// address: "
            "every personal link in invitations and the file of codes would send its "
            "secret unencrypted.",
            hint="Set PUBLIC_BASE_URL to the service's https:// address.",
            id="surveys.W002",
        )
    ]


@register(Tags.security, deploy=True)
def wildcard_host_check(app_configs: Any, **kwargs: Any) -> list[Warning]:
    """Requests are answered only for the service's own host names."""
    from django.conf import settings

    if "*" not in settings.ALLOWED_HOSTS:
        return []
    return [
        Warning(
            "ALLOWED_HOSTS holds '*': the service answers requests for any host name, "
            "so a forged Host header reaches every page (and any address built from it).",
            hint="Set ALLOWED_HOSTS to the service's own host names, separated by commas.",
            id="surveys.W003",
        )
    ]
