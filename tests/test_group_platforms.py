"""Which platforms a member may charge (issue 12: "a head approves who joins and who may book which platform at
whose expense"): a head limits a member to some platforms when approving them and later; the booking and order
forms, the API and the charge itself refuse a project on any other platform, naming the project, nothing
written; another group's member never sees the project. Runs on SQLite and on PostgreSQL."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import translation

from guichet.accounts.services import api_token_create
from guichet.bookings import orders
from guichet.bookings import services as booking_services
from guichet.bookings.models import Booking, ServiceOrder
from guichet.core.models import AuditEvent
from guichet.core.workdays import PARIS
from guichet.groups import selectors as group_selectors
from guichet.groups import services as group_services
from guichet.groups.models import GroupMembership
from guichet.platforms.models import Service
from guichet.privacy import services as privacy_services

from .test_groups import at, book, world  # noqa: F401  (the groups' named actors)

pytestmark = pytest.mark.django_db
FR, EN = {"HTTP_ACCEPT_LANGUAGE": "fr"}, {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def limited(world):  # noqa: F811
    """The grant pays for cytometry and imaging; the head allows the member on cytometry only."""
    world["grant"].platforms.add(world["imaging"])
    membership = GroupMembership.objects.get(group=world["group"], user=world["member"])
    group_services.membership_update(actor=world["head"], membership=membership, may_charge=True,
                                     platforms=[world["cyto"]])
    world["membership"] = membership
    world["imaging_service"] = Service.objects.create(key="imaging.acq", name="Acquisition", unit="hour",
                                                      platform=world["imaging"], price_academic=Decimal("20.00"))
    return world


def start_next_week():
    return (datetime.now(PARIS) + timedelta(days=7)).replace(hour=10, minute=0, second=0, microsecond=0)


def test_a_member_granted_one_platform_cannot_charge_the_project_on_another_until_the_head_grants_it(limited):
    w = limited
    assert book(w, "member", at(1, 10), project=w["grant"]).project == w["grant"]  # cytometry: granted
    with pytest.raises(booking_services.NotAllowed) as caught, translation.override("en"):
        book(w, "member", at(1, 10), instrument="scope", project=w["grant"])
    assert caught.value.field == "project"
    assert str(caught.value) == ("You may not charge the project ANR T cell on the platform Imaging: ask its "
                                 "group's heads.")
    with pytest.raises(booking_services.NotAllowed) as caught, translation.override("fr"):
        book(w, "member", at(1, 10), instrument="scope", project=w["grant"])
    assert str(caught.value) == ("Vous ne pouvez pas imputer le projet ANR T cell sur la plateforme Imaging\u00a0: "
                                 "demandez aux responsables de son groupe.")
    assert not Booking.objects.filter(instrument=w["scope"]).exists()
    with pytest.raises(booking_services.NotAllowed):  # an order on imaging: refused the same way
        orders.order_create(actor=w["member"], service=w["imaging_service"], description="acq", quantity=1,
                            project=w["grant"])
    assert not ServiceOrder.objects.exists()
    # The head grants imaging too: the audit says who changed what; the member now books it.
    group_services.membership_update(actor=w["head"], membership=w["membership"], may_charge=True,
                                     platforms=[w["cyto"], w["imaging"]])
    event = AuditEvent.objects.filter(action="group_membership.update", entity_key=str(w["membership"].pk)).latest(
        "pk")
    assert event.changes == {"chargeable_platforms": [["cyto"], ["cyto", "imaging"]]}
    assert event.actor == w["head"]
    assert book(w, "member", at(2, 10), instrument="scope", project=w["grant"]).project == w["grant"]
    # None listed again: every platform the projects pay for, as before platforms could be chosen.
    group_services.membership_update(actor=w["head"], membership=w["membership"], may_charge=True, platforms=[])
    assert not w["membership"].chargeable_platforms.exists()
    assert book(w, "member", at(3, 10), instrument="scope", project=w["grant"]).project == w["grant"]


def test_a_member_allowed_with_no_platform_listed_charges_every_platform_as_before(world):  # noqa: F811
    world["grant"].platforms.add(world["imaging"])
    assert book(world, "member", at(1, 10), instrument="scope", project=world["grant"]).project == world["grant"]
    assert {p.key for p in group_selectors.projects_chargeable(world["member"], platform=world["imaging"])} == {
        "anr-tcell"}


def test_the_calendar_offers_the_project_only_on_a_granted_platform_and_refuses_a_forged_one(limited, client):
    w = limited
    client.force_login(w["member"])
    body = client.get("/bookings/instruments/cyto.aria/", **EN).content.decode()
    assert 'id="book-project"' in body and "ANR T cell" in body
    body = client.get("/bookings/instruments/imaging.scope/", **EN).content.decode()
    assert 'id="book-project"' not in body and "ANR T cell" not in body
    start = start_next_week().strftime("%Y-%m-%dT%H:%M")
    for headers, message in ((FR, "Choisissez un projet que vous pouvez imputer pour cette plateforme."),
                             (EN, "Choose a project you may charge for this platform.")):
        response = client.post("/bookings/instruments/imaging.scope/book/",
                               {"start": start, "duration": "60", "project": str(w["grant"].pk)}, follow=True,
                               **headers)
        assert message in response.content.decode()
    assert not Booking.objects.exists()
    group_services.membership_update(actor=w["head"], membership=w["membership"], may_charge=True,
                                     platforms=[w["cyto"], w["imaging"]])
    assert "ANR T cell" in client.get("/bookings/instruments/imaging.scope/", **EN).content.decode()
    client.post("/bookings/instruments/imaging.scope/book/",
                {"start": start, "duration": "60", "project": str(w["grant"].pk)}, **EN)
    assert Booking.objects.get().project == w["grant"]


def test_the_order_form_refuses_a_forged_project_under_its_field_and_writes_nothing(limited, client):
    w = limited
    client.force_login(w["member"])
    url = "/bookings/orders/new/imaging.acq/"
    assert "ANR T cell" not in client.get(url, **EN).content.decode()
    for headers, message in ((FR, "Choisissez un projet que vous pouvez imputer pour cette plateforme."),
                             (EN, "Choose a project you may charge for this platform.")):
        response = client.post(url, {"description": "Acquire", "quantity": "1", "project": str(w["grant"].pk)},
                               **headers)
        assert response.status_code == 200
        assert response.context["form"].errors["project"] == [message]
    assert not ServiceOrder.objects.exists()  # before: the project was dropped and the order went out anyway
    group_services.membership_update(actor=w["head"], membership=w["membership"], may_charge=True,
                                     platforms=[w["imaging"]])
    response = client.post(url, {"description": "Acquire", "quantity": "1", "project": str(w["grant"].pk)}, **EN)
    assert response.status_code == 302 and ServiceOrder.objects.get().project == w["grant"]


def test_the_api_says_where_a_member_may_charge_and_refuses_another_platform(limited, client):
    w = limited
    _token, raw = api_token_create(actor=w["member"], name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    [row] = client.get("/api/v1/groups/projects", **auth).json()
    assert row["key"] == "anr-tcell" and row["platforms"] == ["cyto", "imaging"]
    assert row["charge_platforms"] == ["cyto"]
    start = start_next_week()
    body = {"instrument": "imaging.scope", "start": start.isoformat(),
            "end": (start + timedelta(hours=1)).isoformat(), "project": w["grant"].pk}
    refused = client.post("/api/v1/bookings", body, content_type="application/json", **auth, **EN)
    assert refused.status_code == 404 and refused.json()["field"] == "project" and not Booking.objects.exists()
    _token, head_raw = api_token_create(actor=w["head"], name="t")
    [head_row] = client.get("/api/v1/groups/projects", HTTP_AUTHORIZATION=f"Bearer {head_raw}").json()
    assert head_row["charge_platforms"] == []  # a head: every platform the project pays for


def test_a_member_of_another_group_never_sees_the_project_whatever_their_platforms(limited, client):
    w = limited
    stranger = GroupMembership.objects.get(user=w["stranger"])
    group_services.membership_update(actor=w["other_head"], membership=stranger, may_charge=True,
                                     platforms=[w["imaging"]])
    for platform in (None, w["cyto"], w["imaging"]):
        assert "anr-tcell" not in {p.key for p in group_selectors.projects_chargeable(w["stranger"],
                                                                                      platform=platform)}
    client.force_login(w["stranger"])
    for url in ("/bookings/instruments/imaging.scope/", "/bookings/instruments/cyto.aria/",
                "/bookings/orders/new/imaging.acq/", "/groups/tcell-lab/"):
        assert "ANR T cell" not in client.get(url, **EN).content.decode()
    with pytest.raises(booking_services.NotAllowed):
        book(w, "stranger", at(1, 10), instrument="scope", project=w["grant"])
    # Nor can their head grant them a platform of the T cell lab's membership.
    with pytest.raises(group_services.NotAllowed):
        group_services.membership_update(actor=w["other_head"], membership=w["membership"], may_charge=True,
                                         platforms=[w["imaging"]])


def test_the_head_picks_the_platforms_when_approving_and_changes_them_later_on_the_page(limited, client):
    w = limited
    request = group_services.membership_request(actor=w["newcomer"], group=w["group"])
    client.force_login(w["head"])
    page = client.get("/groups/tcell-lab/", **FR).content.decode()
    assert "Seulement sur ces plateformes (aucune cochée\u00a0: toutes celles que paient les projets)" in page
    assert f'name="platforms" value="{w["imaging"].pk}"' in page
    client.post(f"/groups/memberships/{request.pk}/decide/", {"approve": "1", "may_charge": "1",
                                                              "platforms": [str(w["imaging"].pk)]}, **EN)
    request.refresh_from_db()
    assert request.status == "active" and request.may_charge
    assert [p.key for p in request.chargeable_platforms.all()] == ["imaging"]
    approval = AuditEvent.objects.get(action="group_membership.approve", entity_key=str(request.pk))
    assert approval.changes["chargeable_platforms"] == [[], ["imaging"]]
    page = client.get("/groups/tcell-lab/", **EN).content.decode()
    assert "only on Imaging" in page and "only on Cytometry" in page  # the newcomer's and the member's rows
    # Each member's form says whose it is: on a phone the table scrolls and the name column is off screen.
    assert "Change what Newcomer may charge" in page
    assert "Modifier les droits d’imputation de Newcomer" in client.get("/groups/tcell-lab/", **FR).content.decode()
    assert "seulement sur Imaging" in client.get("/groups/tcell-lab/", **FR).content.decode()
    # Later: the head widens the newcomer to every platform (none ticked).
    client.post(f"/groups/memberships/{request.pk}/", {"may_charge": "1"}, **EN)
    assert not request.chargeable_platforms.exists()
    assert "yes, every platform" in client.get("/groups/tcell-lab/", **EN).content.decode()
    # A platform none of the projects pays for (or a forged id): refused, naming the field, nothing changed.
    other = w["sorter"].platform.__class__.objects.create(key="genomics", name="Genomics",
                                                          organization=w["cyto"].organization)
    events = AuditEvent.objects.count()
    for headers, message in (
            (FR, "Choisissez des plateformes que paient les projets de T cell lab."),
            (EN, "Choose platforms that the projects of T cell lab pay for.")):
        for value in (str(other.pk), "x", "99999"):
            response = client.post(f"/groups/memberships/{request.pk}/", {"may_charge": "1", "platforms": [value]},
                                   follow=True, **headers)
            assert message in response.content.decode()
    assert not request.chargeable_platforms.exists() and AuditEvent.objects.count() == events
    with pytest.raises(group_services.GroupError) as caught:
        group_services.membership_update(actor=w["head"], membership=request, may_charge=True, platforms=[other])
    assert caught.value.field == "chargeable_platforms"
    # Stopping the charging clears the platforms: a later "allow" does not revive an old, unseen choice.
    client.post(f"/groups/memberships/{w['membership'].pk}/", {}, **EN)
    w["membership"].refresh_from_db()
    assert not w["membership"].may_charge and not w["membership"].chargeable_platforms.exists()


def test_the_member_is_told_on_which_platforms_they_may_charge(limited, client):
    w = limited
    client.force_login(w["member"])
    detail = client.get("/groups/tcell-lab/", **EN).content.decode()
    assert "You may charge its projects when you book or order a service on these platforms only: Cytometry." \
        in detail
    assert 'name="platforms"' not in detail  # a plain member changes nothing
    detail = client.get("/groups/tcell-lab/", **FR).content.decode()
    assert ("Vous pouvez imputer ses projets quand vous réservez ou commandez une prestation sur ces plateformes "
            "seulement\u00a0: Cytometry.") in detail
    assert "may charge the projects on Cytometry only" in client.get("/groups/", **EN).content.decode()
    assert "peut imputer les projets sur Cytometry seulement" in client.get("/groups/", **FR).content.decode()
    # A plain member's forged POST to change their own platforms: refused, nothing changed.
    response = client.post(f"/groups/memberships/{w['membership'].pk}/",
                           {"may_charge": "1", "platforms": [str(w["imaging"].pk)]})
    assert response.status_code in (302, 403)
    assert [p.key for p in w["membership"].chargeable_platforms.all()] == ["cyto"]


def test_the_granted_platforms_are_in_the_privacy_export_and_a_new_request_starts_from_none(limited):
    w = limited
    data = privacy_services.person_export(actor=w["member"], person=w["member"])["parts"]["groups"]
    [row] = data["memberships"]
    assert row["may_charge"] is True and row["chargeable_platforms"] == ["cyto"]
    group_services.membership_update(actor=w["head"], membership=w["membership"], remove=True)
    assert not w["membership"].chargeable_platforms.exists()
    again = group_services.membership_request(actor=w["member"], group=w["group"])
    assert again.status == "pending" and not again.chargeable_platforms.exists()


def test_the_admin_edits_the_platforms_through_the_same_audited_service(limited, client, admin_user):
    w = limited
    client.force_login(admin_user)
    m = w["membership"]
    url = f"/admin/groups/groupmembership/{m.pk}/change/"
    form = {"group": str(w["group"].pk), "user": str(w["member"].pk), "role": "member", "status": "active",
            "may_charge": "on", "chargeable_platforms": [str(w["imaging"].pk)]}
    assert client.post(url, form).status_code == 302
    assert [p.key for p in m.chargeable_platforms.all()] == ["imaging"]
    event = AuditEvent.objects.filter(entity_key=str(m.pk), action="group_membership.update").latest("pk")
    assert event.changes == {"chargeable_platforms": [["cyto"], ["imaging"]]} and event.actor == admin_user
    other = w["sorter"].platform.__class__.objects.create(key="genomics", name="Genomics",
                                                          organization=w["cyto"].organization)
    with translation.override("en"):
        response = client.post(url, {**form, "chargeable_platforms": [str(other.pk)]}, **EN)
    assert response.status_code == 200
    assert "Choose platforms that the projects of T cell lab pay for." in response.content.decode()
    assert [p.key for p in m.chargeable_platforms.all()] == ["imaging"]


def test_the_demo_has_a_member_allowed_on_one_platform_only(db):
    from django.core.management import call_command

    call_command("loaddemo", verbosity=0)
    limited = GroupMembership.objects.get(user__email="postdoc@demo.guichet.example")
    assert limited.may_charge and limited.role == "member" and limited.status == "active"
    assert [p.key for p in limited.chargeable_platforms.all()] == ["exemple.cyto"]
    assert set(limited.group.projects.get(key="exemple-anr-tcell").platforms.values_list("key", flat=True)) == {
        "exemple.cyto", "ciml.imaging"}
    from guichet.platforms.models import Platform

    imaging = Platform.objects.get(key="ciml.imaging")
    assert not group_selectors.projects_chargeable(limited.user, platform=imaging).exists()
    assert group_selectors.projects_chargeable(limited.user, platform=Platform.objects.get(key="exemple.cyto")).exists()
