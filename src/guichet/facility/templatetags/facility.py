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
