"""Reads of jobs and talent, already scoped to what the reader may see."""

from django.db.models import Count, Q

from guichet.core.text import words

from . import permissions
from .models import Application, Posting
from .services import today_paris

MAX_TERMS = 12  # words of a search kept (more add nothing but cost)


def postings_open(*, q: str = "", kind: str = "", language: str = "", now=None):
    """Open postings whose date is not past, newest first; every word of `q` found (accents and case ignored)
    in the title, description, organization or location."""
    rows = (Posting.objects.filter(status=Posting.Status.OPEN, expires_on__gte=today_paris(now))
            .select_related("organization"))
    if kind:
        rows = rows.filter(kind=kind)
    if language:
        rows = rows.filter(language=language)
    for word in words(q)[:MAX_TERMS]:
        rows = rows.filter(search_text__contains=word)
    return rows


def posting_visible(*, user, pk: int) -> Posting | None:
    posting = Posting.objects.select_related("organization", "posted_by").filter(pk=pk).first()
    if posting is None or not permissions.can_see_posting(user, posting):
        return None
    return posting


def postings_managed_by(user):
    """The postings a member posted (all of them for the team), with their count of applications on file."""
    rows = Posting.objects.select_related("organization").annotate(
        received=Count("applications", filter=Q(applications__status__in=[Application.Status.RECEIVED,
                                                                          Application.Status.HIRED,
                                                                          Application.Status.DECLINED])))
    if user.is_staff:
        return rows
    return rows.filter(posted_by=user)


def applications_for(*, user, posting: Posting):
    """The applications the poster and the team see: confirmed ones (a visitor's unconfirmed one is not yet
    an application). Nobody else gets any."""
    if not permissions.can_read_applications(user, posting):
        return Application.objects.none()
    return posting.applications.exclude(status__in=[Application.Status.PENDING]).select_related("user")


def application_readable(*, user, pk: int) -> Application | None:
    application = Application.objects.select_related("posting").filter(pk=pk).first()
    if application is None or application.status == Application.Status.PENDING or \
            not permissions.can_read_applications(user, application.posting):
        return None
    return application


def applications_of(user):
    """A person's own applications (by account or by the same address)."""
    if not (user and user.is_authenticated):
        return Application.objects.none()
    return (Application.objects.filter(Q(user=user) | Q(email__iexact=user.email))
            .exclude(status=Application.Status.PENDING).select_related("posting__organization"))
