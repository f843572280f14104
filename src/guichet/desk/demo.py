"""Demo desk requests in every state (fictional needs, clearly labelled)."""

from datetime import timedelta

from django.utils import timezone

from guichet.accounts.models import User

from . import services
from .links import ProviderLink
from .models import Need

DEMO = [
    # (requester, text, confidential, steps, days ago)
    ("member@demo.guichet.example", "Nous cherchons à trier des lymphocytes T CD8 de patients atteints de lupus "
     "pour du séquençage en cellule unique (exemple fictif).", False, ["route", "answer", "close"], 40),
    ("founder@demo.guichet.example", "We need GMP production of a bispecific antibody for a phase I trial "
     "(fictional example).", True, ["triage", "route"], 9),
    ("founder@demo.guichet.example", "Seed funding and incubation for a spin-off developing nanobodies "
     "(fictional example).", False, ["route", "accept"], 6),
    ("member@demo.guichet.example", "Un investigateur pour un essai clinique dans la polyarthrite rhumatoïde "
     "(exemple fictif).", False, ["triage"], 3),
    ("member@demo.guichet.example", "Imagerie 3D d'organes transparisés de souris (exemple fictif).", False, [], 0),
    ("founder@demo.guichet.example", "Looking for a partner to license our antibody in inflammatory bowel "
     "disease (fictional example).", True, ["route", "decline", "close-nomatch"], 25),
]
ROUTES = {0: ["exemple.cyto.sort"], 1: ["mi-mabs.antibodies", "p-aphm-ctl"], 2: ["impulse", "p-impulse"],
          5: ["satt-sud-est"]}


def load_demo_requests() -> int:
    """The demo requests, each step dated after the one before (never the load time), and each answered by
    whoever the routing reached (permissions.routing_reach): the platform manager for its own lab's platform
    only, the directory contacts of the other providers through their e-mailed link."""
    if Need.objects.exists():
        return 0
    staff = User.objects.get(email="staff@demo.guichet.example")
    now = timezone.now()
    for index, (email, text, confidential, steps, days_ago) in enumerate(DEMO):
        requester = User.objects.get(email=email)
        when = now - timedelta(days=days_ago, hours=2)
        # Triage after 3 hours, routing after a day, the provider within the first-response target, the
        # outcome after nine days (at most an hour ago: a history never runs into the future).
        step_at = {"triage": 3 / 24, "route": 1, "answer": 1.6, "accept": 1.6, "decline": 1.6, "close": 9,
                   "close-nomatch": 9}
        request = services.request_submit(actor=requester, text=text, confidential=confidential, now=when)
        for step in steps:
            at = min(when + timedelta(days=step_at[step]), now - timedelta(hours=1 + len(steps) - steps.index(step)))
            if step == "triage":
                services.request_triage(actor=staff, request=request, now=at)
            elif step == "route":
                services.request_route(actor=staff, request=request, keys=ROUTES[index], now=at)
            elif step in ("answer", "accept", "decline"):
                routing = request.routings.first()
                message = {"answer": "Oui, nous pouvons trier ces cellules la semaine prochaine (exemple fictif).",
                           "accept": "Happy to discuss (fictional example).",
                           "decline": "Not our field, sorry (fictional example)."}[step]
                responders = services.responders(routing)
                if responders:
                    services.routing_respond(actor=responders[0], routing=routing, action=step, message=message,
                                             now=at)
                else:
                    services.routing_respond_by_link(link=ProviderLink(routing=routing, email=routing.contact_email),
                                                     action=step, message=message, now=at)
            elif step == "close":
                services.request_close(actor=staff, request=request, outcome="service_order",
                                       outcome_key="exemple.cyto.sort", note="Sorting booked (fictional).", now=at)
            elif step == "close-nomatch":
                services.request_close(actor=staff, request=request, outcome="no_match", now=at)
    return len(DEMO)
