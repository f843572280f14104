"""Words written once for a reader who is not the one logged in: composed in the reader's language."""

from django.conf import settings
from django.utils import translation


def in_language(language: str | None, compose, *args, **kwargs):
    """`compose(*args, **kwargs)` with `language` active (the site's default when empty).

    What is stored or sent is written once, in its reader's language: an e-mail in its recipient's, a
    message posted in a request's conversation in the request's, not in that of whoever happened to act."""
    with translation.override(language or settings.LANGUAGE_CODE):
        return compose(*args, **kwargs)


def bilingual(obj, name: str) -> str:
    """`obj.<name>_fr` or `obj.<name>_en`, whichever the reader's language is, else the other one."""
    return in_reader_language(getattr(obj, f"{name}_fr"), getattr(obj, f"{name}_en"))


def in_reader_language(fr, en):
    """`en` for an English reader, else `fr`; the other one when that one is empty."""
    return (en or fr) if (translation.get_language() or "fr").startswith("en") else (fr or en)
