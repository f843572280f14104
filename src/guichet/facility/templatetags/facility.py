from django import template

from guichet.facility import selectors

register = template.Library()


@register.inclusion_tag("facility/_my_series.html")
def my_series(user):
    """The user's recurring bookings, on "My bookings" (bookings does not import facility: a tag does)."""
    return {"series_list": selectors.series_of_user(user)}


@register.inclusion_tag("facility/_my_waitlist.html")
def my_waitlist(user):
    """The slots the user waits for, on "My bookings"."""
    return {"entries": selectors.waitlist_of_user(user)}


@register.inclusion_tag("facility/_my_incident_offers.html")
def my_incident_offers(user):
    """Slots offered after an incident cancelled a booking, on "My bookings" (--- incidents, issue 13 ---)."""
    return {"offers": selectors.incident_offers_of_user(user)}


@register.simple_tag
def downtime(instrument, year, month):
    """Hours the instrument was down in the month, from its incident log, for the platform's usage report
    (--- incidents, issue 13 --- bookings does not import facility: a tag does)."""
    from guichet.bookings.selectors import month_bounds
    from guichet.facility.incidents import downtime_hours

    start, end = month_bounds(year, month)
    return downtime_hours(instrument, start, end)


@register.inclusion_tag("facility/_order_samples.html")
def order_samples(order, user):
    """The order's sample form answers and the samples' arrival, on the order's page (--- sample forms, issue 13
    --- bookings does not import facility: a tag does); managers record the arrival from here."""
    from guichet.bookings.permissions import can_manage_platform
    from guichet.facility import samples

    receipt = getattr(order, "sample_receipt", None)
    return {"order": order, "answers": list(order.sample_answers.all()), "receipt": receipt,
            "turnaround": samples.turnaround_days(order),
            "can_receive": receipt is None and order.status in samples.RECEIVABLE
            and can_manage_platform(user, order.service.platform)}


@register.inclusion_tag("facility/_turnaround.html")
def turnaround(platform, year, month):
    """Turnaround per service (samples received → delivered), for the platform's usage report."""
    from guichet.facility.samples import turnaround_report

    return {"rows": turnaround_report(platform, year, month), "platform": platform}


@register.inclusion_tag("facility/_consumable_uses.html")
def order_consumables(order, user):
    """The consumables used for the order, and the form to add one for those who may (--- consumables, issue 13
    --- bookings does not import facility: a tag does)."""
    from django.urls import reverse

    from guichet.bookings.models import ServiceOrder
    from guichet.facility import consumables

    offered = ([] if order.status in (ServiceOrder.Status.DECLINED, ServiceOrder.Status.CANCELLED)
               else consumables.offered_for(user, order.service.platform, order=order))
    return {"uses": list(consumables.uses_of(order=order)), "offered": offered,
            "action": reverse("facility:order_consumable_add", args=[order.pk])}
