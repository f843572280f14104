"""What technology transfer holds about a person: the disclosures naming them, their questions about offers."""

from guichet.privacy.registry import eraser, exporter, when

from .models import InventionDisclosure, OfferRequest

ERASED_TEXT = "[erased]"


@exporter("transfer")
def export_transfer(user):
    return {
        "invention_disclosures": [
            {"number": str(d), "office": d.office.organization.key, "title": d.title, "summary": d.summary,
             "disclosed_on": when(d.disclosed_on), "status": d.status}
            for d in InventionDisclosure.objects.filter(inventors=user).select_related("office__organization")
            .order_by("disclosed_on", "pk")],
        "offer_requests": [{"offer": r.offer_id, "message": r.message, "created_at": when(r.created_at)}
                           for r in OfferRequest.objects.filter(user=user).order_by("created_at", "pk")],
    }


@eraser("transfer")
def erase_transfer(*, user, actor):
    """Their questions' words go. A disclosure stays the office's record of an invention (inventorship is a
    legal fact the office must keep); the anonymised account no longer names them on it."""
    return {"offer_requests": OfferRequest.objects.filter(user=user).exclude(message="")
            .update(message=ERASED_TEXT)}
