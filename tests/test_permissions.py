"""The permission matrix: role × URL → status, for every URL the resolver knows.

A new view that is not listed here fails `test_every_url_is_in_the_matrix`, so none escapes review.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from guichet.directory.models import ImportBatch

ROLES = ["anonymous", "guest", "member", "manager", "staff", "admin"]
LOGIN = 302  # redirected to the login page
OPEN = {r: 200 for r in ROLES}
MEMBERS = {"anonymous": LOGIN, **{r: 200 for r in ROLES[1:]}}
STAFF = {"anonymous": LOGIN, "guest": 403, "member": 403, "manager": 403, "staff": 200, "admin": 200}

MATRIX = {
    "home": OPEN,
    "directory:list": OPEN,
    "directory:organization": OPEN,
    "directory:person": OPEN,
    "directory:import": STAFF,
    "directory:import_preview": STAFF,
    "directory:import_confirm": {r: 405 for r in ROLES},  # POST only; see test_only_staff_confirm_imports
    "directory:import_progress": STAFF,
    "directory:export_json": STAFF,
    "directory:export_xlsx": STAFF,
    "platforms:list": OPEN,
    "platforms:detail": OPEN,
    "accounts:login": {"anonymous": 200, **{r: 302 for r in ROLES[1:]}},
    "accounts:logout": OPEN,  # a GET asks to confirm (issue 12, new-user trial); signing out is a POST
    "accounts:profile": MEMBERS,
    "accounts:password_change": MEMBERS,
    "accounts:password_change_done": MEMBERS,
    "accounts:password_reset": OPEN,
    "accounts:password_reset_done": OPEN,
    "accounts:password_reset_confirm": OPEN,  # the sample link is not a valid one: the page says so
    "accounts:password_reset_complete": OPEN,
    "accounts:token_revoke": {"anonymous": LOGIN, **{r: 405 for r in ROLES[1:]}},
    "accounts:token_rotate": {"anonymous": LOGIN, **{r: 405 for r in ROLES[1:]}},
    "audit": STAFF,
    "accessibility": OPEN,
    "outbox": STAFF,
    "outbox_resend": {r: 405 for r in ROLES},  # POST only; tests/test_outbox.py checks who may resend
    "set_language": {r: 302 for r in ROLES},
    "admin:index": {"anonymous": LOGIN, "member": LOGIN, "manager": LOGIN, "staff": 200, "admin": 200},
    "api-1:api-root": {r: 404 for r in ROLES},
    "api-1:openapi-json": OPEN,
    "api-1:openapi-view": OPEN,
    "api-1:directory_search": OPEN,
    "api-1:directory_record": OPEN,
    "api-1:organization": OPEN,
    "api-1:person": OPEN,
    "api-1:platform": OPEN,
    "api-1:match": OPEN,
    # The desk; the sample is a confidential request by the member, not routed yet.
    "desk:new": OPEN,
    "desk:suggest": OPEN,
    "desk:list": MEMBERS,
    "desk:detail": {"anonymous": LOGIN, "member": 200, "manager": 404, "staff": 200, "admin": 200},
    "desk:attachment": {"anonymous": 404, "member": 200, "manager": 404, "staff": 200, "admin": 200},
    # The sample is confidential: the member's own link leads to the login page, or to the request once logged
    # in; in the session of someone who may not see it, it is refused.
    "desk:follow": {"anonymous": LOGIN, "member": 302, "manager": 403, "staff": 302, "admin": 302},
    "desk:confirm": {r: 400 for r in ROLES},  # the sample token is not a signed one
    "desk:reach": {"anonymous": LOGIN, "member": 403, "manager": 404, "staff": 200, "admin": 200},
    "desk:provider": {r: 404 for r in ROLES},  # the sample link is not a signed one
    "desk:export": STAFF,
    **{f"desk:{name}": {"anonymous": LOGIN, **{r: 405 for r in ROLES[1:]}}
       for name in ("triage", "route", "respond", "message", "close")},
    "api-1:list_requests": OPEN,
    "api-1:create_request": OPEN,  # same path as the list: a GET lists
    "api-1:get_request": {"anonymous": 404, "member": 200, "manager": 404, "staff": 200, "admin": 200},
    "api-1:post_message": {r: 405 for r in ROLES},
    # Platforms and bookings; the manager manages the sample platform, the member booked and ordered there.
    "bookings:mine": MEMBERS,
    "bookings:approvals": {"anonymous": LOGIN, "member": 403, "manager": 200, "staff": 200, "admin": 200},
    "bookings:calendar": OPEN,
    "bookings:manage": {"anonymous": LOGIN, "member": 403, "manager": 200, "staff": 200, "admin": 200},
    # The manage page's forms post to their own views (POST only; who may post: tests/test_manager_tools.py).
    **{f"bookings:{name}": {"anonymous": LOGIN, **{r: 405 for r in ROLES[1:]}}
       for name in ("manage_rules", "training_grant", "training_revoke", "maintenance_declare",
                    "maintenance_cancel")},
    **{f"bookings:{name}": {"anonymous": LOGIN, **{r: 405 for r in ROLES[1:]}}
       for name in ("book", "cancel", "decide", "feed_create", "feed_revoke")},
    "bookings:feed": OPEN,
    "bookings:orders": MEMBERS,
    "bookings:order_new": MEMBERS,
    "bookings:order": {"anonymous": LOGIN, "member": 200, "manager": 200, "staff": 200, "admin": 200},
    "bookings:order_attachment": {"anonymous": LOGIN, "member": 200, "manager": 200, "staff": 200, "admin": 200},
    **{f"bookings:{name}": {"anonymous": LOGIN, "member": 200, "manager": 403, "staff": 200, "admin": 200}
       for name in ("statement", "statement_csv", "statement_xlsx")},
    "bookings:usage": {"anonymous": LOGIN, "member": 403, "manager": 200, "staff": 200, "admin": 200},
    "api-1:catalogue": OPEN,
    "api-1:availability": OPEN,
    "api-1:my_bookings": {"anonymous": 401, **{r: 200 for r in ROLES[1:]}},
    "api-1:create_booking": {"anonymous": 401, **{r: 200 for r in ROLES[1:]}},  # same path: a GET lists
    "api-1:cancel_booking": {r: 405 for r in ROLES},
    # Impact, programmes, start-ups, partnerships
    "impact:dashboard": STAFF,
    "impact:public": OPEN,
    "impact:export_csv": STAFF,
    "impact:export_xlsx": STAFF,
    "impact:export_pdf": {**STAFF, "staff": 302, "admin": 302},  # moved to impact:report_new (issue 9)
    "programmes:showcase": OPEN,
    "programmes:list": OPEN,
    "programmes:detail": {"anonymous": 404, "member": 404, "manager": 404, "staff": 200, "admin": 200},  # private
    # Members-only pages: a guest is not a member of the network (accounts.permissions.is_member).
    "startups:list": {**MEMBERS, "guest": 403},
    "startups:detail": {"anonymous": LOGIN, "member": 403, "manager": 403, "staff": 200, "admin": 200},
    "partnerships:board": {**MEMBERS, "guest": 403},
    "partnerships:detail": {"anonymous": LOGIN, "member": 404, "manager": 404, "staff": 200, "admin": 200},
    "partnerships:document": {"anonymous": LOGIN, "member": 404, "manager": 404, "staff": 200, "admin": 200},
    "api-1:programmes": OPEN,
    "api-1:public": OPEN,
    "api-1:partnerships": {"anonymous": 401, **{r: 200 for r in ROLES[1:]}},  # members only (issue 10 item 6)
    "api-1:startups": {"anonymous": 401, **{r: 200 for r in ROLES[1:]}},
    "api-1:assess": {r: 405 for r in ROLES},  # POST only
    "antibodies:workspace": MEMBERS,
    # The member's own assessment: no one else sees it, staff included.
    **{f"antibodies:{n}": {"anonymous": LOGIN, "member": 200, "manager": 404, "staff": 404, "admin": 404}
       for n in ("detail", "progress", "export_json", "export_csv", "export_pdf")},
    # Operations: the health report is public (it names services, never data); the test client connects
    # from 127.0.0.1, the one address /metrics answers by default (see tests/test_operations.py).
    "health": OPEN,
    "metrics": OPEN,
    "privacy:page": OPEN,
    "privacy:export": {"anonymous": LOGIN, **{r: 405 for r in ROLES[1:]}},  # POST only; see tests/test_privacy.py
    "privacy:erase": STAFF,
    "privacy:erase_confirm": {"anonymous": LOGIN, **{r: 405 for r in ROLES[1:]}},
    # --- outbox message --- (development only: GUICHET_OUTBOX_BODIES, on with GUICHET_DEBUG as in the tests)
    "outbox_message": STAFF,
    # --- events ---
    # A ticket's and a confirmation's token is their secret: whoever holds the e-mailed link opens them.
    "events:agenda": OPEN,
    "events:mine": MEMBERS,
    "events:register": {r: 405 for r in ROLES},
    "events:door": STAFF,
    "events:ticket": OPEN,
    "events:confirm": OPEN,
    "events:ticket_ics": OPEN,
    "events:ticket_cancel": {r: 405 for r in ROLES},
    "events:checkin": STAFF,
    "events:detail": OPEN,
    "events:ics": OPEN,
    "events:attendees": STAFF,
    "events:attendees_csv": STAFF,
    "events:attendees_xlsx": STAFF,
    "api-1:events": OPEN,
    "api-1:event": OPEN,
    "api-1:my_registrations": {"anonymous": 401, **{r: 200 for r in ROLES[1:]}},
    "api-1:register": {r: 405 for r in ROLES},  # POST only
    "events:trainings": OPEN,
    "events:attendance": STAFF,  # and the session's trainers
    "events:certificate": {r: 404 for r in ROLES},  # the sample's holder did not attend a training
    # The Partnering Day: the member and the manager take part (the manager was asked by the member).
    "partnering:day": OPEN,
    **{f"partnering:{n}": {"anonymous": LOGIN, **{r: 405 for r in ROLES[1:]}}
       for n in ("join", "unavailable", "ask", "answer", "outcome")},
    "partnering:ics": {"anonymous": LOGIN, "guest": 404, "member": 200, "manager": 200, "staff": 404, "admin": 404},
    "partnering:schedule": STAFF,
    # --- antibodies: humanization (issue 14) ---
    # Proposals for one domain of the owner's assessment: the sample assessment has none (no result), so even
    # its owner finds nothing there (tests/test_antibody_inputs.py opens them on a real domain).
    "antibodies:humanize": {"anonymous": LOGIN, "member": 404, "manager": 404, "staff": 404, "admin": 404},
    "antibodies:humanize_fasta": {"anonymous": LOGIN, "member": 404, "manager": 404, "staff": 404, "admin": 404},
    "antibodies:export_numbering": {"anonymous": LOGIN, "member": 200, "manager": 404, "staff": 404, "admin": 404,
                                    "guest": 404},
    # --- antibodies: large batches (issue 14) ---
    # The sample assessment holds no antibody: its first one is not found, even by its owner
    # (tests/test_antibody_batches.py opens real ones, and checks another member's 404).
    "antibodies:antibody": {"anonymous": LOGIN, "member": 404, "manager": 404, "staff": 404, "admin": 404},
    "antibodies:antibody_pdf": {"anonymous": LOGIN, "member": 404, "manager": 404, "staff": 404, "admin": 404},
    "api-1:antibody_batches": {r: 405 for r in ROLES},  # POST only
    "api-1:antibody_batch": {"anonymous": 401, "guest": 404, "member": 200, "manager": 404, "staff": 404,
                             "admin": 404},
    "api-1:antibody_batch_results": {"anonymous": 401, "guest": 404, "member": 200, "manager": 404, "staff": 404,
                                     "admin": 404},
    # --- clinical transfer, technology transfer ---
    # The sample feasibility request is the member's, confidential, not routed yet.
    "clinical:sites": OPEN,
    "clinical:feasibility_new": {"anonymous": LOGIN, "guest": 403, **{r: 200 for r in ROLES[2:]}},
    "clinical:feasibility": {"anonymous": LOGIN, "guest": 404, "member": 200, "manager": 404, "staff": 200,
                             "admin": 200},
    **{f"clinical:{n}": {"anonymous": LOGIN, **{r: 405 for r in ROLES[1:]}}
       for n in ("feasibility_route", "feasibility_answer", "feasibility_close", "inclusions")},
    "clinical:trials": {"anonymous": LOGIN, "guest": 403, **{r: 200 for r in ROLES[2:]}},
    "clinical:trial": {"anonymous": LOGIN, "guest": 403, **{r: 200 for r in ROLES[2:]}},
    "api-1:clinical_sites": OPEN,
    "api-1:clinical_feasibility": {"anonymous": 401, "guest": 404, "member": 200, "manager": 404, "staff": 200,
                                   "admin": 200},
    "api-1:clinical_trials": {"anonymous": 401, **{r: 200 for r in ROLES[1:]}},
    # The member's invention disclosure: its inventor sees it, and its office's staff (nobody here); the cluster
    # team and administrators do not.
    "transfer:offers": OPEN,
    "transfer:offer": OPEN,
    "transfer:offer_ask": {"anonymous": LOGIN, **{r: 405 for r in ROLES[1:]}},
    "transfer:disclosures": MEMBERS,
    "transfer:disclosure_new": {"anonymous": LOGIN, "guest": 403, **{r: 200 for r in ROLES[2:]}},
    "transfer:disclosures_csv": MEMBERS,
    "transfer:disclosure": {"anonymous": LOGIN, "guest": 404, "member": 200, "manager": 404, "staff": 404,
                            "admin": 404},
    "transfer:disclosure_status": {"anonymous": LOGIN, **{r: 405 for r in ROLES[1:]}},
    "transfer:office": {"anonymous": LOGIN, **{r: 403 for r in ROLES[1:]}},
    "api-1:transfer_offers": OPEN,
    "api-1:transfer_disclosures": {"anonymous": 401, **{r: 200 for r in ROLES[1:]}},
    "api-1:transfer_disclosure": {"anonymous": 401, "guest": 404, "member": 200, "manager": 404, "staff": 404,
                                  "admin": 404},
    "api-1:my_meetings": {"anonymous": 401, "guest": 404, "member": 200, "manager": 200, "staff": 404, "admin": 404},
    "api-1:answer": {r: 405 for r in ROLES},  # POST only
    # --- operations: the worker's status (issue 9) --- public like /health/ (jobs run in-process here)
    "health_worker": OPEN,
    # --- impact: the PDF report as a job (issue 9) --- the sample is a drawn report asked for by staff
    **{f"impact:{n}": STAFF for n in ("report_new", "report", "report_progress", "report_file")},
    # --- declaration campaigns, annual report ---
    # The sample campaign is open; the member answers for lab-tcell (its declaration is the sample), the
    # manager's and the guest's organizations are not asked. The annual report is not generated yet.
    "declarations:mine": {"anonymous": LOGIN, "guest": 403, **{r: 200 for r in ROLES[2:]}},
    "declarations:campaigns": STAFF,
    "declarations:campaign": STAFF,
    **{f"declarations:{n}": {"anonymous": LOGIN, **{r: 405 for r in ROLES[1:]}}
       for n in ("campaign_open", "campaign_remind", "campaign_close", "validate", "return")},
    "declarations:declaration": {"anonymous": LOGIN, "guest": 404, "member": 200, "manager": 404, "staff": 200,
                                 "admin": 200},
    "declarations:evidence": {"anonymous": LOGIN, "guest": 404, "member": 200, "manager": 404, "staff": 200,
                              "admin": 200},
    "impact:annual_reports": STAFF,
    "impact:annual_report": STAFF,
    "impact:annual_report_pdf": {**STAFF, "staff": 404, "admin": 404},
    "impact:annual_report_docx": {**STAFF, "staff": 404, "admin": 404},
    # --- calls, talent ---
    # The member's open posting for lab-tcell; its one application (a CV) is by another member. Staff post for an
    # organization they belong to (none here): the admin is their door.
    "talent:list": OPEN,
    "talent:new": {"anonymous": LOGIN, "guest": 403, "member": 200, "manager": 403, "staff": 403, "admin": 403},
    "talent:mine": MEMBERS,
    "talent:detail": OPEN,
    **{f"talent:{n}": {r: 405 for r in ROLES} for n in ("apply", "close", "decline", "confirm", "withdraw")},
    **{f"talent:{n}": {"anonymous": LOGIN, "guest": 403, "member": 200, "manager": 403, "staff": 200, "admin": 200}
       for n in ("edit", "applications")},
    "talent:cv": {"anonymous": LOGIN, "guest": 404, "member": 200, "manager": 404, "staff": 200, "admin": 200},
    "talent:application": OPEN,  # the applicant's e-mailed link: its token is the secret
    "api-1:talent_postings": OPEN,
    "api-1:talent_posting": OPEN,
    # --- groups (issue 12) ---
    # The sample lab of lab-tcell: the manager is its head, the member a member who may charge its project.
    "groups:list": {"anonymous": LOGIN, "guest": 403, **{r: 200 for r in ROLES[2:]}},
    "groups:detail": {"anonymous": LOGIN, "guest": 403, **{r: 200 for r in ROLES[2:]}},
    **{f"groups:{n}": {"anonymous": LOGIN, "guest": 403, **{r: 405 for r in ROLES[2:]}}
       for n in ("join", "decide", "member_update")},
    # What a project spent and holds: its group's heads and staff; a member of the group does not see it.
    **{f"groups:{n}": {"anonymous": LOGIN, "guest": 403, "member": 404, "manager": 200, "staff": 200, "admin": 200}
       for n in ("project", "project_csv", "project_xlsx")},
    "api-1:group_projects": {"anonymous": 401, **{r: 200 for r in ROLES[1:]}},
    # --- facility operations (issue 13) ---
    # The member's weekly series on the sample instrument; the manager manages its platform.
    "facility:series_new": {"anonymous": LOGIN, "guest": 403, **{r: 200 for r in ROLES[2:]}},
    "facility:series_book": {"anonymous": LOGIN, **{r: 405 for r in ROLES[1:]}},
    "facility:series": {"anonymous": LOGIN, "guest": 404, **{r: 200 for r in ROLES[2:]}},
    "facility:series_cancel": {"anonymous": LOGIN, **{r: 405 for r in ROLES[1:]}},
    **{f"api-1:{n}": {r: 405 for r in ROLES} for n in ("preview_series", "create_series", "cancel_series")},
    "api-1:get_series": {"anonymous": 401, "guest": 404, **{r: 200 for r in ROLES[2:]}},
    # The member's place on a waitlist: theirs only.
    "facility:waitlist_offer": {"anonymous": LOGIN, "guest": 404, "member": 200, "manager": 404, "staff": 404,
                                "admin": 404},
    **{f"facility:{n}": {"anonymous": LOGIN, **{r: 405 for r in ROLES[1:]}}
       for n in ("waitlist_join", "waitlist_claim", "waitlist_leave")},
    # Actual use: the kiosk page is anyone's with an account (it shows their own booking there, if any); the
    # QR code and the usage page are the instrument's managers'.
    "facility:kiosk": {"anonymous": LOGIN, **{r: 200 for r in ROLES[1:]}},
    **{f"facility:{n}": {"anonymous": LOGIN, "guest": 403, "member": 403, "manager": 200, "staff": 200,
                         "admin": 200} for n in ("kiosk_qr", "usage")},
    **{f"facility:{n}": {"anonymous": LOGIN, **{r: 405 for r in ROLES[1:]}} for n in ("billing_rule", "usage_correct")},
    # --- invoices (issue 13, item 7) --- an invoice to the member's organization for the manager's platform
    "facility:invoices": {"anonymous": LOGIN, "guest": 403, **{r: 200 for r in ROLES[2:]}},
    **{f"facility:{n}": {"anonymous": LOGIN, "guest": 404, **{r: 200 for r in ROLES[2:]}}
       for n in ("invoice", "invoice_pdf")},
    **{f"facility:{n}": {"anonymous": LOGIN, **{r: 405 for r in ROLES[1:]}} for n in ("month_close", "credit_note")},
    **{f"facility:{n}": STAFF for n in ("accounting_csv", "invoicing_settings")},
    "api-1:list_invoices": {"anonymous": 401, **{r: 200 for r in ROLES[1:]}},
    "api-1:get_invoice": {"anonymous": 401, "guest": 404, **{r: 200 for r in ROLES[2:]}},
    # --- incidents (issue 13, item 4) --- the log is the managers'; the offer is the member's whose booking it hit
    "facility:incidents": {"anonymous": LOGIN, "guest": 403, "member": 403, "manager": 200, "staff": 200,
                           "admin": 200},
    "facility:incident_offer": {"anonymous": LOGIN, "guest": 404, "member": 200, "manager": 404, "staff": 404,
                                "admin": 404},
    **{f"facility:{n}": {"anonymous": LOGIN, **{r: 405 for r in ROLES[1:]}}
       for n in ("incident_declare", "incident_end", "incident_offer_take")},
    # --- sample forms (issue 13, item 5) --- the sorting service's form is its managers'; the file answered with
    # the member's order is seen by those who see the order
    **{f"facility:{n}": {"anonymous": LOGIN, "guest": 403, "member": 403, "manager": 200, "staff": 200,
                         "admin": 200} for n in ("sample_form", "service_orders_csv")},
    **{f"facility:{n}": {"anonymous": LOGIN, **{r: 405 for r in ROLES[1:]}}
       for n in ("sample_field_save", "sample_field_remove", "samples_received")},
    "facility:sample_attachment": {"anonymous": LOGIN, "guest": 404, **{r: 200 for r in ROLES[2:]}},
    # --- consumables (issue 13, item 6) --- the platform's items are its managers'; the member's booking's page
    # is theirs and the managers'
    "facility:consumables": {"anonymous": LOGIN, "guest": 403, "member": 403, "manager": 200, "staff": 200,
                             "admin": 200},
    "facility:booking_consumables": {"anonymous": LOGIN, "guest": 404, **{r: 200 for r in ROLES[2:]}},
    **{f"facility:{n}": {"anonymous": LOGIN, **{r: 405 for r in ROLES[1:]}}
       for n in ("consumable_save", "consumable_restock", "order_consumable_add", "booking_consumable_add")},
    # The member's proposal, submitted, to the open call; the manager is assigned to review it and has not yet
    # declared their conflicts of interest (so sees nothing of it).
    "calls:list": OPEN,
    "calls:detail": OPEN,
    "calls:mine": MEMBERS,
    **{f"calls:{n}": {"anonymous": LOGIN, "guest": 404, "member": 200, "manager": 404, "staff": 200, "admin": 200}
       for n in ("proposal", "document")},
    **{f"calls:{n}": {r: 405 for r in ROLES} for n in ("save", "submit", "decide", "declare", "review", "start",
                                                        "assign")},
    **{f"calls:{n}": STAFF for n in ("manage", "export")},
    "api-1:calls_list": OPEN,
    "api-1:calls_call": OPEN,
    "api-1:calls_proposals": {"anonymous": 401, **{r: 200 for r in ROLES[1:]}},
    "api-1:calls_proposal": {"anonymous": 401, "guest": 404, "member": 200, "manager": 404, "staff": 200,
                             "admin": 200},
    # --- calls: XLSX export (issue 16) ---
    "calls:export_xlsx": STAFF,
    # --- calls: an award becomes a programme (issue 16) --- POST only
    "calls:programme": {r: 405 for r in ROLES},
    # --- single sign-on (issue 12) ---
    # allauth's names for the pages it links to, answered by ours: to the login page, the logout (a GET asks).
    "account_login": {r: 302 for r in ROLES},
    "account_signup": {r: 302 for r in ROLES},
    "account_logout": OPEN,
    "account_inactive": OPEN,
    "account_reauthenticate": {"anonymous": LOGIN, **{r: 200 for r in ROLES[1:]}},
    "socialaccount_login_cancelled": OPEN,
    "socialaccount_login_error": {r: 401 for r in ROLES},  # allauth's page says the sign-in failed
    "socialaccount_signup": {r: 302 for r in ROLES},  # no sign-up waiting in the session: to the login page
    "socialaccount_connections": {r: 404 for r in ROLES},  # accounts link by a verified address, never by hand
    # A second factor: the cluster team sets one up (others 403); signing in with one needs a login under way.
    "mfa_index": STAFF,
    "mfa_authenticate": {r: 302 for r in ROLES},
    "mfa_reauthenticate": {"anonymous": LOGIN, **{r: 302 for r in ROLES[1:]}},
    # Setting one up asks for the password again first (302); no code to show or remove yet (404).
    **{n: {**STAFF, "staff": 302, "admin": 302} for n in ("mfa_activate_totp", "mfa_generate_recovery_codes")},
    **{n: {**STAFF, "staff": 404, "admin": 404} for n in ("mfa_view_recovery_codes", "mfa_download_recovery_codes")},
    "mfa_deactivate_totp": {"anonymous": LOGIN, **{r: 404 for r in ROLES[1:]}},
    # The providers' round trips; the sample names no configured provider (the ACS sends a GET away).
    "saml_acs": {r: 302 for r in ROLES},
    **{n: {r: 404 for r in ROLES} for n in ("saml_finish_acs", "saml_sls", "saml_metadata",
                                              "saml_login", "openid_connect_login", "openid_connect_callback")},
    "signon_requests": MEMBERS,
    "signon_decide": {"anonymous": LOGIN, **{r: 405 for r in ROLES[1:]}},
    # --- declarations api ---
    # As the pages: the campaigns, a campaign's declarations and the annual reports are the team's; the sample
    # declaration is lab-tcell's (the member's), not found for anyone else outside the team; submitting is a POST.
    **{f"api-1:{n}": {"anonymous": 401, "guest": 403, "member": 403, "manager": 403, "staff": 200, "admin": 200}
       for n in ("declarations_campaigns", "declarations_campaign", "declarations_campaign_declarations",
                 "annual_reports", "annual_report")},
    "api-1:declarations_mine": {"anonymous": 401, **{r: 200 for r in ROLES[1:]}},
    "api-1:declarations_declaration": {"anonymous": 401, "guest": 404, "member": 200, "manager": 404, "staff": 200,
                                       "admin": 200},
    "api-1:declarations_submit": {r: 405 for r in ROLES},  # POST only
    # --- funding rounds to validate, evidence through the API, draft campaigns edited (issue 11) ---
    # The team's queue of founders' rounds; validating and returning are POSTs. The sample campaign is open:
    # its edit page sends staff back to it (only a draft is edited). The sample evidence is lab-tcell's.
    "startups:rounds_to_validate": STAFF,
    **{f"startups:{n}": {"anonymous": LOGIN, **{r: 405 for r in ROLES[1:]}} for n in ("round_validate", "round_return")},
    "declarations:campaign_edit": {**STAFF, "staff": 302, "admin": 302},
    **{f"api-1:{n}": {"anonymous": 401, "guest": 404, "member": 200, "manager": 404, "staff": 200, "admin": 200}
       for n in ("declarations_evidence", "declarations_evidence_file")},
    # --- hosting spaces (issue 13, item 8) --- the sample building is run by a platform nobody of the cast
    # manages: the team sees it; members book its rooms on the bookings calendar.
    **{f"hosting:{n}": STAFF for n in ("buildings", "building")},
    "hosting:rooms": {**MEMBERS, "guest": 403},
    **{f"hosting:{n}": {"anonymous": LOGIN, **{r: 405 for r in ROLES[1:]}}
       for n in ("space_new", "contract_new", "contract_end", "contract_cancel")},
    # --- headcounts to validate (issue 11) --- the team's queue, as the rounds'; validating and returning are POSTs
    "startups:headcounts_to_validate": STAFF,
    **{f"startups:{n}": {"anonymous": LOGIN, **{r: 405 for r in ROLES[1:]}}
       for n in ("headcount_validate", "headcount_return")},
    # --- a hosted company's spaces (issue 13, item 8) --- its members' own page, a guest has no organization
    "hosting:ours": {**MEMBERS, "guest": 403},
    # --- consumables in the API (issue 13, item 6) --- the list reads what the caller may add; uses are POSTs
    "api-1:list_consumables": {"anonymous": 401, **{r: 200 for r in ROLES[1:]}},
    "api-1:add_consumable_use": {r: 405 for r in ROLES},
    # --- sample forms and hosting contracts in the API (issue 13, items 5 and 8) --- whoever may order reads a
    # form; a guest may not order, nor has hosted spaces
    **{f"api-1:{n}": {"anonymous": 401, "guest": 403, **{r: 200 for r in ROLES[2:]}}
       for n in ("get_sample_form", "list_contracts")},
    # --- clinical site and tech-transfer office profiles (issue 11) --- public pages; the sample site's and office's
    # organizations have no account in this world, so only the cluster team edits them
    **{n: OPEN for n in ("clinical:site", "transfer:offices", "transfer:office_profile")},
    **{n: STAFF for n in ("clinical:site_edit", "transfer:office_edit")},
    # --- orders with their sample-form answers in the API (issue 13, item 5) --- one's own orders: the list (the
    # POST's path too) to any signed-in caller, the member's sample order to the member only (not its manager)
    **{f"api-1:{n}": {"anonymous": 401, **{r: 200 for r in ROLES[1:]}} for n in ("create_order", "list_orders")},
    "api-1:get_order": {"anonymous": 401, "guest": 404, "member": 200, "manager": 404, "staff": 404, "admin": 404},
    # --- the site and office profiles in the API (issue 11) --- public, as their pages (members see more fields)
    **{f"api-1:{n}": OPEN for n in ("clinical_site", "transfer_offices", "transfer_office")},
}
# A guest (a visitor who confirmed their e-mail) is logged in like a member, without a member's rights;
# where the row above does not say, the guest gets what the member gets, except at these URLs.
# The samples are the member's own records: to the guest they are someone else's (not found), and a
# guest has no organization whose statements it could read.
GUEST = {
    **{name: 404 for name in ("desk:detail", "desk:attachment", "api-1:get_request", "bookings:order",
                              "bookings:order_attachment", "antibodies:detail", "antibodies:export_json",
                              "antibodies:export_csv", "antibodies:export_pdf", "antibodies:progress")},
    "desk:follow": 403,
    "desk:reach": 404,
    **{f"bookings:{name}": 403 for name in ("statement", "statement_csv", "statement_xlsx")},
}
for _name, _statuses in MATRIX.items():
    _statuses.setdefault("guest", GUEST.get(_name, _statuses.get("member")))
SKIPPED_NAMESPACES = {"admin"}  # Django's own admin views; only its index is in the matrix


def all_url_names(patterns=None, namespace=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from all_url_names(pattern.url_patterns, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", pattern


def test_every_url_is_in_the_matrix():
    names = {name for name, _p in all_url_names() if name.split(":")[0] not in SKIPPED_NAMESPACES}
    assert sorted(names - set(MATRIX)) == []


def _first_outbox_pk() -> int:
    # The world's desk request wrote e-mails to the outbox; their ids differ between databases (sequences).
    from guichet.core.models import OutboxMessage

    return OutboxMessage.objects.order_by("pk").values_list("pk", flat=True).first() or 1


def sample_url(name, batch_pk, desk=None, extra=None):
    from django.urls import reverse

    from guichet.desk.links import follow_token

    extra = extra or {}
    args = {
        "programmes:detail": ["PRIV-1"], "startups:detail": ["acme-bio"],
        **{f"antibodies:{n}": [extra.get("assessment", 1)]
           for n in ("detail", "progress", "export_json", "export_csv", "export_pdf")},
        "directory:import_progress": [batch_pk], "outbox_resend": [_first_outbox_pk()],
        "partnerships:detail": [extra.get("partnership", 1)],
        "partnerships:document": [extra.get("partnership", 1), extra.get("document", 1)],
        **{f"bookings:{n}": ["cyto.aria"] for n in ("calendar", "book", "manage", "manage_rules", "training_grant",
                                                     "maintenance_declare")},
        "bookings:training_revoke": ["cyto.aria", 1], "bookings:maintenance_cancel": ["cyto.aria", 1],
        "bookings:cancel": [extra.get("booking", 1)], "bookings:decide": [extra.get("booking", 1)],
        "bookings:feed_revoke": [extra.get("feed_pk", 1)], "bookings:feed": [extra.get("feed", "x")],
        "bookings:order_new": ["cyto.sort"], "bookings:order": [extra.get("order", 1)],
        "bookings:order_attachment": [extra.get("order", 1)],
        "bookings:usage": ["cyto"], "api-1:availability": ["cyto.aria"],
        "api-1:cancel_booking": [extra.get("booking", 1)], "privacy:erase_confirm": [extra.get("erase_user", 1)],
        "desk:detail": [desk.pk], "desk:attachment": [desk.pk, desk.attachments.get().pk],
        "desk:follow": [follow_token(desk, desk.requester)], "desk:confirm": ["not-signed"],
        "desk:reach": [desk.pk], "desk:provider": [1, "not-signed"],
        **{f"desk:{n}": [desk.pk] for n in ("triage", "route", "message", "close")},
        "desk:respond": [desk.pk, 1], "api-1:get_request": [desk.pk], "api-1:post_message": [desk.pk],
        "directory:organization": ["lab-tcell"], "directory:person": ["p-martin"], "platforms:detail": ["cyto"],
        "directory:import_preview": [batch_pk], "directory:import_confirm": [batch_pk],
        "accounts:token_revoke": [1], "accounts:token_rotate": [1], "accounts:password_reset_confirm": ["MQ", "not-a-token"], "api-1:directory_record": ["cyto"], "api-1:organization": ["lab-tcell"],
        "api-1:person": ["p-martin"], "api-1:platform": ["cyto"],
        # --- outbox message ---
        "outbox_message": [_first_outbox_pk()],
        # --- events ---
        **{f"events:{n}": [extra.get("ticket", "x")] for n in ("ticket", "ticket_ics", "ticket_cancel", "checkin",
                                                               "certificate")},
        "events:confirm": [extra.get("pending", "x")],
        **{f"events:{n}": ["conf"] for n in ("detail", "ics", "attendees", "attendees_csv", "attendees_xlsx")},
        **{n: [extra.get("session", 1)] for n in ("events:register", "events:door", "api-1:register",
                                                    "events:attendance")},
        "api-1:event": ["conf"],
        **{f"partnering:{n}": ["pday"] for n in ("day", "join", "unavailable", "ics", "schedule")},
        "partnering:ask": ["pday", extra.get("asked", 1)], "partnering:answer": ["pday", extra.get("request", 1)],
        "partnering:outcome": ["pday", extra.get("meeting", 1)],
        # --- antibodies: humanization (issue 14) ---
        "antibodies:humanize": [extra.get("assessment", 1)], "antibodies:humanize_fasta": [extra.get("assessment", 1)],
        "antibodies:export_numbering": [extra.get("assessment", 1)],
        # --- antibodies: large batches (issue 14) ---
        "antibodies:antibody": [extra.get("assessment", 1), 1], "antibodies:antibody_pdf": [extra.get("assessment", 1), 1],
        "api-1:antibody_batch": [extra.get("assessment", 1)], "api-1:antibody_batch_results": [extra.get("assessment", 1)],
        # --- clinical transfer, technology transfer ---
        **{f"clinical:{n}": [extra.get("feasibility", 1)] for n in ("feasibility", "feasibility_route",
                                                                      "feasibility_close")},
        "clinical:feasibility_answer": [extra.get("feasibility", 1), 1],
        "api-1:clinical_feasibility": [extra.get("feasibility", 1)],
        "clinical:trial": [extra.get("trial", 1)], "clinical:inclusions": [extra.get("trial_site", 1)],
        **{f"transfer:{n}": [extra.get("offer", 1)] for n in ("offer", "offer_ask")},
        **{f"transfer:{n}": [extra.get("disclosure", 1)] for n in ("disclosure", "disclosure_status")},
        "api-1:transfer_disclosure": [extra.get("disclosure", 1)],
        "api-1:my_meetings": ["pday"], "api-1:answer": [extra.get("request", 1)],
        # --- impact: the PDF report as a job (issue 9) ---
        **{f"impact:{n}": [extra.get("report", 1)] for n in ("report", "report_progress", "report_file")},
        # --- declaration campaigns, annual report ---
        **{f"declarations:{n}": [extra.get("campaign", 1)] for n in ("campaign", "campaign_open", "campaign_remind",
                                                                      "campaign_close")},
        **{f"declarations:{n}": [extra.get("declaration", 1)] for n in ("declaration", "validate", "return")},
        "declarations:evidence": [extra.get("evidence", 1)],
        **{f"impact:{n}": [extra.get("annual_report", 1)] for n in ("annual_report", "annual_report_pdf",
                                                                     "annual_report_docx")},
        # --- calls, talent ---
        **{f"talent:{n}": [extra.get("posting", 1)] for n in ("detail", "apply", "edit", "close", "applications")},
        **{f"talent:{n}": [extra.get("job_application", 1)] for n in ("cv", "decline")},
        **{f"talent:{n}": [extra.get("application_token", "x")] for n in ("application", "confirm", "withdraw")},
        "api-1:talent_posting": [extra.get("posting", 1)],
        # --- groups (issue 12) ---
        **{f"groups:{n}": ["tcell-lab"] for n in ("detail", "join")},
        **{f"groups:{n}": [extra.get("group_membership", 1)] for n in ("decide", "member_update")},
        **{f"groups:{n}": ["anr-tcell"] for n in ("project", "project_csv", "project_xlsx")},
        # --- facility operations (issue 13) ---
        **{f"facility:{n}": ["cyto.aria"] for n in ("series_new", "series_book")},
        **{n: [extra.get("series", 1)] for n in ("facility:series", "facility:series_cancel", "api-1:get_series",
                                                   "api-1:cancel_series")},
        **{f"facility:{n}": ["cyto.aria"] for n in ("waitlist_join", "kiosk", "kiosk_qr", "usage", "billing_rule",
                                                    "usage_correct")},
        **{f"facility:{n}": [extra.get("waitlist", 1)] for n in ("waitlist_offer", "waitlist_claim", "waitlist_leave")},
        **{n: [extra.get("invoice", 1)] for n in ("facility:invoice", "facility:invoice_pdf", "facility:credit_note",
                                                    "api-1:get_invoice")},  # --- invoices (issue 13, item 7) ---
        **{f"facility:{n}": ["cyto.aria"] for n in ("incidents", "incident_declare")},  # --- incidents ---
        "facility:incident_end": [extra.get("incident", 1)],
        **{f"facility:{n}": [extra.get("incident_offer", 1)] for n in ("incident_offer", "incident_offer_take")},
        **{f"facility:{n}": ["cyto.sort"] for n in ("sample_form", "sample_field_save", "service_orders_csv")},
        "facility:sample_field_remove": [extra.get("sample_field", 1)],  # --- sample forms ---
        "facility:samples_received": [extra.get("order", 1)],
        "facility:sample_attachment": [extra.get("sample_answer", 1)],
        **{f"facility:{n}": ["cyto"] for n in ("consumables", "consumable_save")}, "api-1:list_consumables": ["cyto"],  # --- consumables ---
        "facility:consumable_restock": [extra.get("consumable", 1)],
        "facility:order_consumable_add": [extra.get("order", 1)],
        **{f"facility:{n}": [extra.get("booking", 1)] for n in ("booking_consumables", "booking_consumable_add")},
        **{f"calls:{n}": ["amorcage"] for n in ("detail", "start", "manage", "assign", "export")},
        **{f"calls:{n}": [extra.get("proposal", 1)] for n in ("proposal", "save", "submit", "decide")},
        "calls:document": [extra.get("proposal", 1), extra.get("proposal_document", 1)],
        **{f"calls:{n}": [extra.get("assignment", 1)] for n in ("declare", "review")},
        "api-1:calls_call": ["amorcage"], "api-1:calls_proposal": [extra.get("proposal", 1)],
        # --- calls: XLSX export (issue 16) ---
        "calls:export_xlsx": ["amorcage"],
        "calls:programme": [extra.get("proposal", 1)],  # --- an award becomes a programme (issue 16) ---
        # --- single sign-on (issue 12) ---
        **{n: ["amu"] for n in ("saml_acs", "saml_finish_acs", "saml_sls", "saml_metadata", "saml_login",
                                "openid_connect_login", "openid_connect_callback")},
        "signon_decide": [extra.get("membership_request", 1)],
        # --- declarations api ---
        **{f"api-1:declarations_{n}": [extra.get("campaign", 1)] for n in ("campaign", "campaign_declarations")},
        **{f"api-1:declarations_{n}": [extra.get("declaration", 1)] for n in ("declaration", "submit")},
        "api-1:annual_report": [extra.get("annual_report", 1)],
        # --- funding rounds to validate, evidence through the API, draft campaigns edited (issue 11) ---
        **{f"startups:{n}": [1] for n in ("round_validate", "round_return")},
        "declarations:campaign_edit": [extra.get("campaign", 1)],
        "api-1:declarations_evidence": [extra.get("declaration", 1)],
        "api-1:declarations_evidence_file": [extra.get("evidence", 1)],
        # --- hosting spaces (issue 13, item 8) ---
        **{f"hosting:{n}": [extra.get("building", "luminy-b")] for n in ("building", "space_new", "contract_new")},
        **{f"hosting:{n}": [extra.get("contract", 1)] for n in ("contract_end", "contract_cancel")},
        # --- headcounts to validate (issue 11) ---
        **{f"startups:{n}": [1] for n in ("headcount_validate", "headcount_return")},
        "api-1:get_sample_form": ["cyto.sort"],  # --- sample forms in the API (issue 13, item 5) ---
        # --- clinical site and tech-transfer office profiles (issue 11) ---
        **{f"clinical:{n}": [extra.get("site", 1)] for n in ("site", "site_edit")},
        **{f"transfer:{n}": [extra.get("office", 1)] for n in ("office_profile", "office_edit")},
        "api-1:get_order": [extra.get("order", 1)],  # --- orders in the API (issue 13, item 5) ---
        "api-1:clinical_site": [extra.get("site", 1)],  # --- the profiles in the API (issue 11) ---
        "api-1:transfer_office": [extra.get("office", 1)],
    }.get(name, [])
    url = reverse(name, args=args)
    return url + ("?q=lupus" if name in ("directory:list", "api-1:directory_search", "api-1:match") else "")


def impact_sample(users) -> dict:
    """A PDF impact report asked for by staff and drawn (issue 9)."""
    from datetime import date

    from guichet.impact.models import ReportRun

    run = ReportRun.objects.create(requested_by=users["staff"], start=date(2025, 1, 1), end=date(2025, 6, 30),
                                   as_of=date(2025, 6, 30), status="done", content=b"%PDF-1.4 sample")
    return {"report": run.pk}


def events_sample(users) -> dict:
    """A published event with one session, the member's confirmed place and a visitor's pending one."""
    from guichet.events.models import Registration

    from .event_fixtures import make_session

    session = make_session(capacity=5)
    ticket = Registration.objects.create(session=session, user=users["member"], email=users["member"].email,
                                         full_name="Member", status="confirmed")
    session.seats_taken = 1
    session.save()
    pending = Registration.objects.create(session=session, email="visitor@example.org", full_name="Visitor",
                                          status="pending")
    from guichet.accounts.models import Role
    from guichet.partnering.models import MeetingRequest
    from guichet.partnering.services import participant_join, request_answer

    from .conftest import make_user
    from .partnering_fixtures import make_day

    day = make_day()
    partner = make_user("partner@test.example", Role.MEMBER)
    mine, asked, theirs = (participant_join(actor=u, event=day, offers="x", seeks="y")
                           for u in (users["member"], users["manager"], partner))
    request = MeetingRequest.objects.create(event=day, requester=mine, recipient=asked)
    accepted = MeetingRequest.objects.create(event=day, requester=theirs, recipient=mine)
    request_answer(actor=users["member"], request=accepted, accept=True)
    return {"session": session.pk, "ticket": ticket.token, "pending": pending.token, "asked": asked.pk,
            "request": request.pk, "meeting": accepted.meeting.pk}


def bookings_sample(users) -> dict:
    from datetime import timedelta

    from django.utils import timezone

    from guichet.accounts.models import Membership
    from guichet.bookings.models import Booking, FeedToken
    from guichet.bookings.orders import order_create
    from guichet.directory.models import Organization
    from guichet.platforms.models import Instrument, Platform, Service

    Platform.objects.get(key="cyto").managers.add(users["manager"])
    Membership.objects.create(user=users["member"], organization=Organization.objects.get(key="lab-tcell"))
    start = timezone.now() + timedelta(days=3)
    booking = Booking.objects.create(instrument=Instrument.objects.get(key="cyto.aria"), user=users["member"],
                                     start=start, end=start + timedelta(hours=1),
                                     blocked_until=start + timedelta(hours=1), status="confirmed")
    feed = FeedToken.objects.create(user=users["member"], created_by=users["member"])
    from django.core.files.uploadedfile import SimpleUploadedFile as Upload

    order = order_create(actor=users["member"], service=Service.objects.get(key="cyto.sort"), description="x",
                         quantity=1, attachment=Upload("samples.csv", b"id\n1\n", "text/csv"))
    from datetime import date

    from guichet.programmes.models import Programme
    from guichet.startups.models import Startup

    Programme.objects.create(code="PRIV-1", name="Private", owner=Organization.objects.get(key="acme-bio"),
                             target="X", format="monoclonal", visibility="private")
    Startup.objects.create(organization=Organization.objects.get(key="acme-bio"), founded_on=date(2022, 1, 1),
                           origin="other")
    from django.core.files.uploadedfile import SimpleUploadedFile

    from guichet.partnerships.models import Partnership, PartnershipDocument

    partnership = Partnership.objects.create(title="P", type="licence", created_by=users["staff"])
    partnership.parties.add(Organization.objects.get(key="acme-bio"), Organization.objects.get(key="hosp-rheum"))
    document = PartnershipDocument.objects.create(partnership=partnership, name="d.txt", uploaded_by=users["staff"],
                                                  file=SimpleUploadedFile("d.txt", b"doc"))
    from guichet.antibodies.models import Assessment

    assessment = Assessment.objects.create(owner=users["member"], title="A", result=[])
    return {"booking": booking.pk, "feed": feed.token, "feed_pk": feed.pk, "order": order.pk,
            "partnership": partnership.pk, "document": document.pk, "assessment": assessment.pk,
            **clinical_transfer_sample(users), **declarations_sample(users),
            **talent_sample(users),  # --- calls, talent ---
            **groups_sample(users),  # --- groups (issue 12) ---
            **hosting_sample(users)}  # --- hosting spaces (issue 13, item 8) ---


# --- hosting spaces (issue 13, item 8) ---
def hosting_sample(users) -> dict:
    """A building with an office let to a company, run by a platform of its own."""
    from datetime import date

    from guichet.hosting import services

    from .hosting_fixtures import make_building

    site = make_building()
    contract = services.contract_create(actor=site["manager"], space=site["office"], company=site["company"],
                                        start=date(2026, 1, 1), end=date(2030, 12, 31), surface_m2="20",
                                        monthly_price="600")
    return {"building": site["building"].key, "contract": contract.pk}


# --- groups (issue 12) ---
def groups_sample(users) -> dict:
    """A lab of lab-tcell headed by the manager, the member in it (may charge), its project on cytometry."""
    from datetime import date
    from decimal import Decimal

    from guichet.directory.models import Organization
    from guichet.groups.models import GroupMembership, Project, ResearchGroup
    from guichet.platforms.models import Platform

    group = ResearchGroup.objects.create(key="tcell-lab", name="T cell lab",
                                         organization=Organization.objects.get(key="lab-tcell"))
    GroupMembership.objects.create(group=group, user=users["manager"], role="head", status="active")
    membership = GroupMembership.objects.create(group=group, user=users["member"], status="active", may_charge=True)
    project = Project.objects.create(key="anr-tcell", name="ANR T cell", group=group, starts_on=date(2026, 1, 1),
                                     ends_on=date(2030, 12, 31), budget=Decimal("1000.00"))
    project.platforms.add(Platform.objects.get(key="cyto"))
    return {"group_membership": membership.pk}


# --- clinical transfer, technology transfer ---
def clinical_transfer_sample(users) -> dict:
    """The member's confidential feasibility request (not routed), a trial at the rheumatology department."""
    from datetime import date, timedelta

    from guichet.clinical.models import Site, Trial, TrialSite
    from guichet.clinical.services import feasibility_submit
    from guichet.directory.models import Organization

    soon = date.today() + timedelta(days=20)
    feasibility = feasibility_submit(actor=users["member"], indication="Lupus", area="autoimmune", phase="2",
                                     population="Adults", inclusion_criteria="SLEDAI", patients_needed=10,
                                     recruitment_start=soon, recruitment_months=6, deadline=soon)
    site = Site.objects.create(organization=Organization.objects.get(key="hosp-rheum"), kind="department",
                               areas=["autoimmune"], phases=["2"])
    trial = Trial.objects.create(title="T", sponsor=Organization.objects.get(key="acme-bio"), phase="2")
    trial_site = TrialSite.objects.create(trial=trial, site=site, target_inclusions=5)
    from guichet.transfer.models import Office, TechnologyOffer
    from guichet.transfer.services import disclosure_submit

    office = Office.objects.create(organization=Organization.objects.get(key="acme-bio"))
    offer = TechnologyOffer.objects.create(office=office, title="O", summary="S", published_on=date(2026, 1, 1))
    # The member's disclosure; the manager is not of the office (acme-bio has no member in this world).
    disclosure = disclosure_submit(actor=users["member"], office=office, title="D", summary="S")
    return {"feasibility": feasibility.request_id, "trial": trial.pk, "trial_site": trial_site.pk,
            "offer": offer.pk, "disclosure": disclosure.pk, "site": site.pk, "office": office.pk}


