"""Every variable the settings and the gunicorn configuration read is in README's tables."""

import re

from .conftest import ROOT

CONFIG = ROOT / "src" / "guichet" / "config"
READ = re.compile(r"""(?:env_[a-z]+|environ\.get|environ\[|_int)\(?\s*["']((?:GUICHET|PROMETHEUS)_[A-Z0-9_]+)""")
SECRET = re.compile(r"""env_secret\(\s*["'](GUICHET_[A-Z0-9_]+)""")


def test_every_setting_read_is_documented():
    read = set()
    for module in ("settings.py", "gunicorn_conf.py"):
        read |= set(READ.findall((CONFIG / module).read_text(encoding="utf-8")))
    assert {"GUICHET_SECRET_KEY", "GUICHET_LOG_FORMAT", "GUICHET_WORKERS"} <= read  # the pattern finds them
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([A-Z0-9_]+)`(?:, `([A-Z0-9_]+)`)?", readme, flags=re.M))
    documented = {name for pair in documented for name in pair if name}
    assert sorted(read - documented) == []


def test_every_secret_says_it_may_come_from_a_file():
    secrets = set(SECRET.findall((CONFIG / "settings.py").read_text(encoding="utf-8")))
    assert {"GUICHET_SECRET_KEY", "GUICHET_DATABASE_URL", "GUICHET_EMAIL_HOST_PASSWORD", "GUICHET_SENTRY_DSN"} <= secrets
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert sorted(name for name in secrets if f"`{name}_FILE`" not in readme) == []
