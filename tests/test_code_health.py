"""Code health (issue 10, items 4 and 9): the record-type registry, the dependency rule of ARCHITECTURE.md,
and the debris that went (each of these failed on the code before)."""

import ast
import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import guichet
from guichet.directory.models import Organization, RecordKind

ROOT = Path(guichet.__file__).parent


def _modules():
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        rel = path.relative_to(ROOT.parent).with_suffix("")
        parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
        yield ".".join(parts), path


def _imports(name: str, path: Path, *, module_level: bool = True) -> set[str]:
    """The guichet modules a module imports (at module level, or anywhere in it)."""
    tree = ast.parse(path.read_text())
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in (tree.body if module_level else ast.walk(tree)):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found |= {module} | {f"{module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
    return {m for m in found if m.startswith("guichet.")}


MODULES = dict(_modules())
GRAPH = {name: {m for m in _imports(name, path) if m in MODULES and m != name} for name, path in MODULES.items()}

# The dependency rule of ARCHITECTURE.md, as (importer prefix, forbidden prefixes).
BUSINESS = ("bookings", "desk", "partnerships", "startups", "programmes", "antibodies", "events", "partnering",
            "clinical", "transfer",
            # --- the apps written since (issues 11-13) ---
            "talent", "calls", "groups", "facility", "declarations",
            # --- hosting spaces (issue 13) ---
            "hosting",
            # --- single sign-on (issue 12) ---
            "signon")
APPS = ("accounts", "directory", "platforms", "matching", *BUSINESS, "impact", "privacy")
FOUNDATION = ("audit", "bounds", "exports", "fields", "i18n", "ics", "idempotency", "mail", "params", "ratelimit", "text",
              "uploads", "workdays", "services", "api_errors", "models",
              # --- one refusal and one page action (issue 10) ---
              "errors", "actions")
RULES = [
    *[(f"guichet.core.{m}", [f"guichet.{a}" for a in APPS]) for m in FOUNDATION],
    ("guichet.accounts", ["guichet." + a for a in APPS if a not in ("accounts", "privacy")]),
    ("guichet.directory.models", ["guichet.platforms", "guichet.matching"]),
    ("guichet.matching.profile", ["guichet.directory"]),
    ("guichet.matching.lexicon", ["guichet.directory"]),
    ("guichet.matching.semantic", ["guichet.directory"]),
    ("guichet.matching.vocabulary", ["guichet.directory"]),
    *[(f"guichet.{a}", ["guichet.impact"]) for a in APPS if a != "impact"],
    *[(f"guichet.{low}", [f"guichet.{high}" for high in BUSINESS])
      for low in ("directory", "platforms.models", "platforms.selectors", "platforms.services")],
]


def test_the_dependency_rule_holds():
    # Commands are entry points, above every app (loaddemo loads every app's demo).
    broken = sorted(f"{name} imports {target}" for name, targets in GRAPH.items() for target in targets
                    if ".management." not in name
                    for importer, forbidden in RULES if name.startswith(importer)
                    for prefix in forbidden if target.startswith(prefix))
    assert broken == []


def test_no_import_cycle_between_modules():
    """At module level no module imports one that imports it back (a function-local import hid the old
    exchange ↔ services circle)."""
    seen, cycles = {}, []

    def visit(name, trail):
        if seen.get(name) == "done":
            return
        if name in trail:
            cycles.append(trail[trail.index(name):] + [name])
            return
        for target in sorted(GRAPH[name]):
            visit(target, trail + [name])
        seen[name] = "done"

    for name in sorted(GRAPH):
        visit(name, [])
    assert cycles == []


def test_exchange_and_services_no_longer_import_each_other():
    """Not even inside a function: the plan's diff and the canonical records have homes of their own
    (directory/diff.py, directory/kinds.py), below both."""
    def anywhere(name):
        return _imports(name, MODULES[name], module_level=False)

    exchange = [name for name in MODULES if name.startswith("guichet.directory.exchange")]
    assert len(exchange) == 6  # the package and its read, check, records, plan and xlsx modules
    assert not {m for name in exchange for m in anywhere(name) if m.startswith("guichet.directory.services")}
    assert not {m for m in anywhere("guichet.directory.services") if m.startswith("guichet.platforms.services")}


def test_the_full_text_sql_is_written_in_one_module():
    writers = sorted(name for name, path in MODULES.items()
                     if "to_tsquery" in path.read_text() or "directory_searchentry_fts MATCH" in path.read_text())
    assert writers == ["guichet.directory.search"]


def test_the_registry_knows_every_record_kind():
    from guichet.directory import kinds

    assert set(kinds.REGISTRY) == set(RecordKind.values)
    assert {t.model._meta.label for t in kinds.REGISTRY.values()} == {
        "directory.Organization", "directory.Person", "platforms.Platform", "platforms.Service",
        "platforms.Instrument"}


@pytest.mark.django_db
def test_a_page_of_results_reads_the_platform_of_its_services_once(client):
    """The directory list linked each service and instrument to its platform with one query per result."""
    from guichet.directory.search import index_records
    from guichet.platforms.models import Instrument, Platform, Service

    org = Organization.objects.create(key="org-n", name="Cytometry house", kind="research_lab")
    platform = Platform.objects.create(key="plat-n", name="Cytometry platform", organization=org)
    index_records([org, platform])

    def queries(count):
        made = [Service(key=f"svc-{len(Service.objects.all())}-{i}", name=f"Cytometry service {i}",
                        platform=platform) for i in range(count)]
        made += [Instrument(key=f"ins-{len(Instrument.objects.all())}-{i}", name=f"Cytometry instrument {i}",
                            platform=platform) for i in range(count)]
        for record in made:
            record.save()
        index_records(made)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("directory:list"), {"q": "cytometry"})
        assert response.status_code == 200
        page = response.content.decode()
        assert f'href="/platforms/plat-n/#{made[0].key}"' in page
        return len(captured.captured_queries)

    queries(1)  # the first page of a process reads its vocabulary and session: not what is counted
    few, more = queries(2), queries(6)
    assert more == few


