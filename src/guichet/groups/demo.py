"""Demo labs and projects: the member heads a fictional lab and its T cell team, whose two grants on the cytometry
platform include one nearly spent (its head got the 80 % alert); the founder's start-up has its own R&D team.
The team's ANR grant also pays for the CIML imaging platform, and a post-doc of the team may charge the team's
projects on the cytometry platform only."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from guichet.accounts.models import Role, User
from guichet.accounts.services import membership_add
from guichet.bookings import services as booking_services
from guichet.core.services import record_relation_set, record_save
from guichet.core.workdays import PARIS
from guichet.directory.models import Organization
from guichet.platforms.models import Instrument, Platform

from .models import GroupMembership, Project, ResearchGroup
from .services import group_save, membership_platforms_admin_set

# --- platforms a member may charge (issue 12) --- a plain member limited to one platform
DEMO_POSTDOC = ("postdoc@demo.guichet.example", "Inès Garnier")


def load_demo_groups(password: str | None = None) -> int:
    if ResearchGroup.objects.exists():
        return 0
    member = User.objects.get(email="member@demo.guichet.example")
    founder = User.objects.get(email="founder@demo.guichet.example")
    staff = User.objects.get(email="staff@demo.guichet.example")
    cyto = Platform.objects.get(key="exemple.cyto")
    today = timezone.localdate()
    lab_org = Organization.objects.get(key="labo-exemple")
    # The team sits inside its lab (a team is one level inside a lab of its organization: groups.services).
    lab = ResearchGroup(key="exemple-labo-immuno", name="Unité immunité et inflammation (exemple fictif)",
                        kind="lab", organization=lab_org)
    team = ResearchGroup(key="exemple-equipe-t", name="Équipe lymphocytes T (exemple fictif)", kind="team",
                         organization=lab_org, parent=lab)
    startup_team = ResearchGroup(key="exemple-vhh-rd", name="VHH Therapeutics R&D (fictional example)",
                                 organization=Organization.objects.get(key="startup-exemple"))
    for group in (lab, team, startup_team):
        group_save(actor=staff, record=group, is_new=True)
    for group, head in ((lab, member), (team, member), (startup_team, founder)):
        record_save(actor=staff, record=GroupMembership(group=group, user=head, role="head", status="active",
                                                        may_charge=True, decided_by=staff,
                                                        decided_at=timezone.now()), is_new=True)
    grants = [
        Project(key="exemple-anr-tcell", name="ANR Lymphocytes T (exemple fictif)", funder="ANR",
                grant_number="ANR-26-CE15-0000", group=team, starts_on=today.replace(month=1, day=1),
                ends_on=today.replace(year=today.year + 2, month=12, day=31), budget=Decimal("8000.00")),
        Project(key="exemple-inca-pilot", name="INCa pilot study (fictional example)", funder="INCa",
                grant_number="INCA-PL-0000", group=team, starts_on=today - timedelta(days=200),
                ends_on=today + timedelta(days=165), budget=Decimal("400.00")),
        Project(key="exemple-bpi-vhh", name="Bpifrance VHH (exemple fictif)", funder="Bpifrance",
                grant_number="BPI-DEMO-0000", group=startup_team, starts_on=today - timedelta(days=30),
                ends_on=today + timedelta(days=700), budget=Decimal("15000.00")),
    ]
    imaging = Platform.objects.filter(key="ciml.imaging").first()
    for project in grants:
        record_save(actor=staff, record=project, is_new=True)
        paid = [cyto, imaging] if project is grants[0] and imaging is not None else [cyto]
        record_relation_set(actor=staff, record=project, field="platforms", values=paid)
    email, name = DEMO_POSTDOC
    postdoc = User.objects.filter(email=email).first() or User.objects.create_user(
        email, password, full_name=name, role=Role.MEMBER)
    with transaction.atomic():
        membership_add(actor=None, user=postdoc, organization=lab_org)
        limited = GroupMembership(group=team, user=postdoc, status="active", may_charge=True, decided_by=member,
                                  decided_at=timezone.now())
        record_save(actor=staff, record=limited, is_new=True)
        membership_platforms_admin_set(actor=member, record=limited, values=[cyto])
    # The nearly spent pilot: three coming spectral sessions (30 €/h, academic) hold 360 € of its 400 €.
    spectral = Instrument.objects.get(key="exemple.cyto.spectral")
    monday = today - timedelta(days=today.weekday()) + timedelta(weeks=2)
    created = 0
    for day, hours in ((0, 4), (2, 4), (4, 4)):
        start = datetime.combine(monday + timedelta(days=day), time(13, 0), PARIS)
        booking_services.booking_create(actor=member, instrument=spectral, start=start,
                                        end=start + timedelta(hours=hours), project=grants[1])
        created += 1
    start = datetime.combine(monday + timedelta(days=1), time(9, 0), PARIS)
    booking_services.booking_create(actor=member, instrument=spectral, start=start, end=start + timedelta(hours=3),
                                    project=grants[0])
    return created + 1
