"""Issue 15, defect 7: every refusal says what and where. A refused form comes back bound with its errors
(under the field, or above the form), a reversed period is an error next to the period, an unknown choice
is never answered "saved"."""

from datetime import timedelta

import pytest
from django.utils import timezone

from guichet.bookings.models import Booking, TrainingAuthorization

from . import test_bookings
from .test_bookings import at, book, trained

pytestmark = pytest.mark.django_db
lab = test_bookings.lab


ACTIONS = {"training": "trainings/", "blackout": "maintenance/", "rules": "rules/"}


def manage(client, lab, data):
    """Each form of the manage page posts to its own small view (issue 10, item 5)."""
    client.force_login(lab["manager"])
    data = dict(data)
    return client.post(f"/bookings/instruments/cyto.aria/manage/{ACTIONS[data.pop('form')]}", data,
                       HTTP_ACCEPT_LANGUAGE="en")


def form_errors(html: str, form: str) -> str:
    """The HTML of one form of the manage page (told apart by their ids)."""
    return html.split(f'id="{form}-form"')[1].split("</form>")[0]


@pytest.mark.parametrize("data, field, message", [
    ({"person": "nobody@nowhere.example"}, "person", "No member of the network matches"),
    ({"person": "member@test.example", "expires_at": "2020-01-01"}, "expires_at", "A training expires after today"),
])
def test_a_refused_training_comes_back_with_its_error(client, lab, data, field, message):
    response = manage(client, lab, {"form": "training", **data})
    assert response.status_code == 400
    html = form_errors(response.content.decode(), "training")
    assert message in html and 'class="errorlist' in html
    assert data["person"] in html  # what was typed is kept
    assert response.context["training_form"].errors[field]
    assert not TrainingAuthorization.objects.exists()


def test_a_reversed_maintenance_period_is_an_error_next_to_it(client, lab):
    start = (timezone.localtime() + timedelta(days=3)).replace(hour=14, minute=0, second=0, microsecond=0)
    response = manage(client, lab, {"form": "blackout", "start": start.strftime("%Y-%m-%dT%H:%M"),
                                    "end": (start - timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 400
    html = form_errors(response.content.decode(), "blackout")
    assert "The end must be after the start." in html
    assert "Nothing was saved" in response.content.decode()
    assert not Booking.objects.filter(kind=Booking.Kind.BLACKOUT).exists()


def test_a_service_refusal_lands_on_its_field(client, lab):
    trained(lab)
    taken = book(lab, at(1, 10), at(1, 12))
    response = manage(client, lab, {"form": "blackout",
                                    "start": taken.start.astimezone(test_bookings.PARIS).strftime("%Y-%m-%dT%H:%M"),
                                    "end": taken.end.astimezone(test_bookings.PARIS).strftime("%Y-%m-%dT%H:%M")})
    # A booking in the period: the page lists it and asks to confirm cancelling it, nothing written yet.
    assert response.status_code == 409
    assert [b.pk for b in response.context["overlaps"]] == [taken.pk]
    assert "1 booking stands in this period" in response.content.decode()
    assert not Booking.objects.filter(kind=Booking.Kind.BLACKOUT).exists()


def test_an_unknown_stage_is_not_answered_updated(client, member, db):
    from guichet.accounts.models import Membership
    from guichet.directory.models import Organization
    from guichet.partnerships import services

    lab_org = Organization.objects.create(key="lab", name="Lab", kind="research_lab")
    pharma = Organization.objects.create(key="pharma", name="Pharma", kind="company")
    Membership.objects.create(user=member, organization=lab_org)
    p = services.partnership_create(actor=member, title="L", type="licence", value_eur=1, stage="lead",
                                    parties=[lab_org, pharma])
    client.force_login(member)
    response = client.post(f"/partnerships/{p.pk}/", {"stage": "bogus"}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert "Partnership updated." not in page and "Choose a stage" in page
    assert p.stage_changes.count() == 1
