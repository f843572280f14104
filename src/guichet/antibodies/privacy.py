"""What the antibody workspace holds about a person: their assessments."""

from guichet.privacy.registry import eraser, exporter, when

from .models import Assessment
from .selectors import iter_reports


@exporter("antibodies")
def export_assessments(user):
    return {"assessments": [{"id": a.pk, "title": a.title, "cdr_scheme": a.cdr_scheme,
                             "shared_with_organization": a.shared_with_organization,
                             "created_at": when(a.created_at), "result": list(iter_reports(a))}
                            for a in Assessment.objects.filter(owner=user).order_by("created_at", "pk")]}


@eraser("antibodies")
def erase_assessments(*, user, actor):
    """A private workspace goes with its owner; what they shared with their organization stays with it."""
    removed, _ = Assessment.objects.filter(owner=user, shared_with_organization=False).delete()
    return {"private_assessments": removed}
