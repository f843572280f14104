"""Demo desk requests in every state (fictional needs, clearly labelled)."""

from datetime import timedelta

from django.utils import timezone

from guichet.accounts.models import User

from . import services
from .models import Request

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
    if Request.objects.exists():
        return 0
    staff = User.objects.get(email="staff@demo.guichet.example")
    manager = User.objects.get(email="manager@demo.guichet.example")
    now = timezone.now()
    for index, (email, text, confidential, steps, days_ago) in enumerate(DEMO):
        requester = User.objects.get(email=email)
        when = now - timedelta(days=days_ago, hours=2)
        request = services.request_submit(actor=requester, text=text, confidential=confidential, now=when)
        for step in steps:
            if step == "triage":
                services.request_triage(actor=staff, request=request)
            elif step == "route":
                services.request_route(actor=staff, request=request, keys=ROUTES[index], assignee=manager)
            elif step in ("answer", "accept", "decline"):
                routing = request.routings.first()
                message = {"answer": "Oui, nous pouvons trier ces cellules la semaine prochaine (exemple fictif).",
                           "accept": "Happy to discuss (fictional example).",
                           "decline": "Not our field, sorry (fictional example)."}[step]
                services.routing_respond(actor=manager, routing=routing, action=step, message=message,
                                         now=when + timedelta(days=1))
            elif step == "close":
                services.request_close(actor=staff, request=request, outcome="service_order",
                                       outcome_key="exemple.cyto.sort", note="Sorting booked (fictional).")
            elif step == "close-nomatch":
                services.request_close(actor=staff, request=request, outcome="no_match")
    return len(DEMO)
