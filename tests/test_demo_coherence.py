"""Issue 15, defect 11: the demo does not contradict itself. Each role's account, organization and rights
agree, and its histories are spread over the dates they describe, not all at the load time."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from guichet.accounts.models import Membership, User
from guichet.bookings.models import Booking, OrderStatusChange, ServiceOrder
from guichet.desk import permissions, selectors
from guichet.desk.models import Message, Need, StatusChange
from guichet.partnerships.models import Partnership, PartnershipStageChange
from guichet.programmes.models import ProgrammeStageChange
from guichet.startups.models import Headcount, Startup

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    from io import StringIO

    output = StringIO()
    call_command("loaddemo", stdout=output)
    return {**{role: User.objects.get(email=f"{role}@demo.guichet.example")
               for role in ("admin", "staff", "manager", "member", "founder")}, "output": output.getvalue()}


def test_the_demo_accounts_are_printed_as_a_table(demo):
    lines = [line for line in demo["output"].splitlines() if "@demo.guichet.example" in line]
    assert len(lines) == 5 + 4 + 1  # the five roles, the three clinical sites and the tech-transfer office, then
    # the post-doc who may charge one platform only (groups.demo)
    assert len({line.index(line.split()[-1]) for line in lines}) == 1  # every e-mail in the same column
    # In the command's language (English), whatever the site's default: it printed "Administrateur", "Membre".
    table = "\n".join(lines)
    assert "Administrator" in table and "Clinical sites" in table and "Tech-transfer office" in table
    assert "Administrateur" not in table and "Membre" not in table
    founder = next(line for line in lines if "founder@" in line)
    assert founder.split("founder@")[0].strip() == "Start-up founder (member)"   # it said "Member"
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for line in lines:   # README's table lists every account the command prints
        assert f"| {line.split()[-1]} |" in readme, line


def orgs_of(user):
    return set(Membership.objects.filter(user=user).values_list("organization__key", flat=True))


def test_the_founder_founded_the_start_up_they_belong_to(demo):
    founded = set(Startup.objects.filter(founders=demo["founder"]).values_list("organization__key", flat=True))
    assert founded and founded == orgs_of(demo["founder"])
    assert Startup.objects.get(organization__key__in=founded).organization.kind == "startup"


def test_the_manager_manages_and_answers_for_its_own_organization_only(demo):
    manager = demo["manager"]
    managed = set(manager.managed_platforms.values_list("organization__key", flat=True))
    assert managed and managed == orgs_of(manager)
    assert {o for o in Membership.objects.filter(user=manager, is_contact=True)
            .values_list("organization__key", flat=True)} == managed
    answers_for = permissions.provider_organization_ids(manager)
    for request in Need.objects.all():
        routed_to_mine = request.routings.filter(provider_organization_id__in=answers_for).exists()
        for routing in request.routings.all():
            assert permissions.can_respond(manager, routing) is (routing.provider_organization_id in answers_for)
        if request.confidential and not routed_to_mine and request.requester_id != manager.pk:
            assert not permissions.can_view_request(manager, request)
            assert not selectors.requests_visible_to(manager).filter(pk=request.pk).exists()
    # Some confidential requests exist in the demo, routed elsewhere: the check above is not vacuous.
    assert Need.objects.filter(confidential=True).exclude(routings__provider_organization_id__in=answers_for)


def test_the_member_belongs_to_a_lab(demo):
    kinds = set(Membership.objects.filter(user=demo["member"]).values_list("organization__kind", flat=True))
    assert kinds == {"research_lab"}


def test_every_routing_reaches_someone_and_answers_come_from_who_it_reached(demo):
    for request in Need.objects.prefetch_related("routings"):
        for routing in request.routings.all():
            reach = permissions.routing_reach(organization=routing.provider_organization, assignee=routing.assignee)
            assert reach.reachable, routing.record_key
            # Nobody is assigned a provider they do not belong to (and so would read its requests).
            assert routing.assignee is None or Membership.objects.filter(
                user=routing.assignee, organization=routing.provider_organization).exists()
            for message in Message.objects.filter(routing=routing):
                if message.author_id:
                    assert message.author in reach.accounts
                else:
                    assert routing.contact_email and not reach.accounts


def _ordered_and_spread(values, name):
    assert values == sorted(values), f"{name} out of order"
    return values


def test_histories_are_spread_over_the_dates_they_describe(demo):
    # Each history in order, and the histories as a whole not written at one instant.
    stamps = []
    for request in Need.objects.all():
        times = [h.at for h in StatusChange.objects.filter(request=request).order_by("id")]
        stamps += _ordered_and_spread(times, f"desk {request.pk}")
        assert times[0] == request.created_at
        messages = list(Message.objects.filter(request=request).values_list("created_at", flat=True))
        assert all(times[0] < m < timezone.now() for m in messages)
    assert len(set(stamps)) == len(stamps) > 10
    for p in Partnership.objects.all():
        days = _ordered_and_spread([c.on for c in PartnershipStageChange.objects.filter(partnership=p)
                                    .order_by("id")], f"partnership {p.pk}")
        assert days and p.created_at.date() <= days[0] and p.confirmed_at >= p.created_at
    assert len({p.created_at for p in Partnership.objects.all()}) == Partnership.objects.count()
    programme_days = []
    for prog_id in set(ProgrammeStageChange.objects.values_list("programme_id", flat=True)):
        programme_days += _ordered_and_spread(
            list(ProgrammeStageChange.objects.filter(programme_id=prog_id).order_by("id").values_list("on", flat=True)),
            f"programme {prog_id}")
    assert len(set(programme_days)) > 5
    for order in ServiceOrder.objects.all():
        times = _ordered_and_spread(list(OrderStatusChange.objects.filter(order=order).order_by("id")
                                         .values_list("at", flat=True)), f"order {order.pk}")
        assert times[0] == order.created_at and len(set(times)) == len(times)
        if order.delivered_at:
            assert order.delivered_at == times[-1]
    assert len({o.created_at for o in ServiceOrder.objects.all()}) == ServiceOrder.objects.count()
    assert len(set(Booking.objects.values_list("created_at", flat=True))) > 5
    assert len(set(Headcount.objects.values_list("on", flat=True))) > 5


def test_the_demo_has_last_month_invoiced(demo):  # --- facility operations, invoices (issue 13) ---
    from guichet.facility.models import BillingProfile, Invoice, MonthClosing

    assert MonthClosing.objects.count() == 1
    invoices = list(Invoice.objects.all())
    assert invoices and all(i.period == str(MonthClosing.objects.get()) for i in invoices)
    profile = BillingProfile.objects.get(organization__key="startup-exemple")
    assert all(i.language == "en" and i.purchase_order == profile.purchase_order
               for i in invoices if i.organization_id == profile.organization_id)


# --- identity and groups leftovers (issue 12) ---
def test_the_demo_signs_in_through_an_example_provider_and_its_groups_hold_together(demo, client):
    from allauth.socialaccount.models import SocialApp

    from guichet.groups.budget import project_usage
    from guichet.groups.models import GroupMembership, Project, ResearchGroup
    from guichet.signon.identity import Assertion, proposed_organization

    # The example provider is on the login page, marked as an example, on this machine only, trusting no address.
    app = SocialApp.objects.get(provider="openid_connect")
    assert "exemple fictif" in app.name and app.settings["server_url"] == "http://localhost:9000"
    assert app.settings["trust_email"] is False and app.settings["guichet_organization"] == "labo-exemple"
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Labo exemple — OIDC (exemple fictif)" in page
    # A first sign-in from the lab's or the start-up's domain proposes that organization.
    for email, key in (("new.phd@labo-exemple.example", "labo-exemple"), ("cto@vhh-therapeutics.example",
                                                                          "startup-exemple")):
        organization, _source = proposed_organization(Assertion(email=email, verified=True, provider_label="x",
                                                                provider_organization=None))
        assert organization.key == key
    # The team sits in its lab, both headed by the member, of the member's organization; the projects are theirs.
    team = ResearchGroup.objects.get(key="exemple-equipe-t")
    assert team.parent.kind == "lab" and team.parent.organization == team.organization
    assert team.organization.key in orgs_of(demo["member"])
    for group in (team, team.parent):
        assert GroupMembership.objects.get(group=group, role="head").user == demo["member"]
    percents = {p.key: project_usage(p).percent for p in Project.objects.filter(group=team)}
    assert 80 <= percents["exemple-inca-pilot"] < 100 and percents["exemple-anr-tcell"] < 80


def test_the_demo_shows_incidents_desk_states_and_an_antibody_batch(demo):  # issue 15
    from guichet.antibodies.models import AssessedAntibody, Assessment
    from guichet.bookings.permissions import can_manage_instrument
    from guichet.core.models import AuditEvent
    from guichet.facility.models import Incident

    incident = Incident.objects.get()
    assert incident.ended_at is None and incident.declared_by == demo["manager"]
    assert can_manage_instrument(demo["manager"], incident.instrument)  # declared by who manages the instrument
    assert {"new", "triaged", "routed", "closed"} <= set(Need.objects.values_list("status", flat=True))
    batch = Assessment.objects.get(owner=demo["member"])
    assert batch.status == "done" and AssessedAntibody.objects.filter(assessment=batch).count() == 2
    assert batch.organization.key in orgs_of(demo["member"]) and batch.shared_with_organization
    assert AuditEvent.objects.filter(action="incident.declare", actor=demo["manager"]).exists()


# --- sample forms, consumables, hosting rent (issue 13, items 5, 6 and 8) ---
def test_the_demo_shows_a_sample_form_consumables_and_the_rent_invoiced(demo):
    from guichet.facility.models import ConsumableUse, InvoiceLine, SampleAnswer, SampleField, SampleReceipt

    assert list(SampleField.objects.filter(service__key="exemple.cyto.sort").values_list("label", flat=True)) == [
        "Nombre d'échantillons", "Espèce", "Tampon", "Classe de risque"]
    answered = SampleAnswer.objects.filter(label="Espèce").select_related("order").get()
    assert answered.value == "Souris" and SampleReceipt.objects.filter(order=answered.order).exists()
    uses = ConsumableUse.objects.select_related("consumable")
    assert {(u.consumable.name, u.booking_id is not None) for u in uses} == {
        ("Tubes FACS 5 mL (sachet de 25)", True), ("Tubes FACS 5 mL (sachet de 25)", False)}
    assert {u.booking.user for u in uses.filter(booking__isnull=False)} == {demo["member"]}
    rent = InvoiceLine.objects.filter(kind="rent", invoice__organization__key="startup-exemple")
    assert sorted(rent.values_list("unit_price", flat=True)) == [420, 555]
    assert "Sample forms: 4 questions" in demo["output"]


# --- a consumable on a closed month's invoice (issue 13) ---
@pytest.mark.parametrize(("language", "separator"), [("fr", ","), ("en", ".")])
def test_the_demo_closed_month_invoices_a_consumable_used_on_a_booking(demo, client, language, separator):
    from guichet.facility.models import ConsumableUse, Invoice, MonthClosing

    closing = MonthClosing.objects.get()
    line = (Invoice.objects.filter(period=f"{closing.year}-{closing.month:02d}").get(lines__kind="consumable")
            .lines.get(kind="consumable"))
    use = ConsumableUse.objects.get(booking__isnull=False, added_at__month=closing.month,
                                    added_at__year=closing.year)
    assert use.booking.user == demo["member"] and use.booking.start.month == closing.month
    assert (line.quantity, line.unit_price, line.net) == (use.quantity, use.unit_price, use.amount)
    assert "Tubes FACS 5 mL (sachet de 25)" in line.label and line.accounting_code
    # The member reads it on their organization's invoice, in either language.
    client.force_login(demo["member"])
    page = client.get(f"/facility/invoices/{line.invoice_id}/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert "Tubes FACS 5 mL (sachet de 25)" in page
    assert f"{line.net:.2f} €".replace(".", separator) in page.replace("\xa0", " ")
