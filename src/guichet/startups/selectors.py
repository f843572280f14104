"""Reads of start-ups, scoped to who may see them."""

from .models import Startup
from .permissions import startup_scope


def startups_visible_to(user):
    return Startup.objects.filter(startup_scope(user)).distinct()
