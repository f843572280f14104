"""Technology-transfer reads, scoped to what the caller may see."""

from django.db.models import Q
from django.utils import timezone

from guichet.accounts.permissions import is_signed_in
from guichet.core.text import index_document

from . import permissions
from .models import InventionDisclosure, Licence, Office, TechnologyOffer

# An offer is proposed to a need when they share at least one concept of the vocabulary, or at least this
# many word stems (a concept is a stronger sign than words; two stems keep "antibody" alone from matching).
MIN_SHARED_STEMS = 3
CONCEPT_WEIGHT = 3  # one shared concept counts as three shared stems in the ordering
OFFERS_PER_NEED = 3


def disclosures_visible_to(user):
    if not is_signed_in(user):
        return InventionDisclosure.objects.none()
    offices = permissions.office_ids(user)
    return (InventionDisclosure.objects.filter(Q(inventors=user) | Q(office_id__in=offices)).distinct()
            .select_related("office__organization").prefetch_related("inventors"))


def offers_public(as_of=None):
    day = as_of or timezone.localdate()
    return TechnologyOffer.objects.filter(published_on__isnull=False, published_on__lte=day).select_related(
        "office__organization")


def _stems(text: str) -> set[str]:
    return {w for w in index_document(text).split() if len(w) > 3}


def offers_for_need(text: str, *, limit: int = OFFERS_PER_NEED) -> list[tuple[TechnologyOffer, list[str]]]:
    """Public offers that may answer a need, best first, with the shared concepts as reasons. The engine's
    concept tagging (matching.engine.tag_text) and the index's stems, over public offers only."""
    from guichet.matching.engine import tag_text, vocabulary

    if not (text or "").strip():
        return []
    from django.utils.translation import get_language

    need_concepts, need_stems = set(tag_text(text)), _stems(text)
    labels, lang = vocabulary().labels, (get_language() or "fr")[:2]

    def label(key: str) -> str:  # a broader concept is tagged "^key": its label, never the code
        names = labels.get(key.lstrip("^"), {})
        return names.get(lang) or names.get("en") or names.get("fr") or key.lstrip("^")

    ranked = []
    for offer in offers_public():
        body = f"{offer.title} {offer.summary} {offer.keywords}"
        shared = need_concepts & set(tag_text(body))
        stems = need_stems & _stems(body)
        if shared or len(stems) >= MIN_SHARED_STEMS:
            reasons = sorted({label(c) for c in shared}) or sorted(stems)[:5]
            ranked.append((-(CONCEPT_WEIGHT * len(shared) + len(stems)), offer.title, offer, reasons))
    return [(offer, reasons) for *_k, offer, reasons in sorted(ranked, key=lambda t: t[:2])[:limit]]


def office_licences(user):
    return Licence.objects.filter(office_id__in=permissions.office_ids(user)).select_related(
        "licensee", "offer", "family").prefetch_related("milestones", "royalties")


# --- the office's profile (issue 11) ---
def offices():
    return Office.objects.select_related("organization")


def office_profile(pk: int) -> Office | None:
    return offices().filter(pk=pk).first()