@pytest.mark.django_db
def test_a_platforms_absolute_url_is_its_page(client):
    from guichet.platforms.models import Platform

    org = Organization.objects.create(key="org-u", name="U", kind="research_lab")
    platform = Platform.objects.create(key="plat-u", name="Genomics platform", organization=org)
    url = platform.get_absolute_url()  # raised NoReverseMatch (a URL name that does not exist)
    assert url == "/platforms/plat-u/"
    assert "Genomics platform" in client.get(url).content.decode()


def test_the_dead_code_is_gone():
    from guichet.accounts.models import User
    from guichet.directory.models import ImportBatch
    from guichet.platforms.models import Service

    assert not hasattr(User, "is_cluster_staff") and not hasattr(Service, "prices")
    from guichet.core import text
    from guichet.desk.templatetags import desk_links
    from guichet.directory import kinds
    from guichet.events import qr

    # Never called: a template tag no template loads, a QR reader no test reads, two helpers left behind.
    assert not any(hasattr(module, name) for module, name in [
        (desk_links, "desk_provider_path"), (qr, "qr_matrix"), (text, "query_terms"), (kinds, "record_url")])
    assert "discarded" not in ImportBatch.Status.values
    empty = [str(p.parent.relative_to(ROOT)) for p in ROOT.glob("*/management/commands/__init__.py")
             if not [c for c in p.parent.glob("*.py") if c.name != "__init__.py"]]
    assert empty == []


def test_page_contexts_have_no_one_letter_names():
    views = sorted(name for name, path in MODULES.items() if name.endswith(".views") or ".views." in name
                   for node in ast.walk(ast.parse(path.read_text())) if isinstance(node, ast.Call)
                   and getattr(node.func, "id", "") == "render" and len(node.args) >= 3
                   and isinstance(node.args[2], ast.Dict)
                   for key in node.args[2].keys if isinstance(key, ast.Constant) and len(str(key.value)) == 1)
    assert views == []


# --- every app (issue 10, item 2): the rules and ARCHITECTURE's tables name them all ---
def _apps_on_disk():
    return sorted(p.parent.name for p in ROOT.glob("*/apps.py") if p.parent.name not in ("core", "config"))


def test_the_dependency_rule_names_every_app():
    assert sorted(APPS) == _apps_on_disk()


LAYERS = {"models": "models.py", "services": "services.py", "selectors": "selectors.py",
          "permissions": "permissions.py", "views": ("views.py", "views"), "api": "api.py", "admin": "admin.py"}


def _layer_table():
    """ARCHITECTURE's "layers each app has" table: app → {layer: the cell}."""
    text = (ROOT.parent.parent / "ARCHITECTURE.md").read_text(encoding="utf-8")
    section = text.split("### The layers each app has", 1)[1].split("###", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    header = [c.strip() for c in next(line for line in section.splitlines() if line.startswith("| app")).split("|")]
    table = {}
    for row in rows:
        cells = [c.strip() for c in row.split("|")]
        for app in (a.strip(" `") for a in cells[1].split(",")):
            table[app] = {header[k]: cells[k] for k in range(2, len(header) - 2) if header[k] in LAYERS}
    return table


def test_the_layer_table_names_every_app_and_says_what_it_has():
    table = _layer_table()
    assert sorted(table) == _apps_on_disk()
    wrong = []
    for app, cells in table.items():
        for layer, names in LAYERS.items():
            names = (names,) if isinstance(names, str) else names
            present = any((ROOT / app / name).exists() for name in names)
            instead = re.findall(r"`([\w/]+\.py|[\w]+/)`", cells[layer])  # the layer split into these files
            present = present or bool(instead) and all((ROOT / app / name).exists() for name in instead)
            said = cells[layer] != "—"
            if present != said:
                wrong.append(f"{app}: {layer} is {'there' if present else 'missing'}, the table says {cells[layer]!r}")
    assert wrong == []
