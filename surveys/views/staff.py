from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ..access import ANALYST, INTERVIEWER, SUPERVISOR, SURVEY_MANAGER, has_role


class StaffLoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


def staff_home(request: HttpRequest) -> HttpResponse:
    """Sends staff to their own area; anyone else to the login page."""
    if not request.user.is_authenticated:
        return redirect("staff-login")
    if has_role(request.user, ANALYST):
        return redirect("analysis:surveys")
    if has_role(request.user, SURVEY_MANAGER):
        return redirect("manage:surveys")
    if has_role(request.user, SUPERVISOR):
        return redirect("supervise:home")
    if has_role(request.user, INTERVIEWER):
        return redirect("interview:home")
    if request.user.is_staff:
        return redirect("admin:index")
    return render(request, "errors/403.html", status=403)
