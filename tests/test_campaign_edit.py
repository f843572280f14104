"""Draft declaration campaigns edited on their page, outside the admin (issue 11): staff only, while a draft, bad
input refused naming the field with nothing written, each change audited."""

from datetime import timedelta

import pytest
from django.utils import timezone

from guichet.core.models import AuditEvent
from guichet.declarations import services
from guichet.declarations.models import Campaign

from .conftest import logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(staff):
    today = timezone.localdate()
    return services.campaign_create(actor=staff, title="Campagne 2025", year=today.year - 1,
                                    deadline=today + timedelta(days=30), message="Merci")


def _form(draft, **changes) -> dict:
    data = {"title": draft.title, "year": draft.year, "deadline": draft.deadline.isoformat(),
            "message": draft.message, "cluster_funding_eur": "", "ask_satisfaction": "on"}
    return {**data, **changes}


def test_staff_edit_a_draft_and_only_the_changed_fields_are_audited(client, staff, draft):
    logged_in(client, staff)
    page = client.get(f"/declarations/campaigns/{draft.pk}/")
    assert f'href="/declarations/campaigns/{draft.pk}/edit/"' in page.content.decode()
    form = client.get(f"/declarations/campaigns/{draft.pk}/edit/")
    assert form.status_code == 200 and 'value="Campagne 2025"' in form.content.decode()
    response = client.post(f"/declarations/campaigns/{draft.pk}/edit/",
                           _form(draft, title="Campagne annuelle 2025", cluster_funding_eur="2000000"))
    assert response.status_code == 302 and response["Location"] == f"/declarations/campaigns/{draft.pk}/"
    draft.refresh_from_db()
    assert draft.title == "Campagne annuelle 2025" and str(draft.cluster_funding_eur) == "2000000.00"
    assert draft.status == Campaign.Status.DRAFT
    event = AuditEvent.objects.get(action="campaign.update", entity_key=str(draft.pk))
    assert event.actor == staff
    assert event.changes == {"title": ["Campagne 2025", "Campagne annuelle 2025"],
                             "cluster_funding_eur": [None, "2000000"]}


@pytest.mark.parametrize("changes, field, message", [
    ({"title": "   "}, "title", "This field is required."),
    ({"year": "1850"}, "year", "greater than or equal to 1990"),
    ({"deadline": "2199-01-01"}, "deadline", "Deadline:"),
    ({"cluster_funding_eur": "1e30"}, "cluster_funding_eur", ""),
])
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(client, staff, draft, changes, field, message):
    logged_in(client, staff)
    response = client.post(f"/declarations/campaigns/{draft.pk}/edit/", _form(draft, **changes),
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert field in response.context["form"].errors, response.context["form"].errors
    if message:
        assert message in " ".join(response.context["form"].errors[field]) or message in response.content.decode()
    draft.refresh_from_db()
    assert draft.title == "Campagne 2025" and draft.cluster_funding_eur is None
    assert not AuditEvent.objects.filter(action="campaign.update").exists()


def test_the_service_names_the_field_in_french(staff, draft):
    from django.utils import translation

    with translation.override("fr"), pytest.raises(services.DeclarationError) as refused:
        services.campaign_update(actor=staff, campaign=draft, title="Campagne", year=draft.year,
                                 deadline=draft.deadline - timedelta(days=365 * 200))
    assert refused.value.field == "deadline" and str(refused.value).startswith("Date limite")


def test_an_opened_campaign_is_no_longer_edited(client, staff, draft, small_directory, member):
    from guichet.accounts.models import Membership
    from guichet.directory.models import Organization

    Membership.objects.create(user=member, organization=Organization.objects.get(key="lab-tcell"))
    services.campaign_open(actor=staff, campaign=draft)
    logged_in(client, staff)
    assert client.get(f"/declarations/campaigns/{draft.pk}/edit/").status_code == 302
    client.post(f"/declarations/campaigns/{draft.pk}/edit/", _form(draft, title="Changée après coup"))
    assert Campaign.objects.get(pk=draft.pk).title == "Campagne 2025"
    with pytest.raises(services.DeclarationError):
        services.campaign_update(actor=staff, campaign=draft, title="Changée", year=draft.year,
                                 deadline=draft.deadline)
    assert not AuditEvent.objects.filter(action="campaign.update").exists()


@pytest.mark.parametrize("role", ["member", "manager", "guest"])
def test_only_staff_edit_a_campaign(client, cast, draft, role):
    logged_in(client, cast[role])
    assert client.get(f"/declarations/campaigns/{draft.pk}/edit/").status_code == 403
    assert client.post(f"/declarations/campaigns/{draft.pk}/edit/", _form(draft, title="x")).status_code == 403
    with pytest.raises(services.NotAllowed):
        services.campaign_update(actor=cast[role], campaign=draft, title="x", year=draft.year, deadline=draft.deadline)
    assert Campaign.objects.get(pk=draft.pk).title == "Campagne 2025"
