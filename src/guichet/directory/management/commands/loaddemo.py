import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils import translation
from django.utils.translation import gettext as _

from guichet.accounts.models import Role, User
from guichet.accounts.services import membership_add
from guichet.bookings.demo import load_demo_bookings
from guichet.desk.demo import load_demo_requests
from guichet.directory import services
from guichet.directory.models import Organization
from guichet.impact.demo import load_demo_impact

DEMO_FILE = Path(__file__).resolve().parents[2] / "demo" / "directory.json"
DEMO_PASSWORD = "guichet-demo-2026"
DEMO_ACCOUNTS = [
    # e-mail, name, role, organization key. A name is a person's name, the same in every language (it read
    # "Platform manager (demo)" on French pages); the role is said by its translated label, the demo by the domain.
    ("admin@demo.guichet.example", "Dominique Aubert", Role.ADMIN, "mib"),
    ("staff@demo.guichet.example", "Camille Roussel", Role.STAFF, "mib"),
    ("manager@demo.guichet.example", "Karim Benali", Role.PLATFORM_MANAGER, "labo-exemple"),
    ("member@demo.guichet.example", "Léa Fontaine", Role.MEMBER, "labo-exemple"),
    ("founder@demo.guichet.example", "Hugo Marchetti", Role.MEMBER, "startup-exemple"),
]


class Command(BaseCommand):
    help = "Load the demo directory (the real Marseille ecosystem from public facts) and one account per role."

    def handle(self, *args, **options):
        plan = services.directory_import(actor=None, payload=json.loads(DEMO_FILE.read_text(encoding="utf-8")))
        self.stdout.write("Directory: %(create)d created, %(update)d updated, %(unchanged)d unchanged." % plan.summary)
        with transaction.atomic():
            for email, name, role, org_key in DEMO_ACCOUNTS:
                user = User.objects.filter(email=email).first()
                if user is None:
                    user = User.objects.create_user(email, DEMO_PASSWORD, full_name=name, role=role)
                elif user.full_name != name:  # a demo loaded before the names were people's names
                    User.objects.filter(pk=user.pk).update(full_name=name)
                membership_add(actor=None, user=user, organization=Organization.objects.get(key=org_key),
                               is_contact=role == Role.PLATFORM_MANAGER)
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            created = load_demo_requests()  # their notification e-mails are not sent
            bookings = load_demo_bookings()
            startups = load_demo_impact()
            # --- events ---
            from guichet.events.demo import load_demo_events

            network = load_demo_events()
            # --- clinical transfer, technology transfer ---
            from guichet.clinical.demo import load_demo_clinical
            from guichet.transfer.demo import load_demo_transfer

            sites, offices = load_demo_clinical(DEMO_PASSWORD), load_demo_transfer(DEMO_PASSWORD)
            # --- declaration campaigns, annual report ---
            from guichet.declarations.demo import load_demo_declarations
            from guichet.impact.demo import load_demo_annual_report

            campaigns, reports = load_demo_declarations(), load_demo_annual_report()
            # --- calls, talent ---
            from guichet.talent.demo import load_demo_talent

            postings = load_demo_talent()
            from guichet.calls.demo import load_demo_calls

            calls = load_demo_calls()
            # --- groups (issue 12) ---
            from guichet.groups.demo import load_demo_groups

            charged = load_demo_groups(DEMO_PASSWORD)
            # --- identity and groups leftovers (issue 12) ---
            from guichet.signon.demo import load_demo_signon

            domains = load_demo_signon()
            # --- hosting spaces (issue 13) --- before the month closes: the invoices carry the rent
            from guichet.hosting.demo import load_demo_hosting

            hosted = load_demo_hosting()
            # --- facility operations, invoices (issue 13) ---
            from guichet.facility.demo import load_demo_invoicing

            invoices = load_demo_invoicing()
            # --- incidents and an antibody batch (issue 15; the example identity provider is signon.demo's) ---
            from guichet.antibodies.demo import load_demo_antibodies
            from guichet.facility.demo import load_demo_incidents

            incidents, antibodies = load_demo_incidents(), load_demo_antibodies()
            # --- sample forms and consumables (issue 13, items 5 and 6) ---
            from guichet.facility.demo import load_demo_samples_and_consumables

            questions, uses = load_demo_samples_and_consumables()
        self.stdout.write(f"Desk: {created} demo requests created.")
        self.stdout.write(f"Platforms: {bookings} demo bookings created.")
        self.stdout.write(f"Impact: {startups} fictional start-ups with several years of history.")
        self.stdout.write(f"Events: {network} fictional events, trainings and meeting requests.")
        self.stdout.write(f"Clinical: {sites} site profiles; transfer: {offices} tech-transfer offices.")
        self.stdout.write(f"Declarations: {campaigns} campaigns; annual reports: {reports}.")
        self.stdout.write(f"Jobs: {postings} fictional postings; calls for projects: {calls} fictional calls.")
        self.stdout.write(f"Groups: demo labs and projects, {charged} bookings charged to projects.")
        self.stdout.write(f"Single sign-on: {domains} demo e-mail domains, one example OpenID Connect provider "
                          f"({settings.GUICHET_DEMO_OIDC_ISSUER}: `make demo-idp` starts it).")
        self.stdout.write(f"Invoices: last month closed, {invoices} demo invoices issued.")
        self.stdout.write(f"Incidents: {incidents} open; antibodies: {antibodies} assessed in one batch.")
        self.stdout.write(f"Hosting: a demo building at Luminy, {hosted} demo contracts.")
        self.stdout.write(f"Sample forms: {questions} questions on the sorting service; consumables: {uses} uses.")
        self.stdout.write("\nDemo accounts (password for all: %s):" % DEMO_PASSWORD)
        # The clinical sites' and the tech-transfer office's accounts (--- clinical transfer, technology transfer ---)
        # In the command's language (its other lines are English), not in the site's default French: the table
        # printed "Administrateur" under "Demo accounts".
        with translation.override("en"):
            # The founder's role is member: the table says what they are here, as README's table does.
            rows = [("Start-up founder (member)" if email.startswith("founder@") else str(role.label), email)
                    for email, _name, role, _org in DEMO_ACCOUNTS] + [
                (str(_("Clinical sites")), email) for email in (
                    "cic@demo.guichet.example", "rhumato@demo.guichet.example", "phase1@demo.guichet.example")] + [
                (str(_("Tech-transfer office")), "transfer@demo.guichet.example")] + [
                # --- platforms a member may charge (issue 12) ---
                ("Member charging one platform only", "postdoc@demo.guichet.example")]
        width = max(len(label) for label, _email in rows)
        for label, email in rows:
            self.stdout.write(f"  {label:<{width}}  {email}")
