"""Jobs and talent pages: the public list and search, a posting with its application form, posting and editing
for members, the applications and their CVs for the poster and the team, and the applicant's own page (the
e-mailed link: confirm, see the status, withdraw)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guichet.accounts.identity import client_ip
from guichet.accounts.permissions import member_required
from guichet.core import params
from guichet.core.actions import attempt, attempt_form, form_errors_text
from guichet.core.errors import visible_or_404

from . import permissions, selectors, services
from .forms import ApplicationForm, CloseForm, PostingForm
from .models import Application, Posting

Q_MAX = 200


def _posting(request, pk) -> Posting:
    return visible_or_404(selectors.posting_visible(user=request.user, pk=pk))


def _managed(request, pk) -> Posting:
    posting = _posting(request, pk)  # 404 for whoever may not even see it
    if not permissions.can_manage_posting(request.user, posting):
        raise PermissionDenied
    return posting


def postings(request):
    q, kind = request.GET.get("q", "").strip(), request.GET.get("kind", "")
    if message := params.text_error(q, max_length=Q_MAX, label=_("Search")):
        raise params.BadParameter(message, "q")
    if kind not in Posting.Kind.values + [""]:
        raise params.BadParameter(_("Kind: choose one of the kinds listed."), "kind")
    return render(request, "talent/list.html", {
        "postings": selectors.postings_open(q=q, kind=kind)[:200], "query": q, "kind": kind,
        "kinds": Posting.Kind.choices, "can_post": permissions.can_post_job(request.user)})


def _detail_page(request, posting, *, form=None, error="", status=200):
    mine = None
    if request.user.is_authenticated:
        mine = selectors.applications_of(request.user).filter(posting=posting).order_by("-created_at").first()
    return render(request, "talent/detail.html", {
        "posting": posting, "form": form or ApplicationForm(), "mine": mine, "apply_error": error,
        "manager": permissions.can_manage_posting(request.user, posting),
        "open": posting.status == Posting.Status.OPEN and posting.expires_on >= services.today_paris()}, status=status)


def posting(request, pk):
    return _detail_page(request, _posting(request, pk))


@require_POST
def apply(request, pk):
    posting = _posting(request, pk)
    form = ApplicationForm(request.POST, request.FILES)
    if not form.is_valid():
        # The page again with what they typed (a redirect emptied the form: the trial lost a whole cover letter).
        return _detail_page(request, posting, form=form, error=form_errors_text(form), status=400)
    data = form.cleaned_data
    try:
        application = services.application_create(
            actor=request.user, posting=posting, full_name=data["full_name"], email=data["email"],
            letter=data["letter"], cv=data["cv"], language=request.LANGUAGE_CODE, client_address=client_ip(request))
    except services.RateLimited as exc:
        return render(request, "talent/check_email.html", {"error": str(exc), "posting": posting}, status=429)
    except services.TalentError as exc:
        return _detail_page(request, posting, form=form, error=str(exc), status=400)
    if application.status == Application.Status.PENDING:
        return render(request, "talent/check_email.html", {"posting": posting, "email": application.email})
    messages.success(request, _("Your application is sent. The recruiter reads it with your CV."))
    return redirect("talent:application", application.token)


@member_required
def posting_new(request):
    organizations = permissions.organizations_for_posting(request.user)
    if not organizations:
        raise PermissionDenied
    form = PostingForm(request.POST or None, organizations=organizations)

    def page(form):
        return render(request, "talent/form.html", {"form": form, "posting": None},
                      status=400 if request.method == "POST" else 200)

    def create(data):
        data = dict(data)
        organization = next(o for o in organizations if o.pk == data.pop("organization"))
        return services.posting_create(actor=request.user, organization=organization, **data)

    if request.method != "POST":
        return page(form)
    return attempt_form(request, form, create, _("Your posting is published."),
                        lambda created: redirect("talent:detail", created.pk), page)


@login_required
def posting_edit(request, pk):
    posting = _managed(request, pk)
    if posting.status != Posting.Status.OPEN:
        messages.error(request, _("This posting is closed: it can no longer be edited."))
        return redirect("talent:detail", pk)
    initial = {f: getattr(posting, f) for f in services.FIELDS if f != "organization"}
    form = PostingForm(request.POST or None, initial=initial, editing=True)

    def page(form):
        return render(request, "talent/form.html", {"form": form, "posting": posting},
                      status=400 if request.method == "POST" else 200)

    if request.method != "POST":
        return page(form)
    return attempt_form(request, form, lambda data: services.posting_update(actor=request.user, posting=posting, **data),
                        _("The posting is saved."), redirect("talent:detail", pk), page)


@require_POST
@login_required
def posting_close(request, pk):
    posting = _managed(request, pk)
    candidates = selectors.applications_for(user=request.user, posting=posting).filter(
        status=Application.Status.RECEIVED)
    form = CloseForm(request.POST, applications=candidates)
    if not form.is_valid():
        messages.error(request, form_errors_text(form))
        return redirect("talent:applications", pk)
    hired = candidates.filter(pk=form.cleaned_data["hired"]).first() if form.cleaned_data["hired"] else None
    return attempt(
        request,
        lambda: services.posting_close(actor=request.user, posting=posting, outcome=form.cleaned_data["outcome"],
                                       hired=hired),
        _("The posting is closed; the applicants still waiting are told."),
        redirect("talent:applications", pk))


@login_required
def applications(request, pk):
    posting = _managed(request, pk)
    rows = selectors.applications_for(user=request.user, posting=posting)
    waiting = rows.filter(status=Application.Status.RECEIVED)
    return render(request, "talent/applications.html", {
        "posting": posting, "applications": rows, "close_form": CloseForm(applications=waiting),
        "open": posting.status == Posting.Status.OPEN})


@login_required
def cv(request, pk):
    application = selectors.application_readable(user=request.user, pk=pk)
    if application is None:
        raise Http404  # not found and not allowed look the same: nobody learns who applied
    if not application.cv:
        raise Http404(_("This CV was deleted: CVs are kept %(days)d days after their posting closes.")
                      % {"days": settings.GUICHET_TALENT_CV_RETENTION_DAYS})
    return FileResponse(application.cv.open("rb"), as_attachment=True, filename=application.cv_name)


@require_POST
@login_required
def decline(request, pk):
    application = selectors.application_readable(user=request.user, pk=pk)
    if application is None:
        raise Http404
    return attempt(
        request,
        lambda: services.application_decline(actor=request.user, application=application),
        _("The application is declined; the applicant is told."),
        redirect("talent:applications", application.posting_id))


def _by_token(token) -> Application:
    application = (Application.objects.select_related("posting__organization").filter(token=token).first())
    if application is None:
        raise Http404
    return application


def application_page(request, token):
    """The applicant's page (the e-mailed link: its token is the secret): the status, confirm or withdraw."""
    application = _by_token(token)
    return render(request, "talent/application.html", {"application": application,
                                                       "live": application.status in Application.LIVE})


def _applicant_step(request, token, step, done: str):
    """The applicant's confirm or withdraw (their token is the secret): the step, then their page again."""
    _by_token(token)
    return attempt(request, lambda: step(token=token), done, redirect("talent:application", token))


@require_POST
def application_confirm(request, token):
    return _applicant_step(request, token, services.application_confirm,
                           _("Your application is sent. The recruiter reads it with your CV."))


@require_POST
def application_withdraw(request, token):
    return _applicant_step(request, token, services.application_withdraw, _("Your application is withdrawn."))


@login_required
def mine(request):
    return render(request, "talent/mine.html", {
        "postings": selectors.postings_managed_by(request.user) if not request.user.is_staff
        else selectors.postings_managed_by(request.user).filter(posted_by=request.user),
        "applications": selectors.applications_of(request.user),
        "can_post": permissions.can_post_job(request.user)})
