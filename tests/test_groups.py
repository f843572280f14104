"""Labs, teams and projects (issue 12): joining through a head, who may charge, projects checked at booking
and ordering time (validity, platform, service, budget with commitments held until billed), alerts at 80 %
and 100 % by e-mail, statements grouped by project, and what each role sees (pages and API)."""

import csv
import io
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from guichet.accounts.models import Membership, Role
from guichet.bookings import orders, selectors, services
from guichet.bookings.models import Booking, ServiceOrder
from guichet.core.models import AuditEvent, OutboxMessage
from guichet.core.workdays import PARIS
from guichet.directory.models import Organization
from guichet.groups import services as group_services
from guichet.groups.budget import project_usage
from guichet.groups.models import GroupMembership, Project, ResearchGroup
from guichet.platforms.models import Instrument, Platform, Service

from .conftest import make_user

pytestmark = pytest.mark.django_db
NOW = datetime(2027, 3, 22, 9, 0, tzinfo=PARIS)  # a Monday


def at(day_offset, hour):
    return datetime.combine(NOW.date() + timedelta(days=day_offset), time(hour, 0), PARIS)


@pytest.fixture
def world(db):
    lab_org = Organization.objects.create(key="lab-imm", name="Immunology institute", kind="research_lab")
    other_org = Organization.objects.create(key="lab-other", name="Other institute", kind="research_lab")
    host = Organization.objects.create(key="host", name="Host", kind="research_lab")
    cyto = Platform.objects.create(key="cyto", name="Cytometry", organization=host)
    imaging = Platform.objects.create(key="imaging", name="Imaging", organization=host)
    sorter = Instrument.objects.create(key="cyto.aria", name="Sorter", platform=cyto, hourly_academic=Decimal("50.00"),
                                       max_advance_days=60)
    scope = Instrument.objects.create(key="imaging.scope", name="Scope", platform=imaging,
                                      hourly_academic=Decimal("30.00"), max_advance_days=60)
    sorting = Service.objects.create(key="cyto.sort", name="Cell sorting", platform=cyto, unit="hour",
                                     price_academic=Decimal("40.00"))
    panel = Service.objects.create(key="cyto.panel", name="Panel design", platform=cyto, unit="unit",
                                   price_academic=Decimal("10.00"))
    head = make_user("head@lab.example", Role.MEMBER)
    head.language = "en"
    head.save()
    member = make_user("member@lab.example", Role.MEMBER)
    newcomer = make_user("newcomer@lab.example", Role.MEMBER)
    stranger = make_user("stranger@other.example", Role.MEMBER)
    other_head = make_user("otherhead@other.example", Role.MEMBER)
    staff = make_user("staff@cluster.example", Role.STAFF)
    for user in (head, member, newcomer):
        Membership.objects.create(user=user, organization=lab_org)
    for user in (stranger, other_head):
        Membership.objects.create(user=user, organization=other_org)
    group = ResearchGroup.objects.create(key="tcell-lab", name="T cell lab", organization=lab_org)
    other = ResearchGroup.objects.create(key="other-lab", name="Other lab", organization=other_org)
    GroupMembership.objects.create(group=group, user=head, role="head", status="active")
    GroupMembership.objects.create(group=group, user=member, status="active", may_charge=True)
    GroupMembership.objects.create(group=other, user=other_head, role="head", status="active")
    GroupMembership.objects.create(group=other, user=stranger, status="active", may_charge=True)
    grant = Project.objects.create(key="anr-tcell", name="ANR T cell", funder="ANR", grant_number="ANR-27-CE15",
                                   group=group, starts_on=date(2026, 1, 1), ends_on=date(2027, 12, 31),
                                   budget=Decimal("500.00"))
    grant.platforms.add(cyto)
    secret = Project.objects.create(key="erc-secret", name="ERC secret", funder="ERC", group=other,
                                    starts_on=date(2026, 1, 1), ends_on=date(2027, 12, 31), budget=Decimal("9999.00"))
    return {"lab_org": lab_org, "cyto": cyto, "imaging": imaging, "sorter": sorter, "scope": scope,
            "sorting": sorting, "panel": panel, "head": head, "member": member, "newcomer": newcomer,
            "stranger": stranger, "other_head": other_head, "staff": staff, "group": group, "other": other,
            "grant": grant, "secret": secret}


