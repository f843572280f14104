from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guichet.core import exports

from . import exchange, permissions, selectors, services
from .forms import ImportUploadForm
from .models import ImportBatch, OrganizationKind, RecordKind, TherapeuticArea


def directory_list(request):
    text = selectors.clean_text(request.GET.get("q"), 500)
    filters = selectors.filters_from(request.GET)
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        page = 1
    results = selectors.directory_search(text=text, filters=filters, page=page, prefix=bool(text))
    context = {
        "q": text,
        "filters": filters,
        "results": results,
        "record_kinds": RecordKind.choices,
        "org_kinds": OrganizationKind.choices,
        "areas": TherapeuticArea.choices,
        "cities": selectors.directory_cities(),
        "query_string": request.GET.copy(),
    }
    if request.headers.get("HX-Request") == "true":
        return render(request, "directory/_results.html", context)
    return render(request, "directory/list.html", context)


def organization_detail(request, key):
    org = selectors.organization_get(key)
    return render(request, "directory/organization.html", {
        "org": org, "show_contacts": permissions.can_see_contact_details(request.user)})


def person_detail(request, key):
    person = selectors.person_get(key)
    return render(request, "directory/person.html", {
        "person": person, "show_contacts": permissions.can_see_contact_details(request.user)})


def _staff_only(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request)
    if not permissions.can_import_directory(request.user):
        raise PermissionDenied
    return None


def redirect_to_login(request):
    from django.contrib.auth.views import redirect_to_login as to_login

    return to_login(request.get_full_path())


def import_upload(request):
    if (refusal := _staff_only(request)) is not None:
        return refusal
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    issues = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            payload = exchange.parse_xlsx(data) if upload.name.lower().endswith(".xlsx") else exchange.parse_json(data)
            issues = exchange.check_payload(payload)
        except exchange.ImportRefused as refused:
            issues = refused.issues
        if not issues:
            batch = services.import_batch_create(actor=request.user, filename=upload.name, payload=payload)
            return redirect("directory:import_preview", batch.pk)
    recent = ImportBatch.objects.select_related("created_by").defer("payload")[:20]
    return render(request, "directory/import_upload.html", {"form": form, "issues": issues, "recent": recent})


def import_preview(request, pk):
    if (refusal := _staff_only(request)) is not None:
        return refusal
    batch = get_object_or_404(ImportBatch, pk=pk)
    plan, issues = None, exchange.check_payload(batch.payload)
    if not issues:
        plan = exchange.plan_import(batch.payload)
    return render(request, "directory/import_preview.html", {"batch": batch, "plan": plan, "issues": issues})


@require_POST
def import_confirm(request, pk):
    if (refusal := _staff_only(request)) is not None:
        return refusal
    batch = get_object_or_404(ImportBatch, pk=pk)
    try:
        plan = services.import_batch_apply(actor=request.user, batch=batch)
    except services.ImportAlreadyApplied:
        messages.info(request, _("This file was imported already."))
        return redirect("directory:import_preview", batch.pk)
    except exchange.ImportRefused as refused:
        return render(request, "directory/import_preview.html",
                      {"batch": batch, "plan": None, "issues": refused.issues}, status=400)
    messages.success(request, _("Import done: %(create)s created, %(update)s updated, %(unchanged)s unchanged.")
                     % plan.summary)
    return redirect("directory:list")


@login_required
def export_file(request, fmt):
    if not permissions.can_export_directory(request.user):
        raise PermissionDenied
    payload = exchange.export_payload()
    stamp = timezone.localdate().isoformat()
    if fmt == "xlsx":
        response = HttpResponse(exchange.export_xlsx(payload), content_type=exports.XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="guichet-directory-{stamp}.xlsx"'
        return response
    response = HttpResponse(exchange.canonical_json(payload), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="guichet-directory-{stamp}.json"'
    return response
