"""A building of the site with an office, a bench and a meeting room, run by its platform's manager."""

from decimal import Decimal

from guichet.accounts.models import Role
from guichet.directory.models import Organization
from guichet.hosting import services
from guichet.hosting.models import Building
from guichet.platforms.models import Platform

from .conftest import make_user


def make_building(manager=None, key="luminy-b"):
    owner = Organization.objects.get_or_create(key="cluster", defaults={"name": "Cluster", "kind": "support"})[0]
    platform = Platform.objects.create(key=f"host.{key}", name=f"Hosting {key}", organization=owner)
    manager = manager or make_user(f"host-{key}@u.example", Role.PLATFORM_MANAGER)
    platform.managers.add(manager)
    building = Building.objects.create(key=key, name=f"Building {key}", site="Luminy", platform=platform)
    office = services.space_create(actor=manager, building=building, key="b101", name="Office B101", kind="office",
                                   surface_m2=Decimal("20.00"), seats=3)
    bench = services.space_create(actor=manager, building=building, key="l201", name="Bench L201", kind="bench",
                                  surface_m2=Decimal("10.00"))
    room = services.space_create(actor=manager, building=building, key="r001", name="Room Calanques",
                                 kind="meeting_room", surface_m2=Decimal("30.00"), seats=12,
                                 hourly_academic=Decimal("15.00"))
    company = Organization.objects.get_or_create(key="vhh-bio", defaults={"name": "VHH Bio", "kind": "startup"})[0]
    other = Organization.objects.get_or_create(key="cell-co", defaults={"name": "Cell Co", "kind": "company"})[0]
    return {"building": building, "manager": manager, "office": office, "bench": bench, "room": room,
            "company": company, "other": other}
