"""The permission matrix's method column: POST as each role to every URL the resolver knows.

For each URL and role the status is checked, and when the answer is a refusal, that nothing changed:
the row count of every table (and every row of the small ones) and the audit log are compared before and
after (healthchecks' per-view tests, for every view at once). A URL the resolver knows and this matrix
does not fails `test_every_url_has_a_post_row`; a URL whose sample arguments are missing fails naming it.
"""

import pytest
from django.apps import apps
from django.core.cache import cache
from django.urls import NoReverseMatch

from guichet.core.models import AuditEvent

from .conftest import logged_in
from .test_permissions import (
    SKIPPED_NAMESPACES,
    all_url_names,
    bookings_sample,
    events_sample,
    impact_sample,
    sample_url,
)

ROLES = ["anonymous", "guest", "member", "outsider", "manager", "staff", "admin"]
LOGIN = 302  # to the login page
REFUSALS = {400, 401, 403, 404, 405, 409, 422, 429}
NOT_DATA = {"sessions.session", "admin.logentry", "contenttypes.contenttype", "auth.permission",
            "core.ratecount"}  # rate-limit counters (core/ratelimit.py): a refused POST counts too
LOGS = {"axes.accesslog"}  # django-axes' own log of logins and logouts
SMALL = 300  # tables up to this size are compared row by row; larger ones (the vocabulary) by count


def row(anonymous, guest, member, outsider, manager, staff, admin):
    return dict(zip(ROLES, (anonymous, guest, member, outsider, manager, staff, admin), strict=True))


def every(status):
    return row(*[status] * len(ROLES))


NOT_POST = every(405)  # GET-only views refuse POST whoever asks