def book(w, who, start, hours=1, instrument="sorter", **kw):
    return services.booking_create(actor=w[who], instrument=w[instrument], start=start,
                                   end=start + timedelta(hours=hours), now=NOW, **kw)


# --- joining a group -----------------------------------------------------------------------------------

def test_a_member_of_the_organization_asks_and_the_head_is_told_in_their_language(world):
    request = group_services.membership_request(actor=world["newcomer"], group=world["group"])
    assert request.status == "pending" and not request.may_charge
    mail = OutboxMessage.objects.get(template="group_join_requested")
    assert mail.to == ["head@lab.example"]  # the heads only, not the other members
    assert "Newcomer" in mail.subject or "T cell lab" in mail.subject
    assert "asks to join T cell lab" in mail.body and "/groups/tcell-lab/" in mail.body
    assert AuditEvent.objects.filter(action="group_membership.request", entity_key=str(request.pk)).exists()


def test_someone_of_another_organization_cannot_join(world):
    with pytest.raises(group_services.NotAllowed) as caught:
        group_services.membership_request(actor=world["stranger"], group=world["group"])
    assert "Immunology institute" in str(caught.value)
    assert not GroupMembership.objects.filter(user=world["stranger"], group=world["group"]).exists()


def test_the_head_approves_once_and_says_who_may_charge(world):
    request = group_services.membership_request(actor=world["newcomer"], group=world["group"])
    with pytest.raises(group_services.NotAllowed):  # a plain member does not decide
        group_services.membership_decide(actor=world["member"], membership=request, approve=True)
    group_services.membership_decide(actor=world["head"], membership=request, approve=True, may_charge=False)
    request.refresh_from_db()
    assert (request.status, request.may_charge, request.decided_by) == ("active", False, world["head"])
    welcome = OutboxMessage.objects.get(template="group_join_decided")
    assert welcome.to == ["newcomer@lab.example"] and "Bienvenue" in welcome.subject  # French, the default
    with pytest.raises(group_services.GroupError):  # decided once
        group_services.membership_decide(actor=world["head"], membership=request, approve=False)
    # Approved without charging rights: the project refuses the newcomer's booking.
    with pytest.raises(services.NotAllowed) as caught:
        book(world, "newcomer", at(1, 10), project=world["grant"])
    assert caught.value.field == "project"
    group_services.membership_update(actor=world["head"], membership=request, may_charge=True)
    assert book(world, "newcomer", at(1, 10), project=world["grant"]).project == world["grant"]


def test_a_refused_request_may_be_asked_again(world):
    request = group_services.membership_request(actor=world["newcomer"], group=world["group"])
    group_services.membership_decide(actor=world["head"], membership=request, approve=False)
    with pytest.raises(group_services.GroupError):
        group_services.membership_request(actor=world["member"], group=world["group"])  # already in
    again = group_services.membership_request(actor=world["newcomer"], group=world["group"])
    assert again.pk == request.pk and again.status == "pending"


def test_a_team_sits_inside_a_lab_of_its_own_organization(world):
    team = ResearchGroup(key="team-x", name="Team", kind="team", organization=world["lab_org"], parent=world["other"])
    with pytest.raises(group_services.GroupError) as caught:
        group_services.group_save(actor=world["staff"], record=team, is_new=True)
    assert caught.value.field == "parent"
    team.parent = world["group"]
    group_services.group_save(actor=world["staff"], record=team, is_new=True)
    assert list(world["group"].teams.all()) == [team]


# --- charging a project --------------------------------------------------------------------------------

def test_a_booking_charges_the_project_and_bills_the_groups_organization(world):
    booking = book(world, "member", at(1, 10), hours=2, project=world["grant"])
    assert booking.project == world["grant"] and booking.organization == world["lab_org"]
    usage = project_usage(world["grant"], NOW)
    assert (usage.committed, usage.consumed, usage.left) == (Decimal("100.00"), Decimal("0.00"), Decimal("400.00"))


