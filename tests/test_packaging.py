"""Issue 9, defect 12: `pip install .` without extras must give a platform that starts. What `.ci/package-check`
proves in a fresh virtual environment (slow, CI only), this checks on every run: each third-party module that
Guichet's code imports at module level — loaded whenever that module is — is a runtime dependency of the
package, not a test or optional extra (icalendar was only in the test extra: every ICS feed failed)."""

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from .conftest import ROOT

SRC = ROOT / "src" / "guichet"


def _name(requirement: str) -> str:
    return re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def runtime_distributions() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {_name(r) for r in project["dependencies"]}


def module_level_imports(path: Path) -> set[str]:
    """Top-level names imported by the module's own body (not inside functions, nor guarded by try)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_every_module_level_import_is_a_runtime_dependency():
    runtime = runtime_distributions()
    providers = packages_distributions()
    missing = {}
    for path in sorted(SRC.rglob("*.py")):
        for name in module_level_imports(path):
            if name in sys.stdlib_module_names or name == "guichet":
                continue
            distributions = {d.lower().replace("_", "-") for d in providers.get(name, [name])}
            if not distributions & runtime:
                missing.setdefault(name, []).append(str(path.relative_to(ROOT)))
    assert missing == {}, f"imported at module level but not in [project].dependencies: {missing}"


def test_the_rule_sees_a_dependency_only_the_tests_declare(tmp_path):
    """The check itself can fail: icalendar, as it was (in the test extra only), is reported."""
    module = tmp_path / "ics.py"
    module.write_text("from icalendar import Calendar\n", encoding="utf-8")
    assert module_level_imports(module) == {"icalendar"}
    runtime = runtime_distributions() - {"icalendar"}
    assert not {d.lower() for d in packages_distributions()["icalendar"]} & runtime
