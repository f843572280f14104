"""What the platforms hold about a person: bookings, service orders, trainings, calendar feeds."""

from guichet.privacy.registry import eraser, exporter, when

from .models import Booking, FeedToken, ServiceOrder, TrainingAuthorization


@exporter("bookings")
def export_bookings(user):
    return {
        "bookings": [{"id": b.pk, "instrument": b.instrument.key, "kind": b.kind, "start": when(b.start),
                      "end": when(b.end), "status": b.status, "note": b.note, "cost_centre": b.cost_centre,
                      "project": b.project.key if b.project else None,
                      "organization": b.organization.key if b.organization else None,
                      "created_at": when(b.created_at)}
                     for b in Booking.objects.filter(user=user).select_related("instrument", "organization", "project")
                     .order_by("start", "pk")],
        "service_orders": [{"id": o.pk, "service": o.service.key, "description": o.description,
                            "quantity": str(o.quantity), "status": o.status, "cost_centre": o.cost_centre,
                            "project": o.project.key if o.project else None,
                            "organization": o.organization.key if o.organization else None,
                            "created_at": when(o.created_at), "delivered_at": when(o.delivered_at)}
                           for o in ServiceOrder.objects.filter(requester=user)
                           .select_related("service", "organization", "project").order_by("created_at", "pk")],
        "trainings": [{"instrument": t.instrument.key, "granted_at": when(t.granted_at),
                       "expires_at": when(t.expires_at), "revoked_at": when(t.revoked_at),
                       "revoke_reason": t.revoke_reason}
                      for t in TrainingAuthorization.objects.filter(user=user).select_related("instrument")
                      .order_by("granted_at", "pk")],
        # The feed's secret address is not personal data about them, it is a key: it is not exported.
        "calendar_feeds": [{"instrument": f.instrument.key if f.instrument else None,
                            "created_at": when(f.created_at), "revoked_at": when(f.revoked_at)}
                           for f in FeedToken.objects.filter(user=user).select_related("instrument")
                           .order_by("created_at", "pk")],
    }


@eraser("bookings")
def erase_bookings(*, user, actor):
    """Bookings and orders are the platforms' accounting: kept, their free-text booking notes cleared."""
    notes = Booking.objects.filter(user=user).exclude(note="").update(note="")
    feeds, _ = FeedToken.objects.filter(user=user).delete()
    return {"booking_notes": notes, "calendar_feeds": feeds}
