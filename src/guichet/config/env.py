"""The environment's one reader: every variable Guichet reads goes through these parsers (settings.py for
Django, gunicorn_conf.py for the server), and a value they cannot read stops the process with the variable's
name (the healthchecks way): a typo such as GUICHET_DEBUG=ture must not quietly mean "off". An empty value
counts as unset. Nothing here imports Django's settings, so gunicorn's master can use it before Django."""

import os
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    return value.strip() if value is not None and value.strip() else None


def env_str(name: str, default: str = "") -> str:
    value = _raw(name)
    return default if value is None else value


def env_secret(name: str, default: str = "") -> str:
    """A secret from NAME, or from the file NAME_FILE names (Docker and systemd credentials)."""
    path = _raw(f"{name}_FILE")
    if path is None:
        return env_str(name, default)
    if _raw(name) is not None:
        raise ImproperlyConfigured(f"Set {name} or {name}_FILE, not both.")
    try:
        return Path(path).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise ImproperlyConfigured(f"{name}_FILE: cannot read {path!r} ({exc}).") from None


def env_bool(name: str, default: bool = False) -> bool:
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in TRUE_WORDS:
        return True
    if value.lower() in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a yes/no value: use 1 or 0 (true/false, yes/no, on/off).")


def env_int(name: str, default: int, *, minimum: int = 0, maximum: int | None = None) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None
    if number < minimum or (maximum is not None and number > maximum):
        bound = f"between {minimum} and {maximum}" if maximum is not None else f"at least {minimum}"
        raise ImproperlyConfigured(f"{name}={value!r}: must be {bound}.")
    return number


def env_float(name: str, default: str, *, minimum: str = "0", maximum: str | None = None) -> float:
    value = _raw(name) or default
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ImproperlyConfigured(f"{name}={value!r} is not a number.") from None
    if not number.is_finite() or number < Decimal(minimum) or (maximum is not None and number > Decimal(maximum)):
        bound = f"between {minimum} and {maximum}" if maximum is not None else f"at least {minimum}"
        raise ImproperlyConfigured(f"{name}={value!r}: must be {bound}.")
    return float(number)


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = (_raw(name) or default).lower()
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r}: must be one of {', '.join(choices)}.")
    return value


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def blas_threads(environ=os.environ) -> str:
    """OPENBLAS_NUM_THREADS for a process that matches: the operator's own value, else as many threads as the
    embedding model has (GUICHET_EMBEDDINGS_THREADS, default 1). Set by config/wsgi.py before NumPy is imported;
    the benches' in-process children take the same (bench/matching_common.py), so that the CPU they measure per
    match is what a gunicorn worker spends (issue 17)."""
    return ((environ.get("OPENBLAS_NUM_THREADS") or "").strip()
            or (environ.get("GUICHET_EMBEDDINGS_THREADS") or "").strip() or "1")
