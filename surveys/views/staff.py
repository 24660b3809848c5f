from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ..access import ROLES
from ..areas import areas_of, landings_of


def staff_roles_sentence() -> str:
    """Every staff role, as the sign-in page names them: "analysts, ... and survey managers"."""
    names = [f"{role}s" for role in ROLES]
    return f"{', '.join(names[:-1])} and {names[-1]}"


class StaffLoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True
    extra_context = {"staff_roles": staff_roles_sentence()}


def staff_home(request: HttpRequest) -> HttpResponse:
    """The areas the user's roles open, as a list; someone whose roles open one place
    of work goes straight to it; anyone signed out to the login page."""
    if not request.user.is_authenticated:
        return redirect("staff-login")
    areas = areas_of(request.user)
    landings = landings_of(request.user)
    if len(landings) == 1:
        return redirect(landings[0].url_name)
    if areas:
        return render(request, "staff/home.html", {"areas": areas})
    if request.user.is_staff:
        return redirect("admin:index")
    return render(request, "errors/403.html", status=403)
