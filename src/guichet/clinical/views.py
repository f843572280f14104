from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guichet.core.actions import attempt, attempt_form
from guichet.core.params import BadParameter
from guichet.directory.models import TherapeuticArea

from . import permissions, selectors, services
from .forms import AnswerForm, FeasibilityForm, InclusionForm, SiteProfileForm
from .models import CONTRACT_TARGET_DAYS, Site, SiteKind, TrialSite, TrialStatus


def _choice(request, name, values) -> str:
    value = request.GET.get(name, "")
    if value and value not in values:
        raise BadParameter(_("%(name)s: unknown value.") % {"name": name}, name)
    return value


def sites(request):
    """The capability profiles of the investigation sites: public, like the directory."""
    kind = _choice(request, "kind", SiteKind.values)
    area = _choice(request, "area", TherapeuticArea.values)
    return render(request, "clinical/sites.html", {
        "sites": selectors.sites(kind=kind, area=area), "kinds": SiteKind.choices, "areas": TherapeuticArea.choices,
        "kind": kind, "area": area, "contacts": permissions.can_see_site_contacts(request.user)})


@login_required
def feasibility_new(request):
    if not permissions.can_submit_feasibility(request.user):
        raise PermissionDenied
    form = FeasibilityForm(request.POST or None)

    def page(form):
        return render(request, "clinical/feasibility_new.html", {"form": form})

    if request.method != "POST":
        return page(form)
    return attempt_form(request, form, lambda data: services.feasibility_submit(actor=request.user, **data),
                        _("Your feasibility request is sent to the cluster team."),
                        lambda created: redirect("clinical:feasibility", created.request_id), page,
                        refusals=(services.ClinicalError,))


def _feasibility_or_404(user, pk):
    feasibility = selectors.feasibility_of(pk)
    if feasibility is None or not permissions.can_view_feasibility(user, feasibility):
        raise Http404
    return feasibility


@login_required
def feasibility(request, pk):
    f = _feasibility_or_404(request.user, pk)
    manage = permissions.can_manage_clinical(request.user)
    routed = selectors.routed_sites(f)
    routed_orgs = {r.provider_organization_id for r, _s, _a in routed}
    context = {"f": f, "r": f.request, "manage": manage,
               "see_all": permissions.can_see_all_answers(request.user, f),
               "answers": selectors.answers_visible_to(request.user, f), "routed": routed,
               "mine": [(r, AnswerForm(prefix=f"r{r.pk}")) for r in permissions.answerable_routings(request.user, f)
                        if not hasattr(r, "feasibility_answer")]}
    if manage:
        context["relevant"] = [s for s in selectors.relevant_sites(f) if s.organization_id not in routed_orgs]
        context["others"] = [s for s in Site.objects.select_related("organization")
                             if s.organization_id not in routed_orgs and s not in context["relevant"]]
    return render(request, "clinical/feasibility.html", context)


def _ints(values, field: str) -> list[int]:
    try:
        return [int(v) for v in values if len(v) < 19]
    except ValueError as exc:
        raise BadParameter(_("Choose sites from the list."), field) from exc


@login_required
@require_POST
def feasibility_route(request, pk):
    f = _feasibility_or_404(request.user, pk)
    if not permissions.can_manage_clinical(request.user):
        raise PermissionDenied
    chosen = list(Site.objects.select_related("organization").filter(pk__in=_ints(request.POST.getlist("sites"), "sites")))
    return attempt(
        request,
        lambda: services.feasibility_route(actor=request.user, feasibility=f, sites=chosen),
        lambda routed: _("Sent to %(n)d site(s).") % {"n": len(routed)},
        redirect("clinical:feasibility", pk))


@login_required
@require_POST
def feasibility_answer(request, pk, routing_pk):
    f = _feasibility_or_404(request.user, pk)
    routing = next((r for r in permissions.answerable_routings(request.user, f) if r.pk == routing_pk), None)
    if routing is None:
        raise Http404
    form = AnswerForm(request.POST, prefix=f"r{routing.pk}")
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, services.field_error(label, errors[0]) if label else errors[0])
        return redirect("clinical:feasibility", pk)
    return attempt(
        request,
        lambda: services.feasibility_answer(actor=request.user, feasibility=f, routing=routing,
                                            **form.cleaned_data),
        _("Your answer is recorded."),
        redirect("clinical:feasibility", pk))


