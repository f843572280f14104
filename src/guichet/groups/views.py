"""Labs, teams and projects: thin views (parse → service or selector → render)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from guichet.accounts.permissions import member_required
from guichet.core import exports
from guichet.core.actions import attempt
from guichet.directory.selectors import valid_key_or_404

from . import permissions, selectors, services
from .models import GroupMembership, Project, ResearchGroup


def _group(user, key) -> ResearchGroup:
    group = get_object_or_404(ResearchGroup.objects.select_related("organization", "parent"),
                              key=valid_key_or_404(key))
    if not permissions.can_see_group(user, group):
        raise Http404  # another group's page: not found, like a group that does not exist
    return group


@member_required
def group_list(request):
    user = request.user
    return render(request, "groups/list.html", {
        "mine": selectors.groups_of(user), "waiting": selectors.requests_of(user),
        "to_join": selectors.groups_to_join(user),
        "all_groups": selectors.groups_visible_to(user) if user.is_staff else None})


@member_required
def group_detail(request, key):
    return render(request, "groups/detail.html", selectors.group_page(request.user, _group(request.user, key)))


@member_required
@require_POST
def join(request, key):
    group = get_object_or_404(ResearchGroup, key=valid_key_or_404(key))
    return attempt(
        request,
        lambda: services.membership_request(actor=request.user, group=group),
        _("Your request was sent to the group's heads."),
        redirect("groups:list"))


def _membership(user, pk) -> GroupMembership:
    membership = get_object_or_404(GroupMembership.objects.select_related("group", "user"), pk=pk)
    if not permissions.can_see_group(user, membership.group):
        raise Http404
    return membership


@member_required
@require_POST
def decide(request, pk):
    membership = _membership(request.user, pk)
    decision = request.POST.get("approve")
    if decision not in ("1", "0"):
        messages.error(request, _("Choose to approve or refuse the request."))
        return redirect("groups:detail", membership.group.key)
    return attempt(
        request,
        lambda: services.membership_decide(actor=request.user, membership=membership, approve=decision == "1",
                                           may_charge=request.POST.get("may_charge") == "1",
                                           platforms=request.POST.getlist("platforms")),
        _("Request approved.") if decision == "1" else _("Request refused."),
        redirect("groups:detail", membership.group.key))


@member_required
@require_POST
def member_update(request, pk):
    membership = _membership(request.user, pk)
    return attempt(
        request,
        lambda: services.membership_update(actor=request.user, membership=membership,
                                           may_charge=request.POST.get("may_charge") == "1",
                                           platforms=request.POST.getlist("platforms"),
                                           remove=request.POST.get("remove") == "1"),
        _("Saved."),
        redirect("groups:detail", membership.group.key))


PROJECT_COLUMNS = [("kind", gettext_lazy("Kind")), ("date", gettext_lazy("Date")), ("reference", gettext_lazy("Reference")),
                   ("label", gettext_lazy("Label")), ("person", gettext_lazy("Person")), ("state", gettext_lazy("State")),
                   ("amount", gettext_lazy("Amount"))]
LINE_KINDS = {"booking": gettext_lazy("Booking"), "service": gettext_lazy("Service")}


def _line_row(line):
    record = line.record
    if line.kind == "booking":
        when, reference, label, person = record.start, f"B-{record.pk}", record.instrument.name, record.user
    else:
        when, reference, label, person = record.created_at, record.reference, record.service.name, record.requester
    return [LINE_KINDS[line.kind], when, reference, label, person.get_full_name(),
            _("consumed") if line.consumed else _("committed"), line.amount]


@member_required
def project_detail(request, key, fmt="html"):
    project = get_object_or_404(Project.objects.select_related("group__organization"), key=valid_key_or_404(key))
    statement = selectors.project_statement(request.user, project)
    if statement is None:
        raise Http404  # another group's project, or a member who is not its head: its money is not shown
    rows = [_line_row(line) for line in statement["lines"]]
    stem = f"guichet-project-{project.key}"
    if fmt == "csv":
        return exports.csv_response(f"{stem}.csv", PROJECT_COLUMNS, rows)
    if fmt == "xlsx":
        return exports.xlsx_response(f"{stem}.xlsx", [exports.Sheet(
            project.key[:31], PROJECT_COLUMNS, rows, widths={"label": 36, "person": 24, "date": 17},
            number_formats={"amount": "#,##0.00"})])
    return render(request, "groups/project.html", {**statement, "rows": rows, "columns": PROJECT_COLUMNS})