def test_refusals_name_the_project_and_write_nothing(world):
    grant = world["grant"]
    with pytest.raises(services.BookingError) as caught:  # French by default
        book(world, "member", at(1, 10), instrument="scope", project=grant)
    assert caught.value.field == "project" and "ne paie pas la plateforme Imaging" in str(caught.value)
    grant.budget = Decimal("120.00")
    grant.save()
    with translation.override("en"), pytest.raises(services.BookingError) as caught:  # 150 € over 120 €
        book(world, "member", at(1, 10), hours=3, project=grant)
    assert caught.value.field == "project"
    assert str(caught.value) == "The project ANR T cell has 120.00 € left; this is estimated at 150.00 €."
    grant.ends_on = date(2027, 3, 22)
    grant.save()
    with pytest.raises(services.BookingError) as caught:
        book(world, "member", at(1, 10), project=grant)
    assert "valable du" in str(caught.value) and "22/03/2027" in str(caught.value)
    with pytest.raises(services.NotAllowed):  # another group's member
        book(world, "stranger", at(1, 10), project=grant)
    assert not Booking.objects.exists() and not AuditEvent.objects.filter(action="booking.create").exists()


def test_commitments_are_held_until_billed_and_freed_by_a_cancellation(world):
    first = book(world, "member", at(1, 10), hours=4, project=world["grant"])   # 200 €
    book(world, "head", at(2, 10), hours=4, project=world["grant"])             # 200 €
    with pytest.raises(services.BookingError):                                   # 200 € more: 100 € left
        book(world, "member", at(3, 10), hours=4, project=world["grant"])
    services.booking_cancel(actor=world["member"], booking=first, now=NOW)
    third = book(world, "member", at(3, 10), hours=4, project=world["grant"])
    assert project_usage(world["grant"], NOW).committed == Decimal("400.00")
    # Once the slot has happened and the platform closed it, it is consumed (what the statement bills).
    Booking.objects.filter(pk=third.pk).update(status="completed")
    later = at(5, 10)
    usage = project_usage(world["grant"], later)
    assert (usage.consumed, usage.committed) == (Decimal("400.00"), Decimal("0.00"))


def test_an_order_is_checked_against_its_service_and_estimated_from_the_price_list(world):
    grant = world["grant"]
    grant.services.add(world["sorting"])
    with pytest.raises(services.BookingError) as caught:
        orders.order_create(actor=world["member"], service=world["panel"], description="x", quantity=1,
                            project=grant)
    assert caught.value.field == "project" and "ne paie pas la prestation Panel design" in str(caught.value)
    order = orders.order_create(actor=world["member"], service=world["sorting"], description="sort", quantity=3,
                                project=grant)
    assert order.project == grant and order.organization == world["lab_org"]
    assert project_usage(grant).committed == Decimal("120.00")  # 3 h × 40 € before the quote
    orders.order_transition(actor=world["staff"], order=order, action="quote", lines=[("Sorting", 2, "45.00")])
    assert project_usage(grant).committed == Decimal("90.00")  # the quote replaces the estimate
    for action, who in (("accept", "member"), ("start", "staff"), ("deliver", "staff")):
        orders.order_transition(actor=world[who], order=order, action=action)
    usage = project_usage(grant)
    assert (usage.consumed, usage.committed) == (Decimal("90.00"), Decimal("0.00"))


def test_heads_are_alerted_once_at_80_and_once_at_100_percent(world):
    book(world, "member", at(1, 10), hours=7, project=world["grant"])  # 350 €: 70 %
    assert not OutboxMessage.objects.filter(template="project_budget_alert").exists()
    book(world, "member", at(2, 10), hours=1, project=world["grant"])  # 400 €: 80 %
    alerts = list(OutboxMessage.objects.filter(template="project_budget_alert"))
    assert len(alerts) == 1 and alerts[0].to == ["head@lab.example"]
    assert "80 % of the budget" in alerts[0].subject  # the head reads English
    assert "Left: 100.00 €" in alerts[0].body and "/groups/projects/anr-tcell/" in alerts[0].body
    book(world, "member", at(3, 10), hours=1, project=world["grant"])  # 450 €: still above 80 %, no new one
    assert OutboxMessage.objects.filter(template="project_budget_alert").count() == 1
    book(world, "member", at(4, 10), hours=1, project=world["grant"])  # 500 €: 100 %
    last = OutboxMessage.objects.filter(template="project_budget_alert").order_by("-pk").first()
    assert OutboxMessage.objects.filter(template="project_budget_alert").count() == 2
    assert "100 % of the budget" in last.subject and "are refused" in last.body
    assert AuditEvent.objects.filter(action="project.alert", entity_key="anr-tcell").count() == 2


