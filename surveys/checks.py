"""System checks: settings the service cannot do its fieldwork without."""

from __future__ import annotations

from typing import Any

from django.core.checks import Tags, Warning, register


@register(Tags.compatibility, deploy=True)
def public_address_check(app_configs: Any, **kwargs: Any) -> list[Warning]:
    """Personal links, invitations and files of codes need the service's own address."""
    from .contacts import NO_PUBLIC_ADDRESS, links_configured

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
