"""Sample submission forms (issue 13, item 5): a service's managers define the questions an order must answer
(from a page, not only the admin); ordering shows them, checks the answers (a refusal names the question, in
the reader's language, and writes nothing), stores them with the order (shown to the customer and the
managers, in the service's CSV and the privacy export); the samples' arrival is a manager's step and the
turnaround from there to the delivery is shown per service in the usage report."""

import csv
import io
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from guichet.bookings import orders
from guichet.bookings.models import ServiceOrder
from guichet.core.models import AuditEvent
from guichet.core.workdays import PARIS
from guichet.facility import samples
from guichet.facility.models import SampleAnswer, SampleField, SampleReceipt
from guichet.privacy.services import person_export

from . import test_bookings
from .conftest import logged_in

lab = test_bookings.lab
pytestmark = pytest.mark.django_db


@pytest.fixture
def form(lab):
    """The sorting service's form: number of samples (1..96, required), species (a list), buffer (text), a
    hazard class (a list, required) and a file."""
    m, service = lab["manager"], lab["service"]
    save = lambda **kw: samples.sample_field_save(actor=m, service=service, **{  # noqa: E731
        "required": False, "choices": "", "min_value": None, "max_value": None, "help_text": "", **kw})
    return {"count": save(label="Number of samples", kind="integer", required=True, min_value=1, max_value=96),
            "species": save(label="Species", kind="choice", choices="Human\nMouse\nRat"),
            "buffer": save(label="Buffer", kind="text"),
            "hazard": save(label="Hazard class", kind="choice", choices="BSL-1\nBSL-2", required=True),
            "sheet": save(label="Sample sheet", kind="file")}


def name(field):
    return samples.input_name(field)


def order(lab, answers, files=None, who="member"):
    return orders.order_create(actor=lab[who], service=lab["service"], description="Sort", quantity=2,
                               samples=answers, sample_files=files)


def good(form, **over):
    values = {name(form["count"]): "12", name(form["species"]): "Mouse", name(form["buffer"]): "PBS",
              name(form["hazard"]): "BSL-2"}
    values.update({name(form[k]): v for k, v in over.items()})
    return values


def test_the_manager_defines_the_form_from_a_page_and_it_is_audited(client, lab):
    page = reverse("facility:sample_form", args=[lab["service"].key])
    logged_in(client, lab["member"])
    assert client.get(page).status_code == 403
    assert client.post(reverse("facility:sample_field_save", args=[lab["service"].key]),
                       {"label": "Species", "kind": "text"}).status_code == 403
    logged_in(client, lab["manager"])
    response = client.post(reverse("facility:sample_field_save", args=[lab["service"].key]), {
        "label": "Number of samples", "kind": "integer", "required": "on", "min_value": "1", "max_value": "96"})
    assert response.status_code == 302
    field = SampleField.objects.get()
    assert (field.label, field.kind, field.required, field.min_value, field.max_value) == (
        "Number of samples", "integer", True, Decimal("1.00"), Decimal("96.00"))
    assert AuditEvent.objects.filter(action="sample_field.create", entity_key="cyto.sort").exists()
    body = client.get(page).content.decode()
    assert "Number of samples" in body and "≤ 96" in body
    # changed, then removed, from the same page
    client.post(reverse("facility:sample_field_save", args=[lab["service"].key]), {
        "field": field.pk, "label": "Samples", "kind": "integer", "min_value": "1", "max_value": "48"})
    field.refresh_from_db()
    assert (field.label, field.required, field.max_value) == ("Samples", False, Decimal("48.00"))
    client.post(reverse("facility:sample_field_remove", args=[field.pk]))
    assert not SampleField.objects.exists()
    assert AuditEvent.objects.filter(action="sample_field.remove").exists()
    # linked from the platform's page, for its managers only
    detail = reverse("platforms:detail", args=[lab["platform"].key])
    assert page in client.get(detail).content.decode()
    assert page not in logged_in(client, lab["member"]).get(detail).content.decode()


