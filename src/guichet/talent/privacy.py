"""What jobs and talent hold about a person: their applications (by account or by the same address), CVs
included, and the postings they made."""

from django.db.models import Q

from guichet.privacy.registry import eraser, exporter, when

from .models import Application, Posting


def _theirs(user):
    return Application.objects.filter(Q(user=user) | Q(email__iexact=user.email))


@exporter("talent")
def export_talent(user):
    return {
        "applications": [{"posting": a.posting_id, "status": a.status, "full_name": a.full_name, "email": a.email,
                          "letter": a.letter, "cv": a.cv_name, "created_at": when(a.created_at)}
                         for a in _theirs(user).order_by("created_at", "pk")],
        "postings": [{"id": p.pk, "title": p.title, "organization": p.organization.key, "status": p.status,
                      "published_at": when(p.published_at)}
                     for p in Posting.objects.filter(posted_by=user).select_related("organization").order_by("pk")],
    }


@eraser("talent")
def erase_talent(*, user, actor):
    """Applications stay counted (the posting's history); the name, address, letter and CV file go. Postings
    stay (they are the organization's), attached to the anonymised account."""
    count = 0
    for application in _theirs(user):
        if application.cv.name:
            application.cv.storage.delete(application.cv.name)
        Application.objects.filter(pk=application.pk).update(
            full_name="—", email=f"erased-{application.pk}@invalid.example", letter="", cv="", cv_name="", user=None)
        count += 1
    return {"applications": count}
