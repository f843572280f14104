from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login as to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guichet.core import exports
from guichet.core.actions import polled

from . import permissions, selectors, services
from .exchange import read, records, xlsx
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
    return to_login(request.get_full_path())


ISSUES_PER_PAGE = 50
PLAN_ROWS_PER_PAGE = 20


def _issue_objects(rows):
    return [read.ImportIssue(*row) for row in rows]


def import_upload(request):
    """The upload form: the file is kept and its check queued (`check_import`); its page follows the check."""
    if (refusal := _staff_only(request)) is not None:
        return refusal
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        batch = services.import_batch_upload(actor=request.user, filename=upload.name, data=upload.read(),
                                             language=translation.get_language() or "")
        return redirect("directory:import_preview", batch.pk)
    recent = ImportBatch.objects.select_related("created_by").defer("payload", "plan", "source")[:20]
    return render(request, "directory/import_upload.html", {"form": form, "recent": recent},
                  status=400 if form.is_bound else 200)


def _plan_page(batch, action, number):
    rows = [row for row in batch.plan if row[0] == action]
    page = Paginator(rows, PLAN_ROWS_PER_PAGE).get_page(number)
    labels = dict(RecordKind.choices)
    page.object_list = [{"action": r[0], "record_type": r[1], "record_label": labels.get(r[1], r[1]), "key": r[2],
                         "name": r[3], "changes": r[4] if isinstance(r[4], dict) else {}, "n_fields": r[4]
                         if isinstance(r[4], int) else len(r[4])} for r in page.object_list]
    return page


def _import_context(request, batch):
    issues = Paginator(_issue_objects(batch.issues), ISSUES_PER_PAGE).get_page(request.GET.get("errors"))
    return {
        "batch": batch,
        "plan": SimpleNamespace(summary=batch.summary) if batch.summary else None,
        "creates": _plan_page(batch, "create", request.GET.get("create")),
        "updates": _plan_page(batch, "update", request.GET.get("update")),
        "issues": issues,
        "query": request.GET.copy(),
    }


def import_preview(request, pk):
    if (refusal := _staff_only(request)) is not None:
        return refusal
    batch = get_object_or_404(ImportBatch.objects.defer("payload", "source"), pk=pk)
    return render(request, "directory/import_preview.html", _import_context(request, batch))


def import_progress(request, pk):
    """The job's progress, polled by htmx; once the job is over the page reloads to show the result."""
    if (refusal := _staff_only(request)) is not None:
        return refusal
    batch = get_object_or_404(ImportBatch.objects.defer("payload", "plan", "source"), pk=pk)
    return polled(request, "directory/_import_progress.html", {"batch": batch}, working=batch.is_working)


@require_POST
def import_confirm(request, pk):
    if (refusal := _staff_only(request)) is not None:
        return refusal
    batch = get_object_or_404(ImportBatch.objects.defer("payload", "plan", "source"), pk=pk)
    try:
        batch = services.import_batch_confirm(actor=request.user, batch=batch)
    except services.ImportAlreadyApplied:
        batch.refresh_from_db(fields=["status"])
        if batch.status == ImportBatch.Status.CHECKING:
            messages.info(request, _("The file is still being checked; confirm it once its preview is shown."))
        elif batch.status == ImportBatch.Status.REFUSED:
            messages.error(request, _("This file was refused: it cannot be imported."))
        else:
            messages.info(request, _("This file was confirmed already."))
        return redirect("directory:import_preview", batch.pk)
    if batch.status == ImportBatch.Status.APPLIED:  # the job ran already (immediate backend, a fast worker)
        messages.success(request, _("Import done: %(create)s created, %(update)s updated, %(unchanged)s unchanged.")
                         % batch.summary)
        return redirect("directory:list")
    messages.success(request, _("The import is running; this page follows it."))
    return redirect("directory:import_preview", batch.pk)


@login_required
def export_file(request, fmt):
    if not permissions.can_export_directory(request.user):
        raise PermissionDenied
    payload = records.export_payload()
    stamp = timezone.localdate().isoformat()
    if fmt == "xlsx":
        response = HttpResponse(xlsx.export_xlsx(payload), content_type=exports.XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="guichet-directory-{stamp}.xlsx"'
        return response
    response = HttpResponse(records.canonical_json(payload), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="guichet-directory-{stamp}.json"'
    return response
