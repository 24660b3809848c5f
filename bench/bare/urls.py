"""One page: GET shows a form with its CSRF token; POST stores one row and redirects."""

from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.urls import path

PAGE = (
    "<!DOCTYPE html><html lang='en'><head><title>Bare</title></head><body>"
    "<form method='post'><input type='hidden' name='csrfmiddlewaretoken' value='{token}'>"
    "<input type='radio' name='answer' value='yes'> <button>Continue</button></form>"
    "<p>{count}</p></body></html>"
)


def page(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO bench_bare_answer (answer, at) VALUES (%s, now())",
                [request.POST.get("answer", "")],
            )
        request.session["answers"] = request.session.get("answers", 0) + 1
        return HttpResponseRedirect(request.path)
    return HttpResponse(
        PAGE.format(token=get_token(request), count=request.session.get("answers", 0))
    )


urlpatterns = [path("", page)]
