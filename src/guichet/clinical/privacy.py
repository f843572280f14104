"""What clinical transfer holds about a person: the feasibility answers they gave for a site."""

from guichet.privacy.registry import eraser, exporter, when

from .models import FeasibilityAnswer

ERASED_TEXT = "[erased]"


@exporter("clinical")
def export_clinical(user):
    return {"feasibility_answers": [
        {"request": a.feasibility.request_id, "site": a.site.organization.key, "estimate": a.estimate,
         "interest": a.interest, "comment": a.comment, "answered_at": when(a.answered_at)}
        for a in FeasibilityAnswer.objects.filter(answered_by=user).select_related(
            "feasibility", "site__organization").order_by("answered_at", "pk")]}


@eraser("clinical")
def erase_clinical(*, user, actor):
    """Their comments go; the site's estimate and interest stay (they are the site's answer, and a KPI)."""
    return {"feasibility_answers": FeasibilityAnswer.objects.filter(answered_by=user).exclude(comment="")
            .update(comment=ERASED_TEXT)}