def test_users_without_a_group_book_with_a_cost_centre_as_before(world):
    loner = make_user("loner@lab.example", Role.MEMBER)
    booking = services.booking_create(actor=loner, instrument=world["sorter"], start=at(1, 10),
                                      end=at(1, 11), now=NOW, cost_centre="CC-42")
    assert booking.project is None and booking.cost_centre == "CC-42"
    with pytest.raises(services.NotAllowed):
        services.booking_create(actor=loner, instrument=world["sorter"], start=at(2, 10), end=at(2, 11), now=NOW,
                                project=world["grant"])


def test_the_statement_groups_by_project_and_exports_it(world, client):
    # Two slots of last month (the page bills what has happened): one with an old cost centre, one on a project.
    first = timezone.localdate().replace(day=1) - timedelta(days=20)
    start = datetime.combine(first, time(10, 0), PARIS)
    old = Booking.objects.create(instrument=world["sorter"], user=world["member"], organization=world["lab_org"],
                                 cost_centre="CC-OLD", start=start, end=start + timedelta(hours=2),
                                 blocked_until=start + timedelta(hours=2), status="completed")
    later = start + timedelta(days=1)
    charged = Booking.objects.create(instrument=world["sorter"], user=world["member"], organization=world["lab_org"],
                                     project=world["grant"], start=later, end=later + timedelta(hours=1),
                                     blocked_until=later + timedelta(hours=1), status="completed")
    lines = selectors.statement_lines(first.year, first.month, world["lab_org"])
    assert [(x.charged_to, x.amount) for x in lines] == [
        ("ANR T cell (ANR-27-CE15)", Decimal("50.00")), ("CC-OLD", Decimal("100.00"))]
    assert selectors.statement_totals(lines) == {("Immunology institute", "ANR T cell (ANR-27-CE15)"): Decimal("50.00"),
                                                 ("Immunology institute", "CC-OLD"): Decimal("100.00")}
    assert old.pk and charged.pk
    client.force_login(world["staff"])
    response = client.get(f"/bookings/statements.csv?month={first:%Y-%m}&organization=lab-imm",
                          HTTP_ACCEPT_LANGUAGE="en")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][-1] == "project" and rows[0][-1] == "Project"
    assert [r[-1] for r in rows[2:4]] == ["ANR T cell (ANR-27-CE15)", ""]


def test_a_projects_budget_is_bounded_in_the_database(world):
    grant = world["grant"]
    grant.budget = Decimal("-1")
    with pytest.raises(ValidationError):
        grant.full_clean()


def test_the_demo_has_labs_and_a_nearly_spent_project(db):
    from django.core.management import call_command

    call_command("loaddemo", verbosity=0)
    pilot = Project.objects.get(key="exemple-inca-pilot")
    usage = project_usage(pilot)
    assert usage.committed == Decimal("360.00") and usage.percent == 90
    alert = OutboxMessage.objects.get(template="project_budget_alert")
    assert alert.to == ["member@demo.guichet.example"] and "80" in alert.subject
    assert GroupMembership.objects.filter(user__email="member@demo.guichet.example", role="head").exists()


# --- what each role sees ---------------------------------------------------------------------------------

def page(client, user, url):
    client.force_login(user)
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    return response.status_code, response.content.decode()


def test_each_role_sees_its_own_group_and_only_heads_see_the_money(world, client):
    group_services.membership_request(actor=world["newcomer"], group=world["group"])
    book(world, "member", at(1, 10), hours=2, project=world["grant"])  # 100 € committed
    status, head_page = page(client, world["head"], "/groups/tcell-lab/")
    assert status == 200 and "Newcomer" in head_page and 'id="pending"' in head_page
    assert "ANR T cell" in head_page and "100.00 €" in head_page and "400.00 €" in head_page
    status, member_page = page(client, world["member"], "/groups/tcell-lab/")
    assert status == 200 and "ANR T cell" in member_page
    assert "100.00 €" not in member_page and "500.00" not in member_page and 'id="pending"' not in member_page
    assert "ERC secret" not in member_page
    for who in ("stranger", "other_head", "newcomer"):  # another group, its head, a request still waiting
        assert page(client, world[who], "/groups/tcell-lab/")[0] == 404, who
    for who, expected in (("head", 200), ("staff", 200), ("member", 404), ("stranger", 404), ("other_head", 404)):
        status, body = page(client, world[who], "/groups/projects/anr-tcell/")
        assert status == expected, who
        if status == 200:
            assert 'id="committed">100.00 €' in body and "Sorter" in body
    status, csv_body = page(client, world["head"], "/groups/projects/anr-tcell.csv")
    rows = list(csv.reader(io.StringIO(csv_body.lstrip("\ufeff"))))
    assert rows[1] == ["kind", "date", "reference", "label", "person", "state", "amount"]
    assert rows[2][3:] == ["Sorter", "Member", "committed", "100.00"]
    status, listing = page(client, world["stranger"], "/groups/")
    assert "Other lab" in listing and "T cell lab" not in listing  # not of their organization: not offered


