"""Where configuration comes from (issue 10, item 8): the environment is read in config/settings.py only,
every GUICHET_ setting it defines is used, and the migrations import no live code."""

import ast
import re

from .conftest import ROOT

SRC = ROOT / "src" / "guichet"
SETTINGS = SRC / "config" / "settings.py"
# Besides the settings and their parsers (config/env.py): gunicorn's own configuration file (read by gunicorn, before Django), the two entry
# points naming the settings module, a child process handed a copy of the environment (pg_dump), and the
# switch the sentence-transformers library reads (written, never read).
ALLOWED = {"config/env.py", "config/gunicorn_conf.py", "config/wsgi.py", "__main__.py", "core/backups.py", "matching/semantic.py"}


def environment_reads(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in {"environ", "getenv", "environb"} \
                and isinstance(node.value, ast.Name) and node.value.id == "os":
            yield node.lineno


def test_only_the_settings_read_the_environment():
    readers = {}
    for path in SRC.rglob("*.py"):
        relative = path.relative_to(SRC).as_posix()
        if path != SETTINGS and (lines := list(environment_reads(path))):
            readers[relative] = lines
    assert sorted(set(readers) - ALLOWED) == []
    # The allowed ones only write or copy the environment, apart from gunicorn's file.
    semantic = (SRC / "matching" / "semantic.py").read_text(encoding="utf-8")
    assert re.findall(r"os\.environ\[\"([A-Z_]+)\"\] = ", semantic) == ["HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"]
    assert "os.environ.get" not in semantic


def test_every_guichet_setting_is_used():
    defined = set(re.findall(r"^(GUICHET_[A-Z_]+) = ", SETTINGS.read_text(encoding="utf-8"), flags=re.M))
    assert "GUICHET_TICK_SECONDS" in defined  # the pattern finds them
    used = set()
    for path in [*SRC.rglob("*.py"), *SRC.rglob("*.html")]:
        if path != SETTINGS:
            used |= set(re.findall(r"\b(GUICHET_[A-Z_]+)\b", path.read_text(encoding="utf-8")))
    # Read inside settings.py itself to build a Django setting (the log formatter's name; allauth's providers).
    assert sorted(defined - used - {"GUICHET_LOG_FORMAT", "GUICHET_LOG_LEVEL", "GUICHET_SSO_PROVIDERS_FILE"}) == []


def test_migrations_import_no_live_code():
    """A migration runs the same whenever it is applied: what it needs is frozen in it (or in a migrations
    package's own `_` module), never imported from services, selectors or constants that move on. Django's
    own references in field definitions (`import guichet.core.fields`, a validator, a manager) stay."""
    offenders = []
    for path in sorted(SRC.glob("*/migrations/*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("guichet") \
                    and ".migrations." not in f"{node.module}.":
                offenders.append(f"{path.relative_to(SRC)}: from {node.module} import ...")
            if isinstance(node, ast.FunctionDef):  # a RunPython function
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Attribute) and isinstance(inner.value, ast.Attribute) \
                            and isinstance(inner.value.value, ast.Name) and inner.value.value.id == "guichet":
                        offenders.append(f"{path.relative_to(SRC)}:{inner.lineno} uses guichet.* in {node.name}")
    assert offenders == []
