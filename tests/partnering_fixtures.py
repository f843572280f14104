"""A published Partnering Day with slots and tables, in the future (or the past)."""

from datetime import timedelta

from django.utils import timezone

from guichet.events.models import Event, Session
from guichet.partnering.models import Slot, Table


def make_day(*, key="pday", slots=4, tables=2, start_in=timedelta(days=7), minutes=30):
    event = Event.objects.create(key=key, kind="partnering", status="published", title_fr="Journée partenariale",
                                 title_en="Partnering Day", venue="Marseille")
    start = timezone.now().replace(second=0, microsecond=0) + start_in
    Session.objects.create(event=event, title_fr="Rendez-vous", title_en="Meetings", start=start,
                           end=start + timedelta(minutes=minutes * slots), capacity=200)
    for n in range(slots):
        Slot.objects.create(event=event, start=start + timedelta(minutes=minutes * n),
                            end=start + timedelta(minutes=minutes * (n + 1)))
    for n in range(tables):
        Table.objects.create(event=event, number=n + 1)
    return event