# --- calls, talent ---
def talent_sample(users) -> dict:
    """The member's open posting for lab-tcell (the member belongs to it: bookings_sample), and one application
    to it, with its CV, by another member."""
    from guichet.accounts.models import Role
    from guichet.talent.services import application_create

    from .conftest import make_user
    from .talent_fixtures import cv, make_posting

    posting = make_posting(users["member"])
    applicant = make_user("applicant@test.example", Role.MEMBER)
    application = application_create(actor=applicant, posting=posting, full_name="Applicant", cv=cv())
    from django.core.files.uploadedfile import SimpleUploadedFile

    from guichet.calls.models import ProposalDocument
    from guichet.calls.services import assignment_create, proposal_submit

    from .call_fixtures import make_call, make_draft

    proposal = make_draft(users["member"], make_call())
    document = ProposalDocument.objects.create(proposal=proposal, name="annexe.txt",
                                               file=SimpleUploadedFile("annexe.txt", b"annexe"))
    proposal_submit(actor=users["member"], proposal=proposal)
    assignment = assignment_create(actor=users["staff"], proposal=proposal, reviewer=users["manager"])
    return {"posting": posting.pk, "job_application": application.pk, "application_token": application.token,
            "proposal": proposal.pk, "proposal_document": document.pk, "assignment": assignment.pk}


