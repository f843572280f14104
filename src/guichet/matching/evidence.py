"""Learning from the desk: a provider that accepted a request, or whose routing ended in an order, a booking
or a partnership, answers that kind of need; a new need with the same concepts ranks it higher.

What is kept of a past request is its *concept profile* only (the vocabulary concepts found in its text),
for confidential and open requests alike: no word of a request's text is stored, compared or shown, so a
confidential need cannot leak into another user's results or reasons (the reason says "answered similar
requests", nothing more). Profiles are computed in each process from the desk tables and cached; they
follow new acceptances within EVIDENCE_TTL seconds.
"""

import math
import threading
import time

from django.db.models import Count, Max, Q

from guichet.desk.models import Routing

from .profile import vocabulary

EVIDENCE_TTL = 10.0
FULFILLED = ("service_order", "booking", "partnership")
_lock = threading.Lock()
_state: dict = {"stamp": None, "profiles": {}, "checked": 0.0}


def _answered():
    return Routing.objects.filter(
        Q(state__in=[Routing.State.ACCEPTED, Routing.State.ANSWERED])
        | (Q(request__status="closed", request__outcome__in=FULFILLED) & ~Q(state=Routing.State.DECLINED)))


def profiles() -> dict[str, list[frozenset[str]]]:
    """Record key → the concept sets of the requests it answered."""
    now = time.monotonic()
    if now - _state["checked"] < EVIDENCE_TTL:
        return _state["profiles"]
    answered = _answered()
    stamp = tuple(answered.aggregate(n=Count("id"), r=Max("responded_at"), c=Max("request__closed_at")).values())
    with _lock:
        if stamp != _state["stamp"]:
            vocab = vocabulary()
            by_request: dict[int, frozenset[str]] = {}
            out: dict[str, list[frozenset[str]]] = {}
            for request_id, text, key in answered.values_list("request_id", "request__text", "record_key"):
                if request_id not in by_request:
                    # Concept ids only; the text goes no further than this line.
                    by_request[request_id] = frozenset(d.concept for d in vocab.detect(text))
                if by_request[request_id]:
                    out.setdefault(key, []).append(by_request[request_id])
            _state.update(stamp=stamp, profiles=out)
        _state["checked"] = now
        return _state["profiles"]


def similarity(query: dict[str, float], past: list[frozenset[str]]) -> float:
    """Best cosine between the need's weighted concepts and one answered request's concepts (0 to 1)."""
    norm = math.sqrt(sum(w * w for w in query.values()))
    if not norm or not past:
        return 0.0
    return max(sum(query.get(k, 0.0) for k in concepts) / (norm * math.sqrt(len(concepts))) for concepts in past)


def reset() -> None:
    with _lock:
        _state.update(stamp=None, profiles={}, checked=0.0)
