"""What facility operations hold about a person: recurring series, waitlist places, incident offers and the
invoice lines that name them (invoices are kept as issued)."""

from guichet.privacy.registry import eraser, exporter, when

from .models import BookingSeries, IncidentOffer, InvoiceLine, SampleAnswer, SampleReceipt, WaitlistEntry


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
        # --- invoices (issue 13, item 7) --- the invoice lines that name the person (their bookings, orders)
        "invoice_lines": [{"invoice": line.invoice.number, "issued_at": when(line.invoice.issued_at),
                           "label": line.label, "net": str(line.net)}
                          for line in InvoiceLine.objects.filter(user=user).select_related("invoice")
                          .order_by("invoice__issued_at", "invoice_id", "position")],
        # --- incidents (issue 13, item 4) --- the slots offered after an incident cancelled a booking
        "incident_offers": [{"instrument": o.incident.instrument.key, "cancelled_booking": o.cancelled_id,
                             "slots": o.slots, "status": o.status, "booking": o.booking_id}
                            for o in IncidentOffer.objects.filter(user=user).select_related("incident__instrument")
                            .order_by("pk")],
        # --- sample forms (issue 13, item 5) --- the answers given with their orders, and when samples arrived
        "sample_answers": [{"order": a.order_id, "question": a.label, "answer": a.value, "file": a.file_name}
                           for a in SampleAnswer.objects.filter(order__requester=user).order_by("order_id",
                                                                                                  "position", "pk")],
        "samples_received": [{"order": r.order_id, "received_at": when(r.received_at)}
                             for r in SampleReceipt.objects.filter(order__requester=user).order_by("order_id")],
    }


@eraser("facility")
def erase_facility(*, user, actor):
    """Series are the platforms' accounting (their bookings are kept, as bookings'); places in line go."""
    places, _ = WaitlistEntry.objects.filter(user=user).delete()
    offers, _ = IncidentOffer.objects.filter(user=user).delete()
    # Invoices are kept as issued (ten years, Code de commerce art. L123-22): their lines lose the link to the
    # account, the label printed on the invoice stays.
    kept = InvoiceLine.objects.filter(user=user).update(user=None)
    return {"waitlist_places": places, "incident_offers": offers, "invoice_lines_kept": kept}