# Slow: every URL of the site opened by each role in a world of every kind of record (seconds per role); CI and
# `make test` run it, as test_permissions_post's POST matrix.
@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, role, small_directory, request, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from guichet.desk.services import request_submit
    from guichet.directory.services import import_batch_create

    from .conftest import load_example

    users = {r: request.getfixturevalue(f) for r, f in
             [("guest", "guest"), ("member", "member"), ("manager", "manager"), ("staff", "staff"),
              ("admin", "admin_user")]}
    batch = import_batch_create(actor=users["staff"], filename="x.json", payload=load_example("valid-small.json"))
    settings.MEDIA_ROOT = tmp_path
    desk = request_submit(actor=users["member"], text="Confidential need: cell sorting", confidential=True,
                          files=[SimpleUploadedFile("a.txt", b"attached")])
    extra = {**bookings_sample(users), **events_sample(users), **impact_sample(users)}  # --- events --- impact ---
    extra.update(facility_sample(users))  # --- facility operations (issue 13) ---
    if role != "anonymous":
        client.force_login(users[role])
    got = {}
    for name in MATRIX:
        got[name] = client.get(sample_url(name, batch.pk, desk, extra)).status_code
    expected = {name: statuses[role] for name, statuses in MATRIX.items()}
    mismatched = {n: (expected[n], got[n]) for n in got if got[n] != expected[n]}
    assert mismatched == {}, f"{role}: (expected, got) per URL: {mismatched}"
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportBatch.Status.PENDING