# POST with an empty body, the sample records of tests/test_permissions.py. Columns:
#            anonymous, guest, member, outsider, manager, staff, admin
# The API takes tokens, not sessions: every POST there without one is 401 (or 405 where it only reads).
# 200 on a write page with an empty body is its form coming back with the errors; 302 after a write
# means it was accepted (the member cancels their own booking, staff triage and confirm imports...).
POST_MATRIX: dict[str, dict[str, int]] = {
    "accessibility": every(200),
    "accounts:login": row(200, 302, 302, 302, 302, 302, 302),
    "accounts:logout": every(302),
    "accounts:password_change": row(LOGIN, 200, 200, 200, 200, 200, 200),
    "accounts:password_change_done": row(LOGIN, 405, 405, 405, 405, 405, 405),
    "accounts:password_reset": every(200),
    "accounts:password_reset_complete": NOT_POST,
    "accounts:password_reset_confirm": every(200),
    "accounts:password_reset_done": NOT_POST,
    "accounts:profile": row(LOGIN, 200, 200, 200, 200, 200, 200),
    "accounts:token_revoke": row(LOGIN, 404, 404, 404, 404, 404, 404),
    "accounts:token_rotate": row(LOGIN, 404, 404, 404, 404, 404, 404),
    "antibodies:detail": row(LOGIN, 404, 302, 404, 404, 404, 404),
    "antibodies:export_csv": row(LOGIN, 404, 200, 404, 404, 404, 404),
    "antibodies:export_json": row(LOGIN, 404, 200, 404, 404, 404, 404),
    "antibodies:export_pdf": row(LOGIN, 404, 200, 404, 404, 404, 404),
    "antibodies:workspace": row(LOGIN, 200, 200, 200, 200, 200, 200),
    "api-1:api-root": every(404),
    "api-1:assess": every(401),
    "api-1:availability": NOT_POST,
    "api-1:cancel_booking": every(401),
    "api-1:catalogue": NOT_POST,
    "api-1:create_booking": every(401),
    "api-1:create_request": every(401),
    "api-1:directory_record": NOT_POST,
    "api-1:directory_search": NOT_POST,
    "api-1:get_request": NOT_POST,
    "api-1:list_requests": every(401),
    "api-1:match": NOT_POST,
    "api-1:my_bookings": every(401),
    "api-1:openapi-json": every(200),
    "api-1:openapi-view": every(200),
    "api-1:organization": NOT_POST,
    "api-1:partnerships": NOT_POST,
    "api-1:person": NOT_POST,
    "api-1:platform": NOT_POST,
    "api-1:post_message": every(401),
    "api-1:programmes": NOT_POST,
    "api-1:public": NOT_POST,
    "api-1:startups": NOT_POST,
    "audit": row(LOGIN, 403, 403, 403, 403, 200, 200),
    "bookings:approvals": row(LOGIN, 403, 403, 403, 200, 200, 200),
    # an empty booking POST: the week again with each refusal beside its field (issue 15), nothing written
    "bookings:book": row(LOGIN, 200, 200, 200, 200, 200, 200),
    "bookings:calendar": every(200),
    "bookings:cancel": row(LOGIN, 404, 302, 404, 302, 302, 302),
    "bookings:decide": row(LOGIN, 400, 400, 400, 400, 400, 400),
    "bookings:feed": every(200),
    "bookings:feed_create": every(302),
    "bookings:feed_revoke": row(LOGIN, 404, 302, 404, 404, 404, 404),  # only its owner revokes a calendar address
    "bookings:manage": row(LOGIN, 403, 403, 403, 405, 405, 405),  # the page only shows: each form posts to its own view
    "bookings:mine": row(LOGIN, 200, 200, 200, 200, 200, 200),
    "bookings:order": row(LOGIN, 404, 302, 404, 302, 302, 302),
    "bookings:order_attachment": row(LOGIN, 404, 200, 404, 200, 200, 200),
    "bookings:order_new": row(LOGIN, 200, 200, 200, 200, 200, 200),
    "bookings:orders": row(LOGIN, 200, 200, 200, 200, 200, 200),
    "bookings:statement": row(LOGIN, 403, 200, 403, 403, 200, 200),
    "bookings:statement_csv": row(LOGIN, 403, 200, 403, 403, 200, 200),
    "bookings:statement_xlsx": row(LOGIN, 403, 200, 403, 403, 200, 200),
    "bookings:usage": row(LOGIN, 403, 403, 403, 200, 200, 200),
    "desk:attachment": row(404, 404, 200, 404, 404, 200, 200),
    "desk:close": row(LOGIN, 404, 302, 404, 404, 302, 302),  # 404 before the form is read
    "desk:confirm": every(400),
    "desk:provider": every(404),  # the sample link is not a signed one
    "antibodies:progress": row(LOGIN, 404, 200, 404, 404, 404, 404),  # a read, the owner's only
    "directory:import_progress": row(LOGIN, 403, 403, 403, 403, 200, 200),  # a read, staff only
    "outbox": row(LOGIN, 403, 403, 403, 403, 200, 200),  # a read, staff only
    "outbox_resend": row(403, 403, 403, 403, 403, 302, 302),
    # The instrument's manage page: one POST view per form; the sample ids do not exist (404 once allowed).
    **{f"bookings:{n}": row(LOGIN, 403, 403, 403, 400, 400, 400)
       for n in ("manage_rules", "training_grant", "maintenance_declare")},
    **{f"bookings:{n}": row(LOGIN, 403, 403, 403, 404, 404, 404) for n in ("training_revoke", "maintenance_cancel")},
    "desk:reach": row(LOGIN, 404, 403, 404, 404, 200, 200),  # a read: who would be told
    "desk:detail": row(LOGIN, 404, 200, 404, 404, 200, 200),
    "desk:export": row(LOGIN, 403, 403, 403, 403, 200, 200),
    "desk:follow": row(LOGIN, 403, 302, 403, 403, 302, 302),
    "desk:list": row(LOGIN, 200, 200, 200, 200, 200, 200),
    "desk:message": row(LOGIN, 404, 302, 404, 404, 302, 302),
    "desk:new": every(200),
    "desk:respond": row(LOGIN, 404, 404, 404, 404, 404, 404),
    "desk:route": row(LOGIN, 404, 403, 404, 404, 302, 302),
    "desk:suggest": every(200),
    "desk:triage": row(LOGIN, 404, 302, 404, 404, 302, 302),
    "directory:export_json": row(LOGIN, 403, 403, 403, 403, 200, 200),
    "directory:export_xlsx": row(LOGIN, 403, 403, 403, 403, 200, 200),
    "directory:import": row(LOGIN, 403, 403, 403, 403, 200, 200),
    "directory:import_confirm": row(LOGIN, 403, 403, 403, 403, 302, 302),
    "directory:import_preview": row(LOGIN, 403, 403, 403, 403, 200, 200),
    "directory:list": every(200),
    "directory:organization": every(200),
    "directory:person": every(200),
    "health": NOT_POST,
    "home": every(200),
    "impact:dashboard": row(LOGIN, 403, 403, 403, 403, 200, 200),
    "impact:export_csv": row(LOGIN, 403, 403, 403, 403, 200, 200),
    "impact:export_pdf": row(LOGIN, 403, 403, 403, 403, 302, 302),  # moved to impact:report_new (issue 9)
    "impact:export_xlsx": row(LOGIN, 403, 403, 403, 403, 200, 200),
    "impact:public": every(200),
    "metrics": every(200),
    "partnerships:board": row(LOGIN, 403, 200, 200, 200, 200, 200),
    "partnerships:detail": row(LOGIN, 404, 404, 404, 404, 302, 302),
    "partnerships:document": row(LOGIN, 404, 404, 404, 404, 200, 200),
    "platforms:detail": every(200),
    "platforms:list": every(200),
    "privacy:erase": row(LOGIN, 403, 403, 403, 403, 200, 200),
    "privacy:erase_confirm": row(LOGIN, 403, 403, 403, 403, 302, 302),
    "privacy:export": row(LOGIN, 200, 200, 200, 200, 200, 200),
    "privacy:page": every(200),
    "programmes:detail": row(404, 404, 404, 404, 404, 200, 200),
    "programmes:list": every(200),
    "programmes:showcase": every(200),
    "set_language": every(302),
    "startups:detail": row(LOGIN, 403, 403, 403, 403, 200, 200),
    "startups:list": row(LOGIN, 403, 200, 200, 200, 200, 200),
    # --- outbox message ---
    "outbox_message": NOT_POST,
    # --- events ---
    # An empty POST to register: a visitor's form comes back (302, nothing written); an account registers
    # (the member holds the sample's place already: refused, said, 302).
    "events:agenda": every(200),
    "events:mine": row(LOGIN, 200, 200, 200, 200, 200, 200),
    "events:register": every(302),
    "events:door": row(LOGIN, 403, 403, 403, 403, 200, 200),  # a read: the phone page
    "events:ticket": every(200),
    "events:confirm": every(302),  # the visitor's link: its holder confirms
    "events:ticket_ics": every(200),
    "events:ticket_cancel": every(302),  # the ticket's link is its holder's key
    "events:checkin": row(LOGIN, 403, 403, 403, 403, 302, 302),
    "events:detail": every(200),
    "events:ics": every(200),
    "events:attendees": row(LOGIN, 403, 403, 403, 403, 200, 200),
    "events:attendees_csv": row(LOGIN, 403, 403, 403, 403, 200, 200),
    "events:attendees_xlsx": row(LOGIN, 403, 403, 403, 403, 200, 200),
    "api-1:events": NOT_POST,
    "api-1:event": NOT_POST,
    "api-1:my_registrations": NOT_POST,
    "api-1:register": every(401),
    "events:trainings": every(200),
    # Closing the attendance of a session that has not started: refused, said on the page.
    "events:attendance": row(LOGIN, 403, 403, 403, 403, 200, 200),
    "events:certificate": every(404),
    # The Partnering Day: the member and the manager take part; the member asked the manager; the member's
    # meeting with a third participant is placed. Empty bodies: forms come back said (302), nothing written.
    "partnering:day": every(200),
    "partnering:join": row(LOGIN, 302, 302, 302, 302, 302, 302),
    "partnering:unavailable": row(LOGIN, 404, 302, 404, 302, 404, 404),
    "partnering:ask": row(LOGIN, 404, 302, 404, 302, 404, 404),
    "partnering:answer": row(LOGIN, 404, 404, 404, 400, 404, 404),
    "partnering:outcome": row(LOGIN, 404, 302, 404, 404, 302, 302),
    "partnering:ics": row(LOGIN, 404, 200, 404, 200, 404, 404),
    "partnering:schedule": row(LOGIN, 403, 403, 403, 403, 302, 302),
    # --- antibodies: humanization (issue 14) --- reads only: POST is refused
    "antibodies:humanize": row(LOGIN, 405, 405, 405, 405, 405, 405),
    "antibodies:humanize_fasta": row(LOGIN, 405, 405, 405, 405, 405, 405),
    "antibodies:export_numbering": row(LOGIN, 404, 200, 404, 404, 404, 404),  # a read, the owner's only
    # --- antibodies: large batches (issue 14) --- a report's page is a read; the API's writes need a token
    "antibodies:antibody": row(LOGIN, 405, 405, 405, 405, 405, 405),
    "antibodies:antibody_pdf": row(LOGIN, 405, 405, 405, 405, 405, 405),
    "api-1:antibody_batches": every(401),
    "api-1:antibody_batch": NOT_POST,
    "api-1:antibody_batch_results": NOT_POST,
    # --- clinical transfer, technology transfer ---
    # The member's confidential feasibility request; an empty close is a close with no site chosen (accepted).
    "clinical:sites": every(200),
    "clinical:feasibility_new": row(LOGIN, 403, 200, 200, 200, 200, 200),
    "clinical:feasibility": row(LOGIN, 404, 200, 404, 404, 200, 200),
    "clinical:feasibility_route": row(LOGIN, 404, 403, 404, 404, 302, 302),
    "clinical:feasibility_answer": row(LOGIN, 404, 404, 404, 404, 404, 404),
    "clinical:feasibility_close": row(LOGIN, 404, 403, 404, 404, 302, 302),
    "clinical:trials": row(LOGIN, 403, 200, 200, 200, 200, 200),
    "clinical:trial": row(LOGIN, 403, 200, 200, 200, 200, 200),
    "clinical:inclusions": row(LOGIN, 403, 403, 403, 403, 302, 302),
    "api-1:clinical_sites": NOT_POST,
    "api-1:clinical_feasibility": NOT_POST,
    "api-1:clinical_trials": NOT_POST,
    # The member's invention disclosure; an empty question about the sample offer is a question (accepted).
    "transfer:offers": every(200),
    "transfer:offer": every(200),
    "transfer:offer_ask": row(LOGIN, 403, 302, 302, 302, 302, 302),
    "transfer:disclosures": row(LOGIN, 200, 200, 200, 200, 200, 200),
    "transfer:disclosure_new": row(LOGIN, 403, 200, 200, 200, 200, 200),
    "transfer:disclosures_csv": row(LOGIN, 200, 200, 200, 200, 200, 200),
    "transfer:disclosure": row(LOGIN, 404, 200, 404, 404, 404, 404),
    "transfer:disclosure_status": row(LOGIN, 404, 403, 404, 404, 404, 404),
    "transfer:office": row(LOGIN, 403, 403, 403, 403, 403, 403),
    "api-1:transfer_offers": NOT_POST,
    "api-1:transfer_disclosures": NOT_POST,
    "api-1:transfer_disclosure": NOT_POST,
    "api-1:my_meetings": NOT_POST,
    "api-1:answer": every(401),
    # --- operations: the worker's status (issue 9) ---
    "health_worker": NOT_POST,
    # --- impact: the PDF report as a job (issue 9) --- POST asks for one (audited); the others only read
    "impact:report_new": row(LOGIN, 403, 403, 403, 403, 302, 302),
    **{f"impact:{n}": row(LOGIN, 403, 403, 403, 403, 200, 200) for n in ("report", "report_progress", "report_file")},
    # --- declaration campaigns, annual report ---
    # The open sample campaign; lab-tcell (the member's) submitted its figures. In name order, staff close the
    # campaign, then opening and reminding it are refused (said on the page, nothing written), an empty return
    # is refused (no reason), and validating is accepted.
    "declarations:mine": row(LOGIN, 403, 200, 200, 200, 200, 200),
    "declarations:campaigns": row(LOGIN, 403, 403, 403, 403, 400, 400),
    "declarations:campaign": row(LOGIN, 403, 403, 403, 403, 200, 200),
    **{f"declarations:{n}": row(LOGIN, 403, 403, 403, 403, 302, 302)
       for n in ("campaign_open", "campaign_remind", "campaign_close", "return", "validate")},
    "declarations:declaration": row(LOGIN, 404, 403, 404, 404, 403, 403),  # submitted: no longer answerable
    "declarations:evidence": row(LOGIN, 404, 200, 404, 404, 200, 200),  # a read
    "impact:annual_reports": row(LOGIN, 403, 403, 403, 403, 400, 400),
    "impact:annual_report": row(LOGIN, 403, 403, 403, 403, 302, 302),  # an empty text: nothing to save
    "impact:annual_report_pdf": row(LOGIN, 403, 403, 403, 403, 404, 404),
    "impact:annual_report_docx": row(LOGIN, 403, 403, 403, 403, 404, 404),
    # --- calls, talent ---
    # The member's posting; an empty close is refused with a message (302 back), an empty decline is a decline
    # (accepted: the poster and staff); the applicant's token withdraws (whoever holds the e-mailed link).
    "talent:list": every(200),
    "talent:new": row(LOGIN, 403, 400, 403, 403, 403, 403),  # an empty form comes back, 400
    "talent:mine": row(LOGIN, 200, 200, 200, 200, 200, 200),
    "talent:detail": every(200),
    "talent:apply": every(400),  # an empty application comes back with what was typed, 400
    "talent:edit": row(LOGIN, 403, 400, 403, 403, 400, 400),
    "talent:close": row(LOGIN, 403, 302, 403, 403, 302, 302),
    "talent:applications": row(LOGIN, 403, 200, 403, 403, 200, 200),
    "talent:cv": row(LOGIN, 404, 200, 404, 404, 200, 200),
    "talent:decline": row(LOGIN, 404, 302, 404, 404, 302, 302),
    "talent:application": every(200),
    "talent:confirm": every(302),
    "talent:withdraw": every(302),
    "api-1:talent_postings": NOT_POST,
    "api-1:talent_posting": NOT_POST,
    # --- groups (issue 12) --- the manager heads the sample lab, the member is in it (may charge), the
    # outsider is not. Empty bodies: a join by someone already in (or of another organization) and a decision
    # with no choice are refused and said (302); the head (or staff) stopping the member charging is a write.
    "groups:list": row(LOGIN, 403, 200, 200, 200, 200, 200),
    "groups:detail": row(LOGIN, 403, 200, 404, 200, 200, 200),
    "groups:join": row(LOGIN, 403, 302, 302, 302, 302, 302),
    "groups:decide": row(LOGIN, 403, 302, 404, 302, 302, 302),
    "groups:member_update": row(LOGIN, 403, 302, 404, 302, 302, 302),
    "groups:project": row(LOGIN, 403, 404, 404, 200, 200, 200),
    "groups:project_csv": row(LOGIN, 403, 404, 404, 200, 200, 200),
    "groups:project_xlsx": row(LOGIN, 403, 404, 404, 200, 200, 200),
    "api-1:group_projects": NOT_POST,
    # --- facility operations (issue 13) ---
    # The member's weekly series; an empty booking form comes back with its errors (400, nothing written),
    # an empty cancellation names no occurrence (404).
    "facility:series_new": row(LOGIN, 405, 405, 405, 405, 405, 405),
    "facility:series_book": row(LOGIN, 403, 400, 400, 400, 400, 400),
    "facility:series": row(LOGIN, 405, 405, 405, 405, 405, 405),
    "facility:series_cancel": row(LOGIN, 404, 404, 404, 404, 404, 404),
    "api-1:preview_series": every(401),
    "api-1:create_series": every(401),
    "api-1:get_series": NOT_POST,
    "api-1:cancel_series": every(401),
    # The member's place on a waitlist: an empty join names no slot (said, 302, nothing written); the member
    # may not take an offer not made (said, 302), and leaves the waitlist (302, audited).
    # an empty waitlist POST: the form again with the refusal beside its field (issue 15), nothing written
    "facility:waitlist_join": row(LOGIN, 403, 200, 200, 200, 200, 200),
    "facility:waitlist_offer": row(LOGIN, 405, 405, 405, 405, 405, 405),
    "facility:waitlist_claim": row(LOGIN, 404, 302, 404, 404, 404, 404),
    "facility:waitlist_leave": row(LOGIN, 404, 302, 404, 404, 404, 404),
    # The kiosk with no action: said, 302; the managers' empty forms come back with their errors (400).
    "facility:kiosk": row(LOGIN, 302, 302, 302, 302, 302, 302),
    "facility:kiosk_qr": row(LOGIN, 405, 405, 405, 405, 405, 405),
    "facility:usage": row(LOGIN, 405, 405, 405, 405, 405, 405),
    "facility:billing_rule": row(LOGIN, 403, 403, 403, 400, 400, 400),
    "facility:usage_correct": row(LOGIN, 403, 403, 403, 400, 400, 400),
    # --- invoices (issue 13, item 7) --- the member's organization's invoice; staff's empty forms come back (400)
    "facility:invoices": row(LOGIN, 405, 405, 405, 405, 405, 405),
    "facility:month_close": row(LOGIN, 403, 403, 403, 403, 400, 400),
    "facility:invoice": row(LOGIN, 405, 405, 405, 405, 405, 405),
    "facility:invoice_pdf": row(LOGIN, 405, 405, 405, 405, 405, 405),
    "facility:credit_note": row(LOGIN, 404, 403, 404, 403, 400, 400),
    "facility:accounting_csv": row(LOGIN, 405, 405, 405, 405, 405, 405),
    "facility:invoicing_settings": row(LOGIN, 403, 403, 403, 403, 400, 400),
    "api-1:list_invoices": NOT_POST,
    "api-1:get_invoice": NOT_POST,
    # --- incidents (issue 13, item 4) --- the sample incident is over: ending it again is said (302, nothing
    # written); the member's empty choice among the offered slots is said too.
    "facility:incidents": row(LOGIN, 405, 405, 405, 405, 405, 405),
    "facility:incident_declare": row(LOGIN, 403, 403, 403, 400, 400, 400),
    "facility:incident_end": row(LOGIN, 403, 403, 403, 302, 302, 302),
    "facility:incident_offer": row(LOGIN, 405, 405, 405, 405, 405, 405),
    "facility:incident_offer_take": row(LOGIN, 404, 302, 404, 404, 404, 404),
    # --- hosting spaces (issue 13, item 8) --- the sample building's platform is no one's of the cast: the
    # team acts; an empty form is refused (400), an empty end date said on the page (302, nothing written),
    # and cancelling needs no field: the sample contract is cancelled, audited.
    **{f"hosting:{n}": row(LOGIN, 405, 405, 405, 405, 405, 405) for n in ("buildings", "building")},
    "hosting:rooms": row(LOGIN, 403, 405, 405, 405, 405, 405),
    **{f"hosting:{n}": row(LOGIN, 403, 403, 403, 403, 400, 400) for n in ("space_new", "contract_new")},
    **{f"hosting:{n}": row(LOGIN, 403, 403, 403, 403, 302, 302) for n in ("contract_end", "contract_cancel")},
    # --- sample forms (issue 13, item 5) --- an empty question is refused with its errors; the member may not
    # record their own samples' arrival (403), the managers do (302)
    **{f"facility:{n}": row(LOGIN, 405, 405, 405, 405, 405, 405)
       for n in ("sample_form", "service_orders_csv", "sample_attachment")},
    "facility:sample_field_save": row(LOGIN, 403, 403, 403, 400, 400, 400),
    "facility:sample_field_remove": row(LOGIN, 403, 403, 403, 302, 302, 302),
    "facility:samples_received": row(LOGIN, 404, 403, 404, 302, 302, 302),
    # --- consumables (issue 13, item 6) --- empty forms: refused with their errors (400), or said (302, nothing
    # taken: "choose a consumable", a restock of no units)
    **{f"facility:{n}": row(LOGIN, 405, 405, 405, 405, 405, 405) for n in ("consumables", "booking_consumables")},
    "facility:consumable_save": row(LOGIN, 403, 403, 403, 400, 400, 400),
    "facility:consumable_restock": row(LOGIN, 403, 403, 403, 302, 302, 302),
    **{f"facility:{n}": row(LOGIN, 404, 302, 404, 302, 302, 302)
       for n in ("order_consumable_add", "booking_consumable_add")},
    # The member's submitted proposal; the manager's review assignment (no conflict declared yet). Empty forms are
    # refused with their errors (400) or a message (302 back, nothing written).
    "calls:list": every(200),
    "calls:detail": every(200),
    "calls:mine": row(LOGIN, 200, 200, 200, 200, 200, 200),
    "calls:proposal": row(LOGIN, 404, 200, 404, 404, 200, 200),
    "calls:document": row(LOGIN, 404, 200, 404, 404, 200, 200),
    "calls:save": row(LOGIN, 404, 400, 404, 404, 400, 400),
    "calls:submit": row(LOGIN, 404, 302, 404, 404, 403, 403),  # the member: "already submitted", said
    "calls:decide": row(LOGIN, 404, 403, 404, 404, 302, 302),
    "calls:declare": row(LOGIN, 404, 404, 404, 302, 404, 404),
    "calls:review": row(LOGIN, 404, 404, 404, 302, 404, 404),
    # An award becomes a programme (issue 16): staff only; the applicant is refused (403), an empty form is (400).
    "calls:programme": row(LOGIN, 404, 403, 404, 404, 400, 400),
    "calls:start": row(LOGIN, 403, 302, 302, 302, 302, 302),
    "calls:manage": row(LOGIN, 403, 403, 403, 403, 200, 200),
    "calls:assign": row(LOGIN, 403, 403, 403, 403, 302, 302),
    "calls:export": row(LOGIN, 403, 403, 403, 403, 200, 200),
    **{f"api-1:calls_{n}": NOT_POST for n in ("list", "call", "proposals", "proposal")},
    # --- single sign-on (issue 12) ---
    "account_login": every(302),
    "account_signup": every(302),
    "account_logout": every(302),
    "account_inactive": every(405),
    "account_reauthenticate": row(LOGIN, 200, 200, 200, 200, 200, 200),
    "socialaccount_login_cancelled": every(405),
    "socialaccount_login_error": every(405),
    "socialaccount_signup": every(302),
    "socialaccount_connections": every(404),  # not offered (issue 12, new-user trial)
    "mfa_index": row(LOGIN, 403, 403, 403, 403, 405, 405),
    "mfa_authenticate": every(302),
    "mfa_reauthenticate": row(LOGIN, 302, 302, 302, 302, 302, 302),
    "mfa_activate_totp": row(LOGIN, 403, 403, 403, 403, 302, 302),
    "mfa_deactivate_totp": row(LOGIN, 404, 404, 404, 404, 404, 404),
    "mfa_view_recovery_codes": row(LOGIN, 403, 403, 403, 403, 405, 405),
    "mfa_generate_recovery_codes": row(LOGIN, 403, 403, 403, 403, 302, 302),
    "mfa_download_recovery_codes": row(LOGIN, 403, 403, 403, 403, 404, 404),
    "saml_acs": every(302),  # an ACS post with no SAML response is sent back to the login error page
    **{n: every(404) for n in ("saml_finish_acs", "saml_sls", "saml_metadata", "saml_login",
                                "openid_connect_login", "openid_connect_callback")},
    "signon_requests": row(LOGIN, 200, 200, 200, 200, 200, 200),
    "signon_decide": row(LOGIN, 404, 404, 404, 404, 404, 404),
    # --- declarations api --- reads refuse POST; submitting needs a token (nothing written without one)
    **{f"api-1:{n}": NOT_POST for n in ("declarations_campaigns", "declarations_campaign",
                                        "declarations_campaign_declarations", "declarations_mine",
                                        "declarations_declaration", "annual_reports", "annual_report")},
    "api-1:declarations_submit": every(401),
    # --- calls: XLSX export (issue 16) --- missing on main (test_every_url_has_a_post_row failed); a read, the team's
    "calls:export_xlsx": row(LOGIN, 403, 403, 403, 403, 200, 200),
    # --- funding rounds to validate, evidence through the API, draft campaigns edited (issue 11) --- the queue
    # only reads; validating or returning a round the sample world does not hold is not found, for the team only;
    # the sample campaign is open, so editing it sends staff back to it, nothing written; the evidence reads
    "startups:rounds_to_validate": row(LOGIN, 403, 403, 403, 403, 200, 200),
    **{f"startups:{n}": row(LOGIN, 403, 403, 403, 403, 404, 404) for n in ("round_validate", "round_return")},
    "declarations:campaign_edit": row(LOGIN, 403, 403, 403, 403, 302, 302),
    **{f"api-1:{n}": NOT_POST for n in ("declarations_evidence", "declarations_evidence_file")},
    # --- headcounts to validate (issue 11) --- as the rounds' queue: a headcount the sample world does not hold
    # is not found, for the team only
    "startups:headcounts_to_validate": row(LOGIN, 403, 403, 403, 403, 200, 200),
    **{f"startups:{n}": row(LOGIN, 403, 403, 403, 403, 404, 404) for n in ("headcount_validate", "headcount_return")},
    # --- a hosted company's spaces (issue 13, item 8) --- a page to read
    "hosting:ours": row(LOGIN, 403, 405, 405, 405, 405, 405),
    # --- consumables in the API (issue 13, item 6) --- a token only: the session's POST is refused, 401
    "api-1:list_consumables": NOT_POST,
    "api-1:add_consumable_use": every(401),
    # --- sample forms and hosting contracts in the API (issue 13, items 5 and 8) --- reads only
    **{f"api-1:{n}": NOT_POST for n in ("get_sample_form", "list_contracts")},
    # --- clinical site and tech-transfer office profiles (issue 11) --- the profiles are pages to read (POST is
    # the page again); an empty edit is the form again for the site (its kind is required), and for the office
    # a save that changes nothing (its fields are all optional)
    **{n: every(200) for n in ("clinical:site", "transfer:offices", "transfer:office_profile")},
    "clinical:site_edit": row(LOGIN, 403, 403, 403, 403, 200, 200),
    "transfer:office_edit": row(LOGIN, 403, 403, 403, 403, 302, 302),
    # --- orders with their sample-form answers in the API (issue 13, item 5) --- ordering takes a token only: the
    # session's POST is refused, 401; one order is read only
    **{f"api-1:{n}": every(401) for n in ("create_order", "list_orders")},
    "api-1:get_order": NOT_POST,
    # --- the site and office profiles in the API (issue 11) --- reads only
    **{f"api-1:{n}": NOT_POST for n in ("clinical_site", "transfer_offices", "transfer_office")},
}


