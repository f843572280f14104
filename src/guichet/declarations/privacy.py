"""What declaration campaigns hold about a person: the declarations they sent or validated (the figures are
their organization's, kept for the indicators; an erased account no longer names them: SET_NULL)."""

from guichet.privacy.registry import eraser, exporter, when

from .models import Declaration, Evidence


@exporter("declarations")
def export_declarations(user):
    return {
        "declared": [{"campaign": d.campaign.title, "organization": d.organization.key, "status": d.status,
                      "submitted_at": when(d.submitted_at)}
                     for d in Declaration.objects.filter(submitted_by=user).select_related("campaign", "organization")
                     .order_by("pk")],
        "validated": [{"campaign": d.campaign.title, "organization": d.organization.key,
                       "validated_at": when(d.validated_at)}
                      for d in Declaration.objects.filter(validated_by=user).select_related("campaign", "organization")
                      .order_by("pk")],
        "evidence_uploaded": [{"name": e.name, "uploaded_at": when(e.uploaded_at)}
                              for e in Evidence.objects.filter(uploaded_by=user).order_by("pk")],
    }


@eraser("declarations")
def erase_declarations(*, user, actor):
    """The declarations stay their organization's record; they no longer name the person."""
    return {"declared": Declaration.objects.filter(submitted_by=user).update(submitted_by=None),
            "validated": Declaration.objects.filter(validated_by=user).update(validated_by=None),
            "evidence": Evidence.objects.filter(uploaded_by=user).update(uploaded_by=None)}