@pytest.mark.django_db
def test_only_staff_confirm_imports(client, member, manager, staff, small_directory,
                                    django_capture_on_commit_callbacks):
    from guichet.directory.services import import_batch_create

    from .conftest import load_example

    batch = import_batch_create(actor=staff, filename="x.json", payload=load_example("valid-small.json"))
    url = f"/directory/import/{batch.pk}/confirm/"
    assert client.post(url).status_code == LOGIN
    for user in (member, manager):
        client.force_login(user)
        assert client.post(url).status_code == 403
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportBatch.Status.PENDING
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):  # the import job runs when the confirmation commits
        assert client.post(url).status_code == 302
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportBatch.Status.APPLIED


# --- declaration campaigns, annual report ---
def declarations_sample(users) -> dict:
    """An open campaign; the member's organization (lab-tcell) has submitted its figures with one evidence file;
    a draft annual report (nothing generated)."""
    from datetime import date, timedelta

    from django.core.files.uploadedfile import SimpleUploadedFile

    from guichet.declarations import services
    from guichet.impact.models import ReportTemplate
    from guichet.impact.services import annual_report_create

    campaign = services.campaign_create(actor=users["staff"], title="Campagne", year=date.today().year - 1,
                                        deadline=date.today() + timedelta(days=20))
    services.campaign_open(actor=users["staff"], campaign=campaign)
    declaration = campaign.declarations.get(organization__key="lab-tcell")
    services.declaration_submit(actor=users["member"], declaration=declaration, figures={"headcount": 3},
                                files=[SimpleUploadedFile("proof.txt", b"proof")])
    report = annual_report_create(actor=users["staff"], template=ReportTemplate.objects.get(key="france-2030"),
                                  year=date.today().year - 1)
    return {"campaign": campaign.pk, "declaration": declaration.pk, "evidence": declaration.evidence.get().pk,
            "annual_report": report.pk}
