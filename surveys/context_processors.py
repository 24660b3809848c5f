from typing import Any

from django.conf import settings
from django.http import HttpRequest

from .areas import areas_of, current_area


def service(request: HttpRequest) -> dict[str, Any]:
    return {"service_name": settings.SERVICE_NAME}


def staff_navigation(request: HttpRequest) -> dict[str, Any]:
    """The staff areas for the service navigation: only on staff pages, for a user
    whose roles open at least one."""
    area = current_area(request)
    is_home = bool(request.resolver_match and request.resolver_match.url_name == "staff-home")
    if not (area or is_home) or not request.user.is_authenticated:
        return {}
    return {"staff_areas": areas_of(request.user), "current_area": area}
