"""Issue 15, defect 11: the demo does not contradict itself. Each role's account, organization and rights
agree, and its histories are spread over the dates they describe, not all at the load time."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from guichet.accounts.models import Membership, User
from guichet.bookings.models import Booking, OrderStatusChange, ServiceOrder
from guichet.desk import permissions, selectors
from guichet.desk.models import Message, Request, StatusChange
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
    assert len(lines) == 5 + 4  # the five roles, then the three clinical sites and the tech-transfer office
    assert len({line.index(line.split()[-1]) for line in lines}) == 1  # every e-mail in the same column


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
    for request in Request.objects.all():
        routed_to_mine = request.routings.filter(provider_organization_id__in=answers_for).exists()
        for routing in request.routings.all():
            assert permissions.can_respond(manager, routing) is (routing.provider_organization_id in answers_for)
        if request.confidential and not routed_to_mine and request.requester_id != manager.pk:
            assert not permissions.can_view_request(manager, request)
            assert not selectors.requests_visible_to(manager).filter(pk=request.pk).exists()
    # Some confidential requests exist in the demo, routed elsewhere: the check above is not vacuous.
    assert Request.objects.filter(confidential=True).exclude(routings__provider_organization_id__in=answers_for)


def test_the_member_belongs_to_a_lab(demo):
    kinds = set(Membership.objects.filter(user=demo["member"]).values_list("organization__kind", flat=True))
    assert kinds == {"research_lab"}


def test_every_routing_reaches_someone_and_answers_come_from_who_it_reached(demo):
    for request in Request.objects.prefetch_related("routings"):
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
    for request in Request.objects.all():
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