def fingerprint():
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        if label in NOT_DATA:
            continue
        manager = model._base_manager
        count = manager.count()
        rows[label] = list(manager.order_by("pk").values_list()) if count <= SMALL else count
    return rows


@pytest.fixture
def cast(small_directory, anonymous, guest, member, outsider, manager, staff, admin):
    """The conftest cast, in the columns of this matrix, over the small directory."""
    return dict(zip(ROLES, (anonymous, guest, member, outsider, manager, staff, admin), strict=True))


def world(cast, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from guichet.desk.services import request_submit
    from guichet.directory.services import import_batch_create

    from .conftest import load_example

    settings.MEDIA_ROOT = tmp_path
    batch = import_batch_create(actor=cast["staff"], filename="x.json", payload=load_example("valid-small.json"))
    desk = request_submit(actor=cast["member"], text="Confidential need: cell sorting", confidential=True,
                          files=[SimpleUploadedFile("a.txt", b"attached")])
    # Staff's POST to the erasure confirmation erases the member: by primary key, whatever the database's
    # sequences say.
    from .test_permissions import facility_sample  # --- facility operations (issue 13) ---

    return batch, desk, {**bookings_sample(cast), **events_sample(cast), **impact_sample(cast),  # --- impact ---
                         "erase_user": cast["member"].pk, **facility_sample(cast)}


def url_names():
    return sorted(name for name, _p in all_url_names() if name.split(":")[0] not in SKIPPED_NAMESPACES)


@pytest.mark.django_db
@pytest.mark.slow  # a fresh world and a POST to every write URL, per role: 2-3 minutes each under load
@pytest.mark.parametrize("role", ROLES)
def test_post_matrix(client, role, cast, settings, tmp_path):
    batch, desk, extra = world(cast, settings, tmp_path)
    logged_in(client, cast[role])
    got, wrote, urls = {}, {}, {}
    for name in url_names():  # all first: an accepted POST (an erasure) may remove a later sample
        try:
            urls[name] = sample_url(name, batch.pk, desk, extra)
        except NoReverseMatch:
            pytest.fail(f"{name}: no sample arguments in tests/test_permissions.py sample_url(): add them")
    after = None
    for name, url in urls.items():
        cache.clear()  # rate limits count per test; each POST here is a first attempt
        # The state after the previous POST is the state before this one (nothing ran between them but the
        # cache's clearing); only a new login writes (the user's last login), and then it is read again.
        before, events = after if after is not None else fingerprint(), AuditEvent.objects.count()
        response = client.post(url, {})
        got[name] = response.status_code
        refused = response.status_code in REFUSALS or (
            response.status_code == 302 and "/accounts/login/" in response.get("Location", ""))
        after = fingerprint()
        changed = sorted(k for k in after if after[k] != before[k] and k not in LOGS)
        audited = AuditEvent.objects.count() != events
        if refused and (changed or audited):
            wrote[name] = f"refused ({response.status_code}) but wrote {changed or ['core.auditevent']}"
        elif changed and not audited:
            wrote[name] = f"wrote {changed} without an audit event"
        if cast[role].is_authenticated and "_auth_user_id" not in client.session:
            logged_in(client, cast[role])  # a logout (or erasure) ended the session: the next URL needs it
            after = None
    assert wrote == {}, f"{role}: {wrote}"
    expected = {name: POST_MATRIX.get(name, {}).get(role, "missing") for name in got}
    mismatched = {name: (expected[name], got[name]) for name in got if expected[name] != got[name]}
    assert mismatched == {}, f"{role}: (expected, got) per URL: {mismatched}"


def test_every_url_has_a_post_row():
    missing = [name for name in url_names() if name not in POST_MATRIX]
    assert missing == [], f"URLs without a row in POST_MATRIX (tests/test_permissions_post.py): {missing}"
    wrong = [name for name, statuses in POST_MATRIX.items() if set(statuses) != set(ROLES)]
    assert wrong == [], f"rows without every role: {wrong}"
