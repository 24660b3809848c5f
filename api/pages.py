"""The API's pages for people: its documentation, and staff's personal tokens.

The documentation is written from the OpenAPI description itself (the one at
/api/openapi.json), in the service's own GOV.UK design: no script, no style from
elsewhere, so it works under the site's Content Security Policy.
"""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout
from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from drf_spectacular.generators import SchemaGenerator

from surveys.access import ANALYST, role_required

from .models import ApiToken
from .tokens import token_create, token_revoke

analyst_required = role_required(ANALYST)


def _schema_type(schema: dict[str, Any]) -> str:
    if "enum" in schema:
        return "one of " + ", ".join(str(value) for value in schema["enum"])
    if schema.get("type") == "array":
        return "repeatable: " + _schema_type(schema.get("items", {}))
    if schema.get("format") == "date":
        return "date (YYYY-MM-DD)"
    return str(schema.get("type", "text"))


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def _fields(schema: dict[str, Any], response: dict[str, Any]) -> list[dict[str, str]]:
    """The fields of a JSON answer (of each item, for a list), with their types."""
    body = response.get("content", {}).get("application/json", {}).get("schema")
    if not body:
        return []
    node = _resolve(schema, body)
    if node.get("type") == "array":
        node = _resolve(schema, node.get("items", {}))
    fields = []
    for name, field in node.get("properties", {}).items():
        field = _resolve(schema, field) if "$ref" in field else field
        kind = "a number or a symbol" if "oneOf" in field else _schema_type(field)
        if field.get("type") == "array":
            item = _resolve(schema, field.get("items", {}))
            if "properties" in item:
                kind = "a list, each with " + ", ".join(item["properties"])
            else:
                kind = "a list, each " + _schema_type(item)
        fields.append({"name": name, "type": kind, "description": field.get("description", "")})
    return fields


def operations(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """Each operation of the OpenAPI document, in a shape a template can show."""
    found = []
    for path, methods in schema.get("paths", {}).items():
        for method, operation in methods.items():
            found.append(
                {
                    "id": operation.get("operationId", ""),
                    "method": method.upper(),
                    "path": path,
                    # A long path may break after any slash on a narrow screen.
                    "breakable_path": mark_safe(escape(path).replace("/", "/<wbr>")),  # noqa: S308
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": [
                        {
                            "name": parameter["name"],
                            "where": parameter["in"],
                            "required": parameter.get("required", False),
                            "type": _schema_type(parameter.get("schema", {})),
                            "description": parameter.get("description", ""),
                        }
                        for parameter in operation.get("parameters", [])
                    ],
                    "responses": [
                        {
                            "status": status,
                            "description": response.get("description", ""),
                            "types": ", ".join(response.get("content", {})),
                        }
                        for status, response in operation.get("responses", {}).items()
                    ],
                    "fields": _fields(schema, operation.get("responses", {}).get("200", {})),
                }
            )
    return found


@require_safe
def docs(request: HttpRequest) -> HttpResponse:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return render(
        request,
        "api/docs.html",
        {
            "operations": operations(schema),
            "info": schema.get("info", {}),
            "rate_limit": rate_in_words(str(settings.API_RATE_LIMIT)),
        },
    )


def rate_in_words(rate: str) -> str:
    """`120/minute` as "120 requests a minute"."""
    number, _, period = rate.partition("/")
    period = {"s": "second", "m": "minute", "h": "hour", "d": "day"}.get(period[:1], period)
    return f"{number} requests a {period}"


class TokenForm(forms.Form):
    name = forms.CharField(
        label="What is the token for?",
        help_text="For example, “weekly tables script”. Only you see it.",
        max_length=100,
        error_messages={
            "required": "Enter what the token is for",
            "max_length": "Enter up to 100 characters",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(Field.text("name", field_width=20))


@require_http_methods(["GET", "HEAD", "POST"])
@analyst_required
def tokens(request: HttpRequest) -> HttpResponse:
    """The signed-in member of staff's own tokens; a new one is shown once, here."""
    form = TokenForm(request.POST or None)
    new_token = ""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            _, new_token = token_create(user=request.user, name=form.cleaned_data["name"])
            form = TokenForm()
            status = 200
        else:
            status = 400
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "new_token": new_token,
            "tokens": ApiToken.objects.filter(user=request.user).order_by("-created_at"),
        },
        status=status,
    )


@require_POST
@analyst_required
def revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    found = token_revoke(user=request.user, token_id=token_id)
    if found is not None:
        messages.success(request, f"The token “{found.name}” has been revoked.")
    return redirect("api:tokens")
