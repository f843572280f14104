"""What the start-ups app holds about a person: the companies they are a founder of."""

from guichet.privacy.registry import eraser, exporter

from .models import Startup


@exporter("startups")
def export_founded(user):
    return {"founder_of": sorted(s.organization.key for s in Startup.objects.filter(founders=user)
                                 .select_related("organization"))}


@eraser("startups")
def erase_founded(*, user, actor):
    """The company's figures stay; the person is no longer named among its founders."""
    startups = list(Startup.objects.filter(founders=user))
    for startup in startups:
        startup.founders.remove(user)
    return {"founder_links": len(startups)}
