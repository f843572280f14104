"""Every variable the settings and the gunicorn configuration read is in README's tables."""

import re

from .conftest import ROOT

CONFIG = ROOT / "src" / "guichet" / "config"
READ = re.compile(r"""(?:env_bool|env_list|environ\.get|environ\[|_int)\(?\s*["']((?:GUICHET|PROMETHEUS)_[A-Z_]+)""")


def test_every_setting_read_is_documented():
    read = set()
    for module in ("settings.py", "gunicorn_conf.py"):
        read |= set(READ.findall((CONFIG / module).read_text(encoding="utf-8")))
    assert {"GUICHET_SECRET_KEY", "GUICHET_LOG_FORMAT", "GUICHET_WORKERS"} <= read  # the pattern finds them
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([A-Z_]+)`(?:, `([A-Z_]+)`)?", readme, flags=re.M))
    documented = {name for pair in documented for name in pair if name}
    assert sorted(read - documented) == []