@pytest.mark.parametrize("values, field", [
    ({"label": " ", "kind": "text"}, "label"),
    ({"label": "Species", "kind": "choice", "choices": "Human"}, "choices"),
    ({"label": "Species", "kind": "choice", "choices": "Human\nHuman"}, "choices"),
    ({"label": "Count", "kind": "integer", "min_value": "10", "max_value": "2"}, "max_value"),
    ({"label": "Count", "kind": "colour"}, "kind"),
])
def test_a_bad_question_is_refused_naming_its_input_and_nothing_is_written(lab, values, field):
    values = {"required": False, "choices": "", "min_value": None, "max_value": None, "help_text": "", **values}
    with pytest.raises(samples.SampleError) as refused:
        samples.sample_field_save(actor=lab["manager"], service=lab["service"], **values)
    assert refused.value.field == field and str(refused.value)
    assert not SampleField.objects.exists()


def test_ordering_shows_the_questions_and_stores_the_answers_with_the_order(client, lab, form, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    logged_in(client, lab["member"])
    page = reverse("bookings:order_new", args=[lab["service"].key])
    body = client.get(page).content.decode()
    for label in ("Number of samples", "Species", "Hazard class", "Sample sheet"):
        assert label in body
    assert f'name="{name(form["count"])}"' in body and 'max="96"' in body
    sheet = SimpleUploadedFile("sheet.csv", b"well,sample\nA1,mouse-1\n", content_type="text/csv")
    response = client.post(page, {"description": "Sort", "quantity": "2", **good(form),
                                  name(form["sheet"]): sheet})
    placed = ServiceOrder.objects.get()
    assert response.status_code == 302
    answers = {a.label: (a.value, a.file_name) for a in placed.sample_answers.all()}
    assert answers == {"Number of samples": ("12", ""), "Species": ("Mouse", ""), "Buffer": ("PBS", ""),
                       "Hazard class": ("BSL-2", ""), "Sample sheet": ("sheet.csv", "sheet.csv")}
    event = AuditEvent.objects.get(action="order.create")
    assert event.changes["sample.Species"] == [None, "Mouse"]
    # shown to the customer and to the managers, the file to both, to nobody else
    for who in ("member", "manager"):
        shown = logged_in(client, lab[who]).get(reverse("bookings:order", args=[placed.pk])).content.decode()
        assert "Hazard class" in shown and "BSL-2" in shown and "sheet.csv" in shown
    file_url = reverse("facility:sample_attachment", args=[placed.sample_answers.get(kind="file").pk])
    assert b"".join(logged_in(client, lab["member"]).get(file_url).streaming_content).startswith(b"well,sample")
    assert logged_in(client, lab["outsider"]).get(file_url).status_code == 404


@pytest.mark.parametrize("over, field, english, french", [
    ({"count": ""}, "count", "Number of samples: this answer is required.",
     "Number of samples : cette réponse est obligatoire."),
    ({"count": "2.5"}, "count", "Number of samples: write a whole number.",
     "Number of samples : écrivez un nombre entier."),
    ({"count": "200"}, "count", "Number of samples: at most 96.", "Number of samples : au plus 96."),
    ({"count": "0"}, "count", "Number of samples: at least 1.", "Number of samples : au moins 1."),
    ({"count": "lots"}, "count", "Number of samples: write a number.", "Number of samples : écrivez un nombre."),
    ({"species": "Zebrafish"}, "species", "Species: choose one of Human, Mouse, Rat.",
     "Species : choisissez parmi Human, Mouse, Rat."),
    ({"hazard": ""}, "hazard", "Hazard class: this answer is required.",
     "Hazard class : cette réponse est obligatoire."),
])
def test_a_bad_answer_names_its_question_in_the_readers_language_and_writes_nothing(lab, form, over, field,
                                                                                     english, french):
    for language, expected in (("en", english), ("fr", french)):
        with translation.override(language), pytest.raises(samples.SampleError) as refused:
            order(lab, good(form, **over))
        assert str(refused.value).replace("\u202f", " ").replace("\xa0", " ") == expected
        assert refused.value.field == name(form[field])
    assert not ServiceOrder.objects.exists() and not SampleAnswer.objects.exists()


def test_the_order_page_says_the_refusal_next_to_the_question(client, lab, form):
    logged_in(client, lab["member"])
    response = client.post(reverse("bookings:order_new", args=[lab["service"].key]),
                           {"description": "Sort", "quantity": "2", **good(form, count="500")})
    body = response.content.decode().replace("\xa0", " ")  # the page in French, the site's language
    assert response.status_code == 200 and "Number of samples : au plus 96." in body
    assert not ServiceOrder.objects.exists()


def test_a_file_answer_has_the_size_and_type_limits_of_every_upload(lab, form, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.GUICHET_ORDER_ATTACHMENT_MAX_MB = 1
    program = SimpleUploadedFile("sheet.pdf", b"MZ\x90\x00 not a pdf")
    with pytest.raises(samples.SampleError) as refused:
        order(lab, good(form), {name(form["sheet"]): program})
    assert refused.value.field == name(form["sheet"]) and "Sample sheet" in str(refused.value)
    big = SimpleUploadedFile("sheet.txt", b"a" * (1024 * 1024 + 1))
    with translation.override("en"), pytest.raises(samples.SampleError, match="Sample sheet: .* larger than 1 MB"):
        order(lab, good(form), {name(form["sheet"]): big})
    assert not ServiceOrder.objects.exists()


def test_samples_received_is_a_managers_step_and_the_turnaround_is_reported(client, lab, form):
    placed = order(lab, good(form))
    with pytest.raises(orders.NotAllowed):
        samples.samples_receive(actor=lab["member"], order=placed)
    received = datetime(2027, 3, 1, 9, tzinfo=PARIS)
    samples.samples_receive(actor=lab["manager"], order=placed, now=received)
    with pytest.raises(samples.SampleError):  # once
        samples.samples_receive(actor=lab["manager"], order=placed, now=received)
    assert AuditEvent.objects.filter(action="order.samples_received", entity_key=str(placed.pk)).count() == 1
    second = order(lab, good(form))
    samples.samples_receive(actor=lab["manager"], order=second, now=received)
    third = order(lab, good(form))  # delivered without a recorded arrival: not in the turnaround
    for o, days in ((placed, 2), (second, 5), (third, 1)):
        ServiceOrder.objects.filter(pk=o.pk).update(status="delivered", delivered_at=received + timedelta(days=days))
    [row] = samples.turnaround_report(lab["platform"], 2027, 3)
    assert (row["service"], row["orders"], row["mean"], row["median"]) == (lab["service"], 2, Decimal("3.5"),
                                                                           Decimal("3.5"))
    with pytest.raises(samples.SampleError):  # over: no more arrival
        samples.samples_receive(actor=lab["manager"], order=third)
    body = logged_in(client, lab["manager"]).get(reverse("bookings:usage", args=[lab["platform"].key]),
                                                 {"month": "2027-03"}).content.decode()
    assert 'id="turnaround"' in body and "<td class=\"num\">3,5</td>" in body and "Cell sorting" in body
    shown = client.get(reverse("bookings:order", args=[placed.pk])).content.decode().replace("\xa0", " ")
    assert "Délai de réalisation : 2,0 jours." in shown


def test_the_page_button_records_the_arrival_for_managers_only(client, lab, form):
    placed = order(lab, good(form))
    url = reverse("facility:samples_received", args=[placed.pk])
    assert url not in logged_in(client, lab["member"]).get(reverse("bookings:order", args=[placed.pk])).content.decode()
    assert client.post(url).status_code == 403
    assert not SampleReceipt.objects.exists()
    assert url in logged_in(client, lab["manager"]).get(reverse("bookings:order", args=[placed.pk])).content.decode()
    assert client.post(url).status_code == 302
    assert SampleReceipt.objects.get().order == placed


def test_the_answers_are_in_the_services_csv_and_the_privacy_export(client, lab, form):
    placed = order(lab, good(form))
    response = logged_in(client, lab["manager"]).get(reverse("facility:service_orders_csv",
                                                             args=[lab["service"].key]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    by_label, by_name = dict(zip(rows[0], rows[-1], strict=True)), dict(zip(rows[1], rows[-1], strict=True))
    assert by_label["Species"] == "Mouse" and by_label["Number of samples"] == "12"
    assert by_name["reference"] == placed.reference and by_label["Référence de la commande"] == placed.reference
    assert logged_in(client, lab["member"]).get(reverse("facility:service_orders_csv",
                                                        args=[lab["service"].key])).status_code == 403
    exported = person_export(actor=lab["member"], person=lab["member"])["parts"]["facility"]["sample_answers"]
    assert {"order": placed.pk, "question": "Hazard class", "answer": "BSL-2", "file": ""} in exported


def test_a_service_without_a_form_orders_as_before(lab):
    placed = orders.order_create(actor=lab["member"], service=lab["service"], description="Sort", quantity=1)
    assert placed.pk and not placed.sample_answers.exists()
