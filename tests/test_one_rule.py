"""One statement of each rule (issue 10, item 2): where a rule is read twice (an object check and a scoped
query, a page and the API), both readings agree on a generated population, and each shared rule has one home.
"""

import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from guichet.core.models import AuditEvent
from guichet.desk.models import Need, Routing, Status
from guichet.directory.models import Organization

from .factories import MembershipFactory, OrganizationFactory, UserFactory


@pytest.fixture
def population(staff, admin, member, guest):
    """Two organizations and every shape of user the visibility rules tell apart: the cast's staff, admin,
    member and guest, and the shapes the cast has no name for."""
    a = OrganizationFactory(key="org-a", name="A", kind="company")
    b = OrganizationFactory(key="org-b", name="B", kind="research_lab")
    users = {
        "staff": staff, "admin": admin, "member": member, "guest": guest,
        "contact_a": MembershipFactory(organization=a, is_contact=True).user,
        "plain_a": MembershipFactory(organization=a).user,
        "manager_b": MembershipFactory(organization=b, user__manager=True).user,
        "guest_contact_a": MembershipFactory(organization=a, is_contact=True, user__guest=True).user,
        "inactive_contact_a": MembershipFactory(organization=a, is_contact=True, user__is_active=False).user,
        "inactive_staff": UserFactory(staff=True, is_active=False),
    }
    return {"a": a, "b": b, "users": users}


def desk_requests(population):
    """Every requester × confidentiality × status × routing (none, to A, to B, assigned to a member)."""
    users, a, b = population["users"], population["a"], population["b"]
    requesters = [users[n] for n in ("member", "contact_a", "guest", "staff")]
    routings = [None, ("org", a), ("org", b), ("assignee", users["plain_a"]), ("assignee", users["guest"])]
    made = []
    for requester, confidential, status, routing in itertools.product(requesters, (False, True), Status.values,
                                                                      routings):
        request = Need.objects.create(title="t", text="need", language="en", requester=requester,
                                         confidential=confidential, status=status,
                                         outcome="no_match" if status == Status.CLOSED else "")
        if routing is not None:
            kind, target = routing
            Routing.objects.create(request=request, record_kind="organization", record_key="k", record_name="n",
                                   routed_by=users["staff"],
                                   provider_organization=target if kind == "org" else None,
                                   assignee=target if kind == "assignee" else None)
        made.append(request)
    return made


@pytest.mark.django_db
def test_a_desk_requests_two_visibility_statements_agree(population):
    """`can_view_request` (the page, the API, the e-mails) and `requests_visible_to` (the lists, the search)
    say the same for every user of the population and every request shape."""
    from guichet.desk.permissions import can_view_request
    from guichet.desk.selectors import requests_visible_to

    made = desk_requests(population)
    assert len(made) == 4 * 2 * len(Status.values) * 5
    seen_by = {}
    for name, user in [*population["users"].items(), ("anonymous", None)]:
        listed = set(requests_visible_to(user).values_list("pk", flat=True)) if user else set()
        checked = {r.pk for r in Need.objects.prefetch_related("routings") if can_view_request(user, r)}
        assert listed == checked, f"{name}: listed but refused {sorted(listed - checked)}, " \
                                  f"allowed but not listed {sorted(checked - listed)}"
        seen_by[name] = len(checked)
    # The population tells the roles apart (the agreement above is not two empty sets).
    assert seen_by["staff"] == len(made) and seen_by["inactive_staff"] == 0 == seen_by["anonymous"]
    assert 0 < seen_by["guest"] < seen_by["member"] < seen_by["contact_a"] < seen_by["staff"]
    # A guest who answers for A sees exactly what is routed to A (4 requesters × 2 × every status).
    assert seen_by["guest_contact_a"] == 4 * 2 * len(Status.values)


