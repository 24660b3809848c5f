"""Reference distributions: the analysts' list, and pages to add, change and delete one.

Only analysts reach these pages. Adding takes two steps, because the table a
distribution is of decides which percentages it has: choose the table, then give
the citation and the figures. Deleting asks first.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from seb.tables import table_definitions
from surveys.access import ANALYST, role_required

from .forms_compare import table_label
from .forms_references import ReferenceForm, TableChoiceForm
from .models import ReferenceDistribution

analyst_required = role_required(ANALYST)


@require_safe
@analyst_required
def reference_list(request: HttpRequest) -> HttpResponse:
    references = [
        (reference, table_label(reference.spec))
        for reference in ReferenceDistribution.objects.order_by("name")
    ]
    return render(request, "analysis/references.html", {"references": references})


@require_http_methods(["GET", "HEAD", "POST"])
@analyst_required
def reference_new(request: HttpRequest) -> HttpResponse:
    """Step 1 (GET): which table. Step 2 (GET ?table=, then POST): the citation and figures."""
    chooser = TableChoiceForm(request.GET or None)
    if not chooser.is_bound or not chooser.is_valid():
        status = 400 if chooser.is_bound else 200
        return render(request, "analysis/reference_table.html", {"form": chooser}, status=status)
    spec = table_definitions()[chooser.cleaned_data["table"]]
    form = ReferenceForm(request.POST or None, spec=spec)
    if request.method == "POST":
        if form.is_valid():
            reference = form.save(commit=False)
            reference.created_by = request.user if request.user.is_authenticated else None
            reference.save()
            messages.success(request, f"“{reference.name}” has been added.")
            return redirect("analysis:references")
        status = 400
    else:
        status = 200
    return render(
        request,
        "analysis/reference_form.html",
        {"form": form, "table": table_label(spec), "adding": True},
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@analyst_required
def reference_edit(request: HttpRequest, pk: int) -> HttpResponse:
    reference = get_object_or_404(ReferenceDistribution, pk=pk)
    form = ReferenceForm(request.POST or None, instance=reference, spec=reference.spec)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            changed = form.save(commit=False)
            changed.updated_at = timezone.now()
            changed.save()
            messages.success(request, f"“{changed.name}” has been changed.")
            return redirect("analysis:references")
        status = 400
    return render(
        request,
        "analysis/reference_form.html",
        {"form": form, "table": table_label(reference.spec), "reference": reference},
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@analyst_required
def reference_delete(request: HttpRequest, pk: int) -> HttpResponse:
    reference = get_object_or_404(ReferenceDistribution, pk=pk)
    if request.method == "POST":
        name = reference.name
        reference.delete()
        messages.success(request, f"“{name}” has been deleted.")
        return redirect("analysis:references")
    return render(request, "analysis/reference_delete.html", {"reference": reference})