@login_required
@require_POST
def feasibility_close(request, pk):
    f = _feasibility_or_404(request.user, pk)
    if not permissions.can_manage_clinical(request.user):
        raise PermissionDenied
    return attempt(
        request,
        lambda: services.feasibility_close(actor=request.user, feasibility=f,
                                           chosen=_ints(request.POST.getlist("chosen"), "chosen"),
                                           note=request.POST.get("note", "")[:2000]),
        _("The feasibility request is closed."),
        redirect("clinical:feasibility", pk))


@login_required
def trials(request):
    if not permissions.can_view_trials(request.user):
        raise PermissionDenied
    q = (request.GET.get("q") or "")[:200]
    qs = selectors.trial_search(selectors.trials_visible_to(request.user), q)
    labels = dict(TrialStatus.choices)
    rows = [(t, labels.get(selectors.status_on(t))) for t in qs]
    return render(request, "clinical/trials.html", {"rows": rows, "query": q})


@login_required
def trial(request, pk):
    if not permissions.can_view_trials(request.user):
        raise PermissionDenied
    t = get_object_or_404(selectors.trials_visible_to(request.user), pk=pk)
    rows = selectors.trial_detail(t)
    for row in rows:
        if permissions.can_record_inclusions(request.user, row["trial_site"]):
            row["form"] = InclusionForm(prefix=f"s{row['trial_site'].pk}")
    return render(request, "clinical/trial.html", {"trial": t, "rows": rows,
                                                    "target_days": CONTRACT_TARGET_DAYS})


@login_required
@require_POST
def inclusions(request, pk):
    trial_site = get_object_or_404(TrialSite.objects.select_related("site__organization", "trial"), pk=pk)
    if not permissions.can_view_trials(request.user):
        raise PermissionDenied
    if not permissions.can_record_inclusions(request.user, trial_site):
        raise PermissionDenied
    form = InclusionForm(request.POST, prefix=f"s{trial_site.pk}")
    if form.is_valid():
        return attempt(request, lambda: services.inclusions_record(actor=request.user, trial_site=trial_site,
                                                                   **form.cleaned_data),
                       _("Inclusions recorded."), redirect("clinical:trial", trial_site.trial_id),
                       refusals=(services.ClinicalError,))
    field, errors = next(iter(form.errors.items()))
    messages.error(request, services.field_error(form.fields[field].label, errors[0]) if field in form.fields
                   else errors[0])
    return redirect("clinical:trial", trial_site.trial_id)


# --- site profiles (issue 11) ---
def site(request, pk):
    """A site's profile: public, like the directory; its investigators to members, its trials to who sees trials."""
    s = selectors.site_profile(pk)
    if s is None:
        raise Http404
    return render(request, "clinical/site.html", {
        "site": s, "contacts": permissions.can_see_site_contacts(request.user),
        "area_labels": [label for value, label in TherapeuticArea.choices if value in s.areas],
        "can_ask": permissions.can_submit_feasibility(request.user),
        "can_edit": permissions.can_edit_site(request.user, s), "trial_sites": selectors.site_trials(request.user, s)})


@login_required
def site_edit(request, pk):
    s = selectors.site_profile(pk)
    if s is None:
        raise Http404
    if not permissions.can_edit_site(request.user, s):
        raise PermissionDenied
    form = SiteProfileForm(request.POST if request.method == "POST" else None, instance=s)

    def page(form):
        return render(request, "clinical/site_edit.html", {"site": s, "form": form})

    if request.method != "POST":
        return page(form)
    return attempt_form(request, form, lambda data: services.site_update(actor=request.user, site=s, **data),
                        _("The site's profile is saved."), lambda saved: redirect("clinical:site", saved.pk), page,
                        refusals=(services.ClinicalError,))
