"""Database backups: SQLite's online backup API, PostgreSQL's pg_dump/pg_restore (custom format).

Both give a consistent snapshot while the platform keeps serving (SQLite copies pages under its own
locking; pg_dump reads one MVCC snapshot). Uploaded files (MEDIA_ROOT) are not in the database:
`backup_media`/`restore_media` archive them as a tar file next to the database backup.
"""

import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.db import connections

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"


class BackupError(Exception):
    """Said to the operator as it is (the commands turn it into a CommandError)."""


def _engine(using: str) -> str:
    vendor = connections[using].vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise BackupError(f"backups support SQLite and PostgreSQL, not {vendor}")
    return vendor


def backup(path: Path, *, using: str = "default") -> str:
    """Write a snapshot of the database to `path` (replaced only once complete); return the engine."""
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    engine = _engine(using)
    if engine == "sqlite":
        connection = connections[using]
        connection.ensure_connection()
        target = sqlite3.connect(partial)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    else:
        _check_pg_tool_version("pg_dump", using)
        _run_pg(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}"], using)
    os.replace(partial, path)
    return engine


def restore(path: Path, *, using: str = "default", force: bool = False) -> str:
    """Load a backup into the database; refuse a database that holds tables unless `force`."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    engine = _engine(using)
    magic = path.open("rb").read(16)
    expected = SQLITE_MAGIC if engine == "sqlite" else PG_CUSTOM_MAGIC
    if not magic.startswith(expected):
        raise BackupError(f"{path} is not a {'SQLite' if engine == 'sqlite' else 'pg_dump custom-format'} "
                          f"backup, and the database is {engine}")
    connection = connections[using]
    tables = connection.introspection.table_names()
    if tables and not force:
        raise BackupError(f"the database is not empty ({len(tables)} tables): restore into an empty database, "
                          "or pass --force to replace its contents")
    if engine == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if source.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"{path} fails SQLite's integrity check")
            connection.ensure_connection()
            source.backup(connection.connection)
        finally:
            source.close()
        connection.close()  # the next query reopens the restored file with the project's pragmas
    else:
        connection.close()
        options = ["--clean", "--if-exists"] if tables else []
        _run_pg(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
                 *options, str(path)], using, database_flag=True)
    return engine


def _pg_env(using: str) -> dict[str, str]:
    params = connections[using].settings_dict
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD"),
                     ("NAME", "PGDATABASE")):
        if params.get(key):
            env[var] = str(params[key])
    if sslmode := (params.get("OPTIONS") or {}).get("sslmode"):
        env["PGSSLMODE"] = sslmode
    return env


def _run_pg(argv: list[str], using: str, database_flag: bool = False) -> None:
    if shutil.which(argv[0]) is None:
        raise BackupError(f"{argv[0]} is not installed (Debian: apt-get install postgresql-client)")
    env = _pg_env(using)
    if database_flag:  # pg_restore takes its target with --dbname, not from PGDATABASE
        argv = [argv[0], f"--dbname={env.get('PGDATABASE', '')}", *argv[1:]]
    done = subprocess.run(argv, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{argv[0]} failed: {done.stderr.strip()[-2000:]}")


def _check_pg_tool_version(tool: str, using: str) -> None:
    """pg_dump refuses a newer server; say so plainly rather than with its own message."""
    connection = connections[using]
    connection.ensure_connection()
    server_major = connection.pg_version // 10000
    if shutil.which(tool) is None:
        raise BackupError(f"{tool} is not installed (Debian: apt-get install postgresql-client)")
    found = re.search(r"(\d+)\.", subprocess.run([tool, "--version"], capture_output=True, text=True).stdout)
    tool_major = int(found.group(1)) if found else 0
    if tool_major < server_major:
        raise BackupError(f"{tool} {tool_major} cannot dump a PostgreSQL {server_major} server: install "
                          f"postgresql-client-{server_major}")


def backup_media(path: Path) -> int:
    """Archive MEDIA_ROOT (uploads) as a tar file; returns the number of files."""
    path, root = Path(path), Path(settings.MEDIA_ROOT)
    partial = path.with_name(path.name + ".partial")
    count = 0
    with tarfile.open(partial, "w") as archive:
        if root.is_dir():
            for file in sorted(p for p in root.rglob("*") if p.is_file()):
                archive.add(file, arcname=str(file.relative_to(root)))
                count += 1
    os.replace(partial, path)
    return count


def check_media(path: Path, *, force: bool = False) -> list[tarfile.TarInfo]:
    """Refuse a media archive that restore_media would refuse, touching nothing: `guichet restore`
    checks it before it loads the database, so a refusal never leaves a database restored without its files."""
    path, root = Path(path), Path(settings.MEDIA_ROOT)
    if not path.is_file() or not tarfile.is_tarfile(path):
        raise BackupError(f"{path} is not a media archive (tar)")
    with tarfile.open(path) as archive:
        members = [m for m in archive.getmembers() if m.isfile()]
        # The "data" filter refuses absolute paths, "..", links out of the tree and device files.
        for member in archive.getmembers():
            try:
                tarfile.data_filter(member, str(root))
            except tarfile.FilterError as exc:
                raise BackupError(f"{path}: refused to unpack {exc}") from exc
    clashes = [m.name for m in members if (root / m.name).exists()]
    if clashes and not force:
        raise BackupError(f"{len(clashes)} files already in {root} (first: {clashes[0]}); "
                          "pass --force to overwrite them")
    return members


def restore_media(path: Path, *, force: bool = False) -> int:
    """Unpack a media archive into MEDIA_ROOT; refuse to overwrite a file unless `force`."""
    path, root = Path(path), Path(settings.MEDIA_ROOT)
    names = {m.name for m in check_media(path, force=force)}
    with tarfile.open(path) as archive:
        members = [m for m in archive.getmembers() if m.isfile() and m.name in names]
        root.mkdir(parents=True, exist_ok=True)
        try:
            archive.extractall(root, members=members, filter="data")
        except tarfile.FilterError as exc:
            raise BackupError(f"{path}: refused to unpack {exc}") from exc
    return len(members)
