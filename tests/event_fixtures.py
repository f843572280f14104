"""Events shared by the events tests: a published conference with one session, in the future."""

from datetime import timedelta

from django.utils import timezone

from guichet.events.models import Event, Session


def make_session(*, capacity=1, key="conf", start_in=timedelta(days=5), visitors=True, course=None,
                 kind="conference", status="published"):
    event = Event.objects.create(key=key, kind=kind, status=status, title_fr="Journée immunologie",
                                 title_en="Immunology day", venue="Marseille", visitors_allowed=visitors,
                                 course=course)
    start = timezone.now().replace(microsecond=0) + start_in
    return Session.objects.create(event=event, title_fr="Plénière", title_en="Plenary", start=start,
                                  end=start + timedelta(hours=2), capacity=capacity)
