"""Actual use (issue 13, item 3): check-in and check-out at the kiosk, auto-release of no-shows on the
worker's clock, billing on booked, used or the greater of both with a minimum, late-cancellation and no-show
fees, managers' audited corrections."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import translation

from guichet.accounts.models import Role
from guichet.bookings import services
from guichet.bookings.models import Booking
from guichet.core.models import AuditEvent
from guichet.core.workdays import PARIS
from guichet.directory.models import Organization
from guichet.facility import usage, waitlist
from guichet.facility.models import BillingRule, Usage, WaitlistEntry
from guichet.platforms.models import Instrument, Platform

from .conftest import make_user

pytestmark = pytest.mark.django_db
NOW = datetime(2027, 3, 15, 9, 0, tzinfo=PARIS)
START = datetime(2027, 3, 17, 10, 0, tzinfo=PARIS)


@pytest.fixture
def lab(db):
    org = Organization.objects.create(key="lab", name="Lab", kind="research_lab")
    platform = Platform.objects.create(key="cyto", name="Cytometry", organization=org)
    instrument = Instrument.objects.create(key="cyto.aria", name="Sorter", platform=platform, min_notice=0,
                                           cancel_deadline_hours=0, hourly_academic=Decimal("60.00"),
                                           hourly_industry=Decimal("150.00"))
    manager = make_user("manager@u.example", Role.PLATFORM_MANAGER)
    platform.managers.add(manager)
    member = make_user("member@u.example", Role.MEMBER)
    booking = services.booking_create(actor=member, instrument=instrument, start=START,
                                      end=START + timedelta(hours=2), now=NOW)
    return {"instrument": instrument, "manager": manager, "member": member, "booking": booking,
            "other": make_user("other@u.example", Role.MEMBER)}


def rule(lab, **values):
    fields = {"mode": "booked", "minimum_minutes": 0, "release_after_minutes": 0, "late_cancel_hours": 0,
              "late_cancel_fee_percent": 0, "no_show_fee_percent": 0, **values}
    return usage.billing_rule_save(actor=lab["manager"], instrument=lab["instrument"], **fields)


def fresh(booking):
    return Booking.objects.select_related("instrument", "usage").get(pk=booking.pk)


def test_check_in_and_out_complete_the_booking_and_record_the_use(lab):
    b = lab["booking"]
    with pytest.raises(services.BookingError):  # more than 15 minutes early
        usage.check_in(actor=lab["member"], booking=b, now=START - timedelta(minutes=20))
    with pytest.raises(services.NotAllowed):
        usage.check_in(actor=lab["other"], booking=b, now=START)
    used = usage.check_in(actor=lab["member"], booking=b, now=START - timedelta(minutes=10))
    assert used.checked_in_at == START  # early: counted from the start
    with pytest.raises(services.BookingError):
        usage.check_in(actor=lab["member"], booking=b, now=START + timedelta(minutes=1))
    usage.check_out(actor=lab["member"], booking=b, now=START + timedelta(minutes=95))
    b = fresh(b)
    assert b.status == "completed" and b.usage.checked_out_at == START + timedelta(minutes=95)
    assert [e.action for e in AuditEvent.objects.filter(entity_key=str(b.pk)).order_by("pk")][-2:] == [
        "usage.check_in", "usage.check_out"]


@pytest.mark.parametrize("mode, minimum, used_minutes, billed", [
    ("booked", 0, 95, 120),
    ("used", 0, 95, 95),
    ("greater", 0, 95, 120),
    ("greater", 0, 150, 150),   # stayed past the end (checked out late)
    ("used", 180, 95, 180),     # the minimum wins
    ("used", 60, 30, 60),
])
def test_billing_modes_and_minimum(lab, mode, minimum, used_minutes, billed):
    rule(lab, mode=mode, minimum_minutes=minimum)
    b = lab["booking"]
    usage.check_in(actor=lab["member"], booking=b, now=START)
    if used_minutes <= 120:
        usage.check_out(actor=lab["member"], booking=b, now=START + timedelta(minutes=used_minutes))
    else:
        usage.usage_correct(actor=lab["manager"], booking=b, checked_in_at=START,
                            checked_out_at=START + timedelta(minutes=used_minutes), reason="stayed late")
    charge = usage.charge(fresh(b), "academic")
    assert (charge.billed_minutes, charge.used_minutes) == (billed, used_minutes)
    assert charge.amount == (Decimal("60.00") * billed / 60).quantize(Decimal("0.01"))
    assert usage.charge(fresh(b), "industry").amount == (Decimal("150.00") * billed / 60).quantize(Decimal("0.01"))


def test_no_show_is_released_on_the_clock_charged_and_offered_to_the_waitlist(lab, django_capture_on_commit_callbacks):
    from django.core import mail

    rule(lab, release_after_minutes=15, no_show_fee_percent=50)
    waiting = waitlist.waitlist_join(actor=lab["other"], instrument=lab["instrument"], start=START + timedelta(hours=1),
                                     end=START + timedelta(hours=2), now=NOW)
    assert usage.release_no_shows(now=START + timedelta(minutes=14)) == 0
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert usage.release_no_shows(now=START + timedelta(minutes=15)) == 1
    b = fresh(lab["booking"])
    assert b.status == "no_show"
    assert [m.to for m in mail.outbox] == [[lab["member"].email]] and "pas d’arrivée" in mail.outbox[0].subject  # French by default
    assert usage.release_no_shows(now=START + timedelta(minutes=16)) == 0  # once
    charge = usage.charge(b, "academic")
    assert (charge.amount, charge.fee, charge.fee_kind) == (Decimal("0.00"), Decimal("60.00"), "no_show")
    # The slot is free again: the waitlist's sweep offers its second hour.
    assert waitlist.waitlist_sweep(now=START + timedelta(minutes=16))["offered"] == 1
    assert WaitlistEntry.objects.get(pk=waiting.pk).status == "offered"
    # A checked-in booking is never released.
    later = services.booking_create(actor=lab["member"], instrument=lab["instrument"], start=START + timedelta(days=1),
                                    end=START + timedelta(days=1, hours=1), now=NOW)
    usage.check_in(actor=lab["member"], booking=later, now=later.start)
    assert usage.release_no_shows(now=later.start + timedelta(minutes=30)) == 0


def test_late_cancellation_fee(lab):
    rule(lab, late_cancel_hours=48, late_cancel_fee_percent=25)
    b = services.booking_cancel(actor=lab["member"], booking=lab["booking"], now=START - timedelta(hours=47))
    charge = usage.charge(fresh(b), "academic")
    assert (charge.fee, charge.fee_kind, charge.total) == (Decimal("30.00"), "late_cancel", Decimal("30.00"))
    early = services.booking_create(actor=lab["member"], instrument=lab["instrument"], start=START + timedelta(days=7),
                                    end=START + timedelta(days=7, hours=2), now=NOW)
    services.booking_cancel(actor=lab["member"], booking=early, now=NOW)
    assert usage.charge(fresh(early), "academic").total == Decimal("0.00")


def test_manager_corrects_a_usage_with_a_reason_audited(lab):
    b = lab["booking"]
    with pytest.raises(services.NotAllowed):
        usage.usage_correct(actor=lab["member"], booking=b, checked_in_at=START, checked_out_at=START, reason="x")
    with translation.override("en"), pytest.raises(services.BookingError) as refused:
        usage.usage_correct(actor=lab["manager"], booking=b, checked_in_at=START, checked_out_at=START, reason=" ")
    assert refused.value.field == "reason"
    with pytest.raises(services.BookingError) as refused:
        usage.usage_correct(actor=lab["manager"], booking=b, checked_in_at=START,
                            checked_out_at=START - timedelta(minutes=1), reason="typo")
    assert refused.value.field == "checked_out_at" and not Usage.objects.exists()
    usage.usage_correct(actor=lab["manager"], booking=b, checked_in_at=START + timedelta(minutes=5),
                        checked_out_at=START + timedelta(minutes=65), reason="kiosk was down")
    b = fresh(b)
    assert b.status == "completed" and b.usage.correction_reason == "kiosk was down"
    event = AuditEvent.objects.get(action="usage.correct")
    assert event.changes["reason"] == [None, "kiosk was down"] and event.actor == lab["manager"]


def test_billing_rule_saved_by_managers_only_and_audited(lab):
    with pytest.raises(services.NotAllowed):
        usage.billing_rule_save(actor=lab["member"], instrument=lab["instrument"], mode="used", minimum_minutes=0,
                                release_after_minutes=0, late_cancel_hours=0, late_cancel_fee_percent=0,
                                no_show_fee_percent=0)
    rule(lab, mode="greater", minimum_minutes=30)
    assert BillingRule.objects.get().mode == "greater"
    assert AuditEvent.objects.get(action="billing_rule.save").changes["mode"] == ["booked", "greater"]


def test_kiosk_page_checks_in_and_out_and_managers_get_the_qr_code_and_usage_page(client, lab):
    now = datetime.now(PARIS).replace(second=0, microsecond=0)
    # A booking running now (written directly: the rules would refuse a start in the past).
    b = Booking.objects.create(instrument=lab["instrument"], user=lab["member"], start=now - timedelta(minutes=5),
                               end=now + timedelta(hours=1), blocked_until=now + timedelta(hours=1),
                               status="confirmed")
    client.force_login(lab["member"])
    page = client.get("/facility/kiosk/cyto.aria/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert 'id="kiosk-check-in"' in page and "Votre réservation" in page
    client.post("/facility/kiosk/cyto.aria/", {"action": "in"})
    assert Usage.objects.get(booking=b).checked_in_by == lab["member"]
    assert 'id="kiosk-check-out"' in client.get("/facility/kiosk/cyto.aria/").content.decode()
    client.post("/facility/kiosk/cyto.aria/", {"action": "out"})
    assert fresh(b).status == "completed"
    assert client.get("/facility/kiosk/cyto.aria/qr.svg").status_code == 403
    client.force_login(lab["other"])
    assert 'id="kiosk-none"' in client.get("/facility/kiosk/cyto.aria/").content.decode()
    client.force_login(lab["manager"])
    svg = client.get("/facility/kiosk/cyto.aria/qr.svg")
    assert svg["Content-Type"] == "image/svg+xml" and svg.content.startswith(b"<svg")
    from reportlab.graphics.barcode import qrencoder  # the encoder events.qr draws with, read here directly

    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData("http://testserver/facility/kiosk/cyto.aria/")
    code.make()
    expected = [[code.isDark(r, c) for c in range(code.getModuleCount())] for r in range(code.getModuleCount())]
    assert svg.content.decode().count("h1v1h-1z") == sum(map(sum, expected))  # the code of the kiosk address
    report = client.get(f"/facility/instruments/cyto.aria/usage/?month={now:%Y-%m}", HTTP_ACCEPT_LANGUAGE="en")
    html = report.content.decode()
    assert report.status_code == 200 and f'id="usage-{b.pk}"' in html and "Completed" in html
    bad = client.post("/facility/instruments/cyto.aria/usage/correct/",
                      {"booking": b.pk, "checked_in_at": f"{now:%Y-%m-%d}T10:00", "checked_out_at":
                       f"{now:%Y-%m-%d}T09:00", "reason": "typo"}, HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 400 and "after the check-in" in bad.content.decode()
    done = client.post("/facility/instruments/cyto.aria/usage/rules/", {
        "mode": "greater", "minimum_minutes": "30", "release_after_minutes": "10", "late_cancel_hours": "24",
        "late_cancel_fee_percent": "50", "no_show_fee_percent": "101"}, HTTP_ACCEPT_LANGUAGE="en")
    assert done.status_code == 400 and "100" in done.content.decode() and not BillingRule.objects.exists()
