"""What facility operations hold about a person: recurring series and waitlist places."""

from guichet.privacy.registry import eraser, exporter, when

from .models import BookingSeries, WaitlistEntry


@exporter("facility")
def export_facility(user):
    return {
        "booking_series": [{"id": s.pk, "instrument": s.instrument.key, "rule": s.rule,
                            "first_start": when(s.first_start), "duration_minutes": s.duration_minutes,
                            "cost_centre": s.cost_centre, "created_at": when(s.created_at),
                            "bookings": list(s.occurrences.values_list("booking_id", flat=True))}
                           for s in BookingSeries.objects.filter(user=user).select_related("instrument")
                           .order_by("created_at", "pk")],
        "waitlist": [{"instrument": e.instrument.key, "start": when(e.start), "end": when(e.end),
                      "status": e.status, "created_at": when(e.created_at)}
                     for e in WaitlistEntry.objects.filter(user=user).select_related("instrument")
                     .order_by("created_at", "pk")],
    }


@eraser("facility")
def erase_facility(*, user, actor):
    """Series are the platforms' accounting (their bookings are kept, as bookings'); places in line go."""
    places, _ = WaitlistEntry.objects.filter(user=user).delete()
    return {"waitlist_places": places}
