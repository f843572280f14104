"""The `guichet` console script: the project's management commands."""

import os
import sys
from pathlib import Path

# Commands that read a file and print, with no model, URL, admin or database: Django starts with the apps they
# use only. The full registry imports every app's models, admin and services (ninja, pydantic, reportlab,
# allauth's providers): 2 s of CPU before the first antibody of `guichet assess` (issue 14).
STANDALONE_COMMANDS = {"assess": ["guichet.antibodies"]}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guichet.config.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        # Read the settings now: a missing GUICHET_SECRET_KEY (or a malformed setting) is the operator's
        # to fix, so say in one line what to set instead of a traceback from deep inside Django.
        settings.INSTALLED_APPS  # noqa: B018
    except ImproperlyConfigured as exc:
        print(f"guichet: configuration error: {exc}", file=sys.stderr)
        sys.exit(2)
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command in STANDALONE_COMMANDS:
        settings.INSTALLED_APPS = STANDALONE_COMMANDS[command]
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        # The settings create nothing when imported; a command is what may need the SQLite file's directory.
        Path(database["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