def test_the_api_lists_the_projects_one_may_charge_and_their_money_to_heads_only(world, client):
    from guichet.accounts.services import api_token_create

    def get(who):
        _token, raw = api_token_create(actor=world[who], name="t")
        response = client.get("/api/v1/groups/projects", HTTP_AUTHORIZATION=f"Bearer {raw}")
        assert response.status_code == 200
        return raw, {p["key"]: p for p in response.json()}

    _raw, heads = get("head")
    assert heads["anr-tcell"]["budget"] == "500.00" and heads["anr-tcell"]["left"] == "500.00"
    assert heads["anr-tcell"]["platforms"] == ["cyto"] and "erc-secret" not in heads
    raw, members = get("member")
    assert set(members) == {"anr-tcell"} and members["anr-tcell"]["budget"] is None
    _raw, strangers = get("stranger")
    assert set(strangers) == {"erc-secret"} and strangers["erc-secret"]["left"] is None
    assert client.get("/api/v1/groups/projects").status_code == 401
    # Booking through the API on another group's project: not found for them, nothing written.
    start = (datetime.now(PARIS) + timedelta(days=7)).replace(hour=10, minute=0, second=0, microsecond=0)
    body = {"instrument": "cyto.aria", "start": start.isoformat(), "end": (start + timedelta(hours=1)).isoformat()}
    refused = client.post("/api/v1/bookings", {**body, "project": world["secret"].pk}, content_type="application/json",
                          HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 404 and refused.json()["field"] == "project" and not Booking.objects.exists()
    done = client.post("/api/v1/bookings", {**body, "project": world["grant"].pk}, content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert done.status_code == 201, done.json()
    assert done.json()["project"] == world["grant"].pk


def test_the_calendar_offers_the_projects_one_may_charge(world, client):
    status, body = page(client, world["member"], "/bookings/instruments/cyto.aria/")
    assert status == 200 and 'id="book-project"' in body and "ANR T cell" in body
    status, body = page(client, world["stranger"], "/bookings/instruments/cyto.aria/")
    assert "ANR T cell" not in body and "ERC secret" in body  # the secret project allows every platform
    status, body = page(client, world["member"], "/bookings/instruments/imaging.scope/")
    assert 'id="book-project"' not in body  # the member's project does not pay for imaging


def test_the_order_form_offers_the_project_and_the_order_page_names_it(world, client):
    client.force_login(world["member"])
    form = client.get("/bookings/orders/new/cyto.sort/").content.decode()
    assert 'name="project"' in form and "ANR T cell" in form
    response = client.post("/bookings/orders/new/cyto.sort/", {"description": "Sort CD8", "quantity": "2",
                                                                 "project": str(world["grant"].pk)})
    order = ServiceOrder.objects.get()
    assert response.status_code == 302 and order.project == world["grant"]
    assert project_usage(world["grant"]).committed == Decimal("80.00")
    assert 'id="order-project">ANR T cell' in client.get(f"/bookings/orders/{order.pk}/").content.decode()
    client.force_login(world["stranger"])  # another group's member is not offered the project
    assert "ANR T cell" not in client.get("/bookings/orders/new/cyto.sort/").content.decode()


# --- identity and groups leftovers (issue 12): the project checked again as an order moves on ---------------

def quoted(world, amount, quantity=1, who="member"):
    order = orders.order_create(actor=world[who], service=world["sorting"], description="sort", quantity=quantity,
                                project=world["grant"])
    return orders.order_transition(actor=world["staff"], order=order, action="quote",
                                   lines=[("Sorting", 1, amount)])


def test_a_quote_above_what_the_project_has_left_cannot_be_accepted_and_nothing_is_written(world):
    book(world, "member", at(1, 10), hours=6, project=world["grant"])  # 300 € held: 200 € left
    order = quoted(world, "250.00")  # estimated at 40 € when ordered, quoted at 250 €
    events = AuditEvent.objects.count()
    with pytest.raises(services.BookingError) as caught, translation.override("en"):
        orders.order_transition(actor=world["member"], order=order, action="accept")
    assert caught.value.field == "project"
    assert str(caught.value) == "The project ANR T cell has 200.00 € left; this is estimated at 250.00 €."
    order.refresh_from_db()
    assert order.status == ServiceOrder.Status.QUOTED and AuditEvent.objects.count() == events
    assert not order.history.filter(to_status=ServiceOrder.Status.ACCEPTED).exists()
    orders.order_transition(actor=world["member"], order=order, action="cancel")
    fits = quoted(world, "200.00")
    assert orders.order_transition(actor=world["member"], order=fits, action="accept").status == "accepted"


def test_of_two_quotes_for_the_last_euros_the_first_accepted_is_served(world):
    first, second = quoted(world, "300.00"), quoted(world, "300.00")  # 500 € budget: one fits, not both
    orders.order_transition(actor=world["member"], order=second, action="accept")
    with pytest.raises(services.BookingError) as caught:
        orders.order_transition(actor=world["member"], order=first, action="accept")
    assert caught.value.field == "project"
    assert project_usage(world["grant"]).left == Decimal("-100.00")  # the unanswered quote is still shown
    orders.order_transition(actor=world["member"], order=first, action="cancel")
    assert project_usage(world["grant"]).left == Decimal("200.00")


def test_acceptance_needs_the_right_to_charge_and_a_project_still_valid(world):
    order = quoted(world, "50.00")
    GroupMembership.objects.filter(user=world["member"]).update(may_charge=False)
    with pytest.raises(services.NotAllowed):
        orders.order_transition(actor=world["member"], order=order, action="accept")
    GroupMembership.objects.filter(user=world["member"]).update(may_charge=True)
    Project.objects.filter(pk=world["grant"].pk).update(ends_on=timezone.localdate() - timedelta(days=1))
    with pytest.raises(services.BookingError) as caught:
        orders.order_transition(actor=world["member"], order=order, action="accept")
    assert caught.value.field == "project" and "est valable du" in str(caught.value)
    assert ServiceOrder.objects.get(pk=order.pk).status == ServiceOrder.Status.QUOTED


def test_the_work_starts_only_while_the_project_pays_for_the_platform_and_the_service(world):
    order = quoted(world, "50.00")
    orders.order_transition(actor=world["member"], order=order, action="accept")
    world["grant"].services.add(world["panel"])  # from now on it pays for panel design only
    with pytest.raises(services.BookingError) as caught:
        orders.order_transition(actor=world["staff"], order=order, action="start")
    assert caught.value.field == "project" and "ne paie pas la prestation Cell sorting" in str(caught.value)
    assert ServiceOrder.objects.get(pk=order.pk).status == ServiceOrder.Status.ACCEPTED
    world["grant"].services.add(world["sorting"])
    # The manager starts it: the requester committed the project at acceptance, the manager need not charge it.
    assert orders.order_transition(actor=world["staff"], order=order, action="start").status == "in_progress"


def test_accepting_a_quote_that_reaches_80_percent_alerts_the_heads(world):
    order = quoted(world, "420.00")
    assert not OutboxMessage.objects.filter(template="project_budget_alert").exists()
    orders.order_transition(actor=world["member"], order=order, action="accept")
    assert OutboxMessage.objects.filter(template="project_budget_alert").count() == 1


# --- leftovers of the last trial (issue 12) -----------------------------------------------------------------

def test_a_projects_lines_name_their_column_in_each_cell_for_the_phones_stacked_layout(world, client):
    # At 390 px the seven columns showed two, with no sign of the rest: each line is a card there, and each
    # value says which column it is (guichet.css `.labelled-table` shows `data-label` before it).
    import re

    book(world, "member", at(1, 10), hours=2, project=world["grant"])
    status, body = page(client, world["head"], "/groups/projects/anr-tcell/")
    table = body[body.index('id="lines"') - 60:body.index("</table>", body.index('id="lines"'))]
    assert status == 200 and 'class="table stacked-table labelled-table" id="lines"' in table
    headers = re.findall(r'<th scope="col"[^>]*>([^<]+)</th>', table)
    cells = re.findall(r'<td(?: class="num")? data-label="([^"]+)">([^<]*)</td>', table)
    assert headers == ["Kind", "Date", "Reference", "Label", "Person", "State", "Amount"]
    assert [label for label, _ in cells] == headers
    assert [value for _, value in cells][3:] == ["Sorter", "Member", "committed", "100.00 €"]


def test_erasing_a_groups_only_head_is_refused_naming_the_group_until_another_head_is_appointed(world, client):
    # The rule (groups.services.heads_kept): a group with people in it always keeps an active head.
    from guichet.privacy.services import is_erased, person_erase

    head, member, staff = world["head"], world["member"], world["staff"]
    with translation.override("fr"), pytest.raises(group_services.LastHead) as refused:
        person_erase(actor=staff, person=head)
    said = str(refused.value)
    assert "T cell lab" in said and "Head (PI)" not in said and "nommez" in said.lower()
    head.refresh_from_db()
    assert not is_erased(head) and GroupMembership.objects.filter(user=head, role="head").exists()  # nothing
    assert not AuditEvent.objects.filter(action="privacy.erase").exists()
    # The staff's page says it, in French, and erases nothing.
    client.force_login(staff)
    response = client.post(f"/privacy/erase/{head.pk}/", HTTP_ACCEPT_LANGUAGE="fr", follow=True)
    page_text = response.content.decode()
    assert response.status_code == 200 and "seul responsable de T cell lab" in page_text
    # The cluster team appoints the member as head (the admin's service, audited); the erasure then goes through.
    promoted = GroupMembership.objects.get(user=member, group=world["group"])
    promoted.role = GroupMembership.Role.HEAD
    group_services.membership_admin_save(actor=staff, record=promoted, is_new=False)
    person_erase(actor=staff, person=head)
    head.refresh_from_db()
    assert is_erased(head) and not GroupMembership.objects.filter(user=head).exists()
    assert group_services.heads(world["group"]) == [member]
    assert AuditEvent.objects.get(action="groupmembership.update", entity_key=str(promoted.pk)).changes["role"] == ["member", "head"]


def test_the_admin_cannot_take_a_groups_last_head_away_but_may_once_another_is_appointed(world):
    from guichet.groups.admin import GroupMembershipAdmin, MembershipForm

    head_row = GroupMembership.objects.get(user=world["head"], group=world["group"])
    staff = world["staff"]
    for change in ({"status": GroupMembership.Status.LEFT}, {"role": GroupMembership.Role.MEMBER}):
        record = GroupMembership.objects.get(pk=head_row.pk)
        for field, value in change.items():
            setattr(record, field, value)
        with pytest.raises(group_services.LastHead):
            group_services.membership_admin_save(actor=staff, record=record, is_new=False)
    with pytest.raises(group_services.LastHead):
        group_services.membership_admin_delete(actor=staff, record=head_row)
    head_row.refresh_from_db()
    assert group_services.is_active_head(head_row)
    assert not AuditEvent.objects.filter(entity_type="groupmembership", entity_key=str(head_row.pk)).exists()
    # The admin's form says it under the role, and the delete button is not offered.
    data = {"group": world["group"].pk, "user": world["head"].pk, "role": "member", "status": "active"}
    form = MembershipForm(data=data, instance=GroupMembership.objects.get(pk=head_row.pk))
    assert not form.is_valid() and "T cell lab" in form.errors["role"][0]
    from django.contrib import admin as django_admin
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = world["staff"]
    model_admin = GroupMembershipAdmin(GroupMembership, django_admin.site)
    assert model_admin.has_delete_permission(request, head_row) is False
    # A group left with nobody but its head may lose it (nobody waits for a head's decision there).
    GroupMembership.objects.filter(group=world["group"]).exclude(pk=head_row.pk).update(
        status=GroupMembership.Status.LEFT)
    group_services.membership_admin_delete(actor=staff, record=head_row)
    assert not GroupMembership.objects.filter(pk=head_row.pk).exists()