@pytest.mark.django_db
def test_partnership_visibility_agrees_and_a_guest_sees_none(population):
    from guichet.partnerships.models import Partnership
    from guichet.partnerships.permissions import can_see_partnership
    from guichet.partnerships.selectors import partnerships_visible_to

    a, b = population["a"], population["b"]
    for i, parties in enumerate([[a], [b], [a, b], []]):
        partnership = Partnership.objects.create(title=f"p{i}", type="rd_collaboration")
        partnership.parties.set(parties)
    for name, user in [*population["users"].items(), ("anonymous", None)]:
        listed = set(partnerships_visible_to(user).values_list("pk", flat=True)) if user else set()
        checked = {p.pk for p in Partnership.objects.all() if can_see_partnership(user, p)}
        assert listed == checked, name
    visible = {name: partnerships_visible_to(user).count() for name, user in population["users"].items()}
    assert visible["staff"] == 4 and visible["contact_a"] == 2 == visible["plain_a"] and visible["member"] == 0
    assert visible["guest_contact_a"] == 0  # a guest is not a member of the network, whatever its memberships


@pytest.mark.django_db
def test_startup_visibility_agrees_with_who_may_edit(population):
    from guichet.startups.models import Startup
    from guichet.startups.permissions import can_edit_startup
    from guichet.startups.selectors import startups_visible_to

    users = population["users"]
    for i, founders in enumerate([[users["member"]], [users["member"], users["contact_a"]], [users["guest"]], []]):
        org = Organization.objects.create(key=f"st-{i}", name=f"S{i}", kind="startup")
        startup = Startup.objects.create(organization=org, founded_on=date(2020, 1, 1), origin="academic")
        startup.founders.set(founders)
    for name, user in [*users.items(), ("anonymous", None)]:
        listed = set(startups_visible_to(user).values_list("pk", flat=True)) if user else set()
        checked = {s.pk for s in Startup.objects.all() if can_edit_startup(user, s)}
        assert listed == checked, name
    assert startups_visible_to(users["member"]).count() == 2 and startups_visible_to(users["staff"]).count() == 4
    assert startups_visible_to(users["guest"]).count() == 0


