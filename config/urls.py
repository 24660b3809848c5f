from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from config import health
from surveys.views import service, session, staff

admin.site.site_header = "Socio-economic background surveys"
admin.site.site_title = "SEB surveys admin"

urlpatterns = [
    path("", RedirectView.as_view(url="/staff/", permanent=False)),
    path("s/", include("surveys.urls_online")),
    path("manage/", include("surveys.urls_manage")),
    path("manage/<slug:slug>/preview/<str:mode>/", include("surveys.urls_manage_preview")),
    path("accessibility/", service.accessibility, name="accessibility"),
    path("cookies/", service.cookies, name="cookies"),
    path("interview/", include("surveys.urls_interview")),
    path("supervise/", include("surveys.urls_supervise")),
    path("analysis/", include("classification.urls")),
    path("coding/", include("surveys.urls_coding")),
    path("jobs/", include("jobs.urls")),
    path("api/", include("api.urls")),
    path("staff/", staff.staff_home, name="staff-home"),
    path("staff/login/", staff.StaffLoginView.as_view(), name="staff-login"),
    path("staff/logout/", auth_views.LogoutView.as_view(), name="staff-logout"),
    path("staff/session/", session.SessionStatusView.as_view(), name="staff-session"),
    path("staff/session/keep-alive/", session.KeepAliveView.as_view(), name="staff-keep-alive"),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]

handler400 = "surveys.views.errors.bad_request"
handler403 = "surveys.views.errors.permission_denied"
handler404 = "surveys.views.errors.page_not_found"
handler500 = "surveys.views.errors.server_error"