# --- facility operations (issue 13) ---
def facility_sample(users) -> dict:
    """The member's weekly series of two occurrences on the sample instrument (bookings_sample's platform)."""
    from datetime import timedelta

    from django.utils import timezone

    from guichet.bookings.models import Booking
    from guichet.facility.models import BookingSeries, SeriesOccurrence
    from guichet.platforms.models import Instrument

    instrument = Instrument.objects.get(key="cyto.aria")
    first = timezone.now() + timedelta(days=10)
    series = BookingSeries.objects.create(instrument=instrument, user=users["member"], rule="FREQ=WEEKLY;COUNT=2",
                                          first_start=first, duration_minutes=60)
    for week in range(2):
        start = first + timedelta(weeks=week)
        booking = Booking.objects.create(instrument=instrument, user=users["member"], start=start,
                                         end=start + timedelta(hours=1), blocked_until=start + timedelta(hours=1),
                                         status="confirmed")
        SeriesOccurrence.objects.create(series=series, booking=booking)
    from guichet.facility.models import WaitlistEntry

    waiting = WaitlistEntry.objects.create(instrument=instrument, user=users["member"], start=first,
                                           end=first + timedelta(hours=1))
    # --- invoices (issue 13, item 7) ---
    from decimal import Decimal

    from guichet.directory.models import Organization
    from guichet.facility.models import Invoice, InvoiceLine, MonthClosing

    closing = MonthClosing.objects.create(year=2020, month=1, closed_by=users["staff"])
    lab = Organization.objects.get(key="lab-tcell")
    invoice = Invoice.objects.create(number="2020-00001", year=2020, sequence=1, closing=closing, period="2020-01",
                                     organization=lab, customer_name=lab.name, category="academic",
                                     net=Decimal("60.00"), vat=Decimal("12.00"), gross=Decimal("72.00"))
    InvoiceLine.objects.create(invoice=invoice, position=1, kind="booking", date=first, label="Aria", unit="hour",
                               quantity=Decimal("1.00"), unit_price=Decimal("60.00"), net=Decimal("60.00"),
                               vat_percent=Decimal("20.00"), vat=Decimal("12.00"), platform=instrument.platform)
    # --- incidents (issue 13, item 4) --- an incident over, which cancelled one of the member's bookings
    from guichet.facility.models import Incident, IncidentOffer

    down = first - timedelta(days=3)
    hit = Booking.objects.create(instrument=instrument, user=users["member"], start=down + timedelta(hours=1),
                                 end=down + timedelta(hours=2), blocked_until=down + timedelta(hours=2),
                                 status="cancelled")
    incident = Incident.objects.create(instrument=instrument, description="Laser", started_at=down,
                                       expected_back_at=down + timedelta(hours=3), ended_at=down + timedelta(hours=3))
    offer = IncidentOffer.objects.create(incident=incident, cancelled=hit, user=users["member"], slots=[
        [(first + timedelta(days=1)).isoformat(), (first + timedelta(days=1, hours=1)).isoformat()]])
    # --- sample forms (issue 13, item 5) --- a question of the sorting service, a file answered with an order
    from django.core.files.base import ContentFile

    from guichet.bookings.models import ServiceOrder
    from guichet.facility.models import SampleAnswer, SampleField

    question = SampleField.objects.create(service=instrument.platform.services.get(key="cyto.sort"),
                                          label="Sample sheet", kind="file")
    answer = SampleAnswer(order=ServiceOrder.objects.filter(requester=users["member"]).first(), field=question,
                          label=question.label, kind="file", value="sheet.csv")
    answer.file.save("sheet.csv", ContentFile(b"well\nA1\n"), save=True)
    return {"series": series.pk, "waitlist": waiting.pk, "invoice": invoice.pk, "incident": incident.pk,
            "incident_offer": offer.pk, "sample_field": question.pk, "sample_answer": answer.pk,
            "consumable": consumable_sample(instrument.platform)}


def consumable_sample(platform) -> int:
    """--- consumables (issue 13, item 6) --- an item of the sample platform, in stock."""
    from guichet.facility.models import Consumable

    return Consumable.objects.create(platform=platform, name="FACS tubes", unit="box", price_academic=10, stock=5).pk
