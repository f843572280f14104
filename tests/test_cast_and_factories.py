"""The named actors of tests/conftest.py are what their names say, and every factory makes a valid row."""

import pytest
from django.contrib.auth.models import AnonymousUser

from guichet.accounts.models import Role
from guichet.accounts.permissions import is_member
from guichet.accounts.selectors import organization_of
from guichet.desk.permissions import answering_memberships, routing_reach

from . import factories
from .conftest import CAST, logged_in

pytestmark = pytest.mark.django_db


def test_the_cast_names_each_kind_of_visitor_once(cast):
    assert list(cast) == list(CAST)
    assert isinstance(cast["anonymous"], AnonymousUser) and not is_member(cast["anonymous"])
    assert {name: user.role for name, user in cast.items() if name != "anonymous"} == {
        "guest": Role.GUEST, "member": Role.MEMBER, "outsider": Role.MEMBER, "provider": Role.MEMBER,
        "manager": Role.PLATFORM_MANAGER, "staff": Role.STAFF, "admin": Role.ADMIN}
    assert not is_member(cast["guest"]) and all(is_member(cast[n]) for n in CAST[2:])
    assert len({user.email for user in cast.values() if user.is_authenticated}) == len(CAST) - 1


def test_the_provider_answers_for_its_organization_and_the_others_for_none(cast, provider_organization):
    assert organization_of(cast["provider"]) == provider_organization
    reach = routing_reach(organization=provider_organization)
    assert reach.reachable and [user.email for user in reach.accounts] == ["provider@test.example"]
    assert list(answering_memberships().values_list("user__email", flat=True)) == ["provider@test.example"]
    assert organization_of(cast["member"]) is None and organization_of(cast["outsider"]) is None


def test_logged_in_logs_the_client_in_as_the_actor_or_out(client, cast):
    assert logged_in(client, cast["staff"]).session["_auth_user_id"] == str(cast["staff"].pk)
    assert "_auth_user_id" not in logged_in(client, cast["anonymous"]).session


def test_every_factory_makes_a_valid_row():
    manager = factories.UserFactory(manager=True)
    instrument = factories.InstrumentFactory(platform__managers=[manager], buffer_minutes=15)
    rows = [factories.UserFactory(), factories.UserFactory(guest=True), factories.OrganizationFactory(),
            factories.MembershipFactory(is_contact=True), factories.PersonFactory(),
            factories.ServiceFactory(platform=instrument.platform), instrument,
            factories.TrainingFactory(instrument=instrument, granted_by=manager),
            factories.NeedFactory(), factories.RoutingFactory(), factories.SessionFactory()]
    booking = factories.BookingFactory(instrument=instrument)
    for row in [*rows, booking]:
        row.full_clean()
    assert list(instrument.platform.managers.all()) == [manager]
    assert booking.blocked_until - booking.end == __import__("datetime").timedelta(minutes=15)
    assert rows[0].check_password(factories.PASSWORD) and rows[1].role == Role.GUEST
    assert factories.UserFactory(email=rows[0].email) == rows[0]  # by e-mail: asked twice, one user
