"""`guichet backup` then `guichet restore` into an empty database gives back every row of every model,
on the database the tests run on (SQLite by default, PostgreSQL with GUICHET_DATABASE_URL)."""

import uuid

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.db.utils import load_backend

from guichet.core.backups import BackupError, restore_media

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
SAMPLE = 5  # rows compared field by field at each end of every table


@pytest.fixture
def empty_database(tmp_path):
    """A second alias pointing at a new, empty database of the same engine; dropped afterwards."""
    settings = dict(connections.settings["default"])
    if connection.vendor == "sqlite":
        settings["NAME"] = str(tmp_path / "restored.sqlite3")
    else:
        settings["NAME"] = f"guichet_restore_{uuid.uuid4().hex[:10]}"
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{settings["NAME"]}"')
    # A connection made here, not declared in settings: Django's test case allows such dynamic aliases.
    connections["restored"] = load_backend(settings["ENGINE"]).DatabaseWrapper(settings, "restored")
    yield "restored"
    connections["restored"].close()
    del connections["restored"]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{settings["NAME"]}" WITH (FORCE)')


def plain(row: dict) -> dict:
    return {k: bytes(v) if isinstance(v, memoryview) else v for k, v in row.items()}


def snapshot(alias: str) -> dict:
    out = {}
    for model in apps.get_models():
        if not model._meta.managed or model._meta.proxy:
            continue
        rows = model._base_manager.using(alias).order_by("pk")
        count = rows.count()
        sample = [plain(r) for r in rows.values()[:SAMPLE]]
        if count > SAMPLE:
            sample += [plain(r) for r in rows.order_by("-pk").values()[:SAMPLE]]
        out[model._meta.label] = (count, sample)
    return out


def test_backup_then_restore_into_an_empty_database_gives_every_row_back(tmp_path, empty_database):
    call_command("loaddemo", verbosity=0)
    before = snapshot("default")
    assert sum(count for count, _ in before.values()) > 500  # the demo is really there
    assert before["directory.Organization"][0] > 0 and before["core.AuditEvent"][0] > 0

    dump = tmp_path / "guichet.backup"
    call_command("backup", str(dump), verbosity=0)
    assert dump.stat().st_size > 0 and not dump.with_name(dump.name + ".partial").exists()

    call_command("restore", str(dump), database=empty_database, verbosity=0)
    after = snapshot(empty_database)
    assert after.keys() == before.keys()
    for label, (count, sample) in before.items():
        assert after[label][0] == count, label
        assert after[label][1] == sample, label

    # The restored database is not touched twice by mistake: it is no longer empty.
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(dump), database=empty_database, verbosity=0)


def test_restore_refuses_a_file_that_is_not_a_backup_of_this_engine(tmp_path, empty_database):
    junk = tmp_path / "notes.txt"
    junk.write_text("not a backup")
    with pytest.raises(CommandError, match="is not a"):
        call_command("restore", str(junk), database=empty_database, verbosity=0)
    with pytest.raises(CommandError, match="no such file"):
        call_command("restore", str(tmp_path / "missing"), database=empty_database, verbosity=0)


def test_uploaded_files_are_archived_and_restored_beside_the_database(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "desk" / "7").mkdir(parents=True)
    (settings.MEDIA_ROOT / "desk" / "7" / "devis.pdf").write_bytes(b"%PDF-1.7 quote")
    (settings.MEDIA_ROOT / "orders").mkdir()
    (settings.MEDIA_ROOT / "orders" / "plan.xlsx").write_bytes(b"PK workbook")
    dump, archive = tmp_path / "db.backup", tmp_path / "media.tar"
    call_command("backup", str(dump), media=str(archive), verbosity=0)

    settings.MEDIA_ROOT = tmp_path / "restored-media"

    assert restore_media(archive) == 2
    assert (settings.MEDIA_ROOT / "desk" / "7" / "devis.pdf").read_bytes() == b"%PDF-1.7 quote"
    assert (settings.MEDIA_ROOT / "orders" / "plan.xlsx").read_bytes() == b"PK workbook"
    with pytest.raises(BackupError, match="already in"):
        restore_media(archive)  # nothing is overwritten without --force
    assert restore_media(archive, force=True) == 2


def test_a_media_archive_cannot_write_outside_the_media_directory(tmp_path, settings):
    import io
    import tarfile

    settings.MEDIA_ROOT = tmp_path / "media"
    archive = tmp_path / "evil.tar"
    with tarfile.open(archive, "w") as tar:
        data = b"owned"
        info = tarfile.TarInfo("../outside.txt")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    with pytest.raises(BackupError, match="refused"):
        restore_media(archive)
    assert not (tmp_path / "outside.txt").exists()


def test_restore_refuses_a_clashing_media_archive_before_it_touches_the_database(tmp_path, settings, empty_database):
    """`restore DUMP --media TAR` whose files are already there used to load the database, then refuse the
    files with status 1: a database restored without its uploads, and a second attempt refused as "not empty"."""
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "desk").mkdir(parents=True)
    (settings.MEDIA_ROOT / "desk" / "devis.pdf").write_bytes(b"%PDF-1.7 quote")
    dump, archive = tmp_path / "db.backup", tmp_path / "media.tar"
    call_command("backup", str(dump), media=str(archive), verbosity=0)
    with pytest.raises(CommandError, match="already in"):
        call_command("restore", str(dump), database=empty_database, media=str(archive), verbosity=0)
    assert connections[empty_database].introspection.table_names() == []  # nothing was restored
    junk = tmp_path / "notes.txt"
    junk.write_text("not a tar")
    with pytest.raises(CommandError, match="not a media archive"):
        call_command("restore", str(dump), database=empty_database, media=str(junk), verbosity=0)
    assert connections[empty_database].introspection.table_names() == []
    # Without the clash, the same command restores both.
    settings.MEDIA_ROOT = tmp_path / "new-media"
    call_command("restore", str(dump), database=empty_database, media=str(archive), verbosity=0)
    assert connections[empty_database].introspection.table_names()
    assert (settings.MEDIA_ROOT / "desk" / "devis.pdf").read_bytes() == b"%PDF-1.7 quote"
