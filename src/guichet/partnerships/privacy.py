"""What the partnerships app holds about a person: the partnerships, stages and documents they recorded."""

from guichet.privacy.registry import exporter, when

from .models import Partnership, PartnershipDocument, PartnershipStageChange


@exporter("partnerships")
def export_partnerships(user):
    # Nothing to erase: a partnership is its organizations' record; it keeps pointing at the anonymised account.
    return {
        "recorded": [{"id": p.pk, "title": p.title, "type": p.type, "value_eur": str(p.value_eur),
                      "parties": sorted(o.key for o in p.parties.all()), "created_at": when(p.created_at)}
                     for p in Partnership.objects.filter(created_by=user).prefetch_related("parties")
                     .order_by("created_at", "pk")],
        "stage_changes": [{"partnership": c.partnership_id, "stage": c.stage, "on": when(c.on)}
                          for c in PartnershipStageChange.objects.filter(actor=user).order_by("on", "pk")],
        "documents": [{"partnership": d.partnership_id, "name": d.name, "uploaded_at": when(d.uploaded_at)}
                      for d in PartnershipDocument.objects.filter(uploaded_by=user).order_by("uploaded_at", "pk")],
    }