@pytest.mark.django_db
def test_a_guest_is_refused_the_members_pages_and_reads_no_partnership_through_the_api(client, population):
    from guichet.accounts.models import ApiToken
    from guichet.accounts.services import api_token_create
    from guichet.partnerships.models import Partnership

    partnership = Partnership.objects.create(title="Shared", type="rd_collaboration")
    partnership.parties.set([population["a"]])
    guest = population["users"]["guest_contact_a"]  # a party's contact, yet a guest
    client.force_login(guest)
    for url in ("/partnerships/", "/startups/"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert b"Shared" not in response.content
    client.force_login(population["users"]["plain_a"])
    assert "Shared" in client.get("/partnerships/").content.decode()
    _token, raw = api_token_create(actor=guest, name="t")
    assert ApiToken.objects.filter(user=guest).exists()
    answer = client.get("/api/v1/partnerships", headers={"Authorization": f"Bearer {raw}"})
    assert answer.status_code == 200 and answer.json() == []


@pytest.mark.django_db
def test_member_of_the_network_is_stated_once():
    """Bookings, the desk, partnerships, programmes and the menu all ask accounts.permissions.is_member."""
    from pathlib import Path

    import guichet

    root = Path(guichet.__file__).parent
    stated = [str(p.relative_to(root)) for p in root.rglob("*.py")
              if "role != Role.GUEST" in p.read_text() or "exclude(role=Role.GUEST)" in p.read_text()]
    assert stated == ["accounts/permissions.py"]


@pytest.mark.django_db
def test_the_organization_of_a_user_is_their_first_membership(population):
    from guichet.accounts.selectors import organization_of

    users, a, b = population["users"], population["a"], population["b"]
    assert organization_of(users["contact_a"]) == a and organization_of(users["member"]) is None
    MembershipFactory(user=users["contact_a"], organization=b)
    assert organization_of(users["contact_a"]) == a  # joined first
    assert organization_of(None) is None


@pytest.mark.django_db
def test_the_public_figures_are_one_list_for_the_page_and_the_api(client):
    from guichet.impact import kpis

    page = client.get("/impact/public/", HTTP_ACCEPT_LANGUAGE="en")
    api = client.get("/api/v1/impact/public")
    assert [row["key"] for row in api.json()] == [k for k in kpis.KPI_LABELS if k in kpis.PUBLIC_KPIS]
    shown = {row[0] for row in page.context["rows"]}
    assert shown == set(kpis.PUBLIC_KPIS) & set(kpis.compute(public=True).values)
    assert "platform_revenue" not in shown and "economic_impact" not in shown


def test_booked_hours_are_priced_once_half_up():
    from types import SimpleNamespace

    from guichet.bookings.selectors import booked_amount

    instrument = SimpleNamespace(hourly_rate=lambda category: {"academic": Decimal("10.01")}[category])
    # 0.5 h at 10.01 is 5.005: half up is 5.01 (the revenue KPI used to round it half-even to 5.00).
    assert booked_amount(instrument, Decimal("0.5"), "academic") == Decimal("5.01")


@pytest.mark.django_db
def test_a_declared_headcount_is_one_declaration_whatever_the_door(population):
    from guichet.startups import services
    from guichet.startups.models import Headcount, Startup

    org = Organization.objects.create(key="st-h", name="H", kind="startup")
    startup = Startup.objects.create(organization=org, founded_on=date(2020, 1, 1), origin="academic")
    staff = population["users"]["staff"]
    services.startup_declare(actor=staff, startup=startup, headcount_on=date(2025, 1, 1), headcount=7)
    services.startup_declare(actor=staff, startup=startup, headcount_on=date(2025, 1, 1), headcount=9)
    assert list(Headcount.objects.filter(organization=org).values_list("headcount", flat=True)) == [9]
    declared = AuditEvent.objects.filter(action="headcount.declare", entity_key="st-h@2025-01-01")
    assert [e.changes["headcount"] for e in declared.order_by("pk")] == [[None, 7], [7, 9]]


@pytest.mark.django_db
def test_the_rules_page_goes_through_instrument_rules_update(client, monkeypatch):
    from guichet.platforms import services as platform_services
    from guichet.platforms.models import Instrument, Platform

    org = Organization.objects.create(key="org-r", name="R", kind="research_lab")
    platform = Platform.objects.create(key="plat-r", name="P", organization=org)
    instrument = Instrument.objects.create(key="inst-r", name="I", platform=platform)
    manager = UserFactory(email="m@x.example", manager=True)
    platform.managers.add(manager)
    calls = []
    real = platform_services.instrument_rules_update
    monkeypatch.setattr(platform_services, "instrument_rules_update",
                        lambda **kw: calls.append(kw) or real(**kw))
    client.force_login(manager)
    form = {f: getattr(instrument, f) for f in platform_services.RULE_FIELDS}
    form.update({"bookable": "on", "opens_at": "08:00", "closes_at": "19:00", "hourly_academic": "12.50"})
    for name in ("requires_training", "approval_required"):
        form.pop(name)
    response = client.post(reverse("bookings:manage_rules", args=[instrument.key]), form)
    assert response.status_code == 302, response.content[:500]
    assert len(calls) == 1 and calls[0]["instrument"].pk == instrument.pk
    instrument.refresh_from_db()
    assert instrument.hourly_academic == Decimal("12.50")
    event = AuditEvent.objects.get(action="instrument.update", entity_key="inst-r")
    assert event.changes["hourly_academic"] == ["0.00", "12.50"] and event.actor == manager


@pytest.mark.django_db
def test_a_booking_is_cancelled_by_its_booker_before_the_deadline_and_by_its_managers_after(population,
                                                                                            monkeypatch):
    from types import SimpleNamespace

    from guichet.bookings import permissions

    users = population["users"]
    now = timezone.now()
    instrument = SimpleNamespace(cancel_deadline_hours=24, platform=None)
    booking = SimpleNamespace(user_id=users["member"].pk, instrument=instrument, start=now + timedelta(hours=30))
    manages = {users["manager_b"].pk}
    monkeypatch.setattr(permissions, "can_manage_instrument", lambda user, _i: bool(user and user.pk in manages))
    assert permissions.can_cancel_booking(users["member"], booking, now)
    assert not permissions.can_cancel_booking(users["member"], booking, now + timedelta(hours=7))
    assert permissions.can_cancel_booking(users["manager_b"], booking, now + timedelta(hours=7))
    assert not permissions.can_cancel_booking(users["contact_a"], booking, now)
    assert not permissions.is_booking_party(users["contact_a"], booking)
