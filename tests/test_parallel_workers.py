"""`make test` runs in parallel (pytest-xdist): each worker keeps its files, databases and Redis keys apart."""

import os
from pathlib import Path

from django.conf import settings
from django.db import connection

from .conftest import WORKER, _moved, worker_redis_url


def test_paths_under_the_data_directory_move_and_others_stay():
    value = {"NAME": "/data/test.sqlite3", "TEST": {"NAME": "/data/t.sqlite3"}, "OTHER": "/database"}
    assert _moved(value, "/data", "/data/gw1") == {"NAME": "/data/gw1/test.sqlite3",
                                                    "TEST": {"NAME": "/data/gw1/t.sqlite3"}, "OTHER": "/database"}
    assert _moved([Path("/data/media"), "/data", 3], "/data", "/data/gw1") == [Path("/data/gw1/media"),
                                                                               "/data/gw1", 3]


def test_each_worker_has_its_own_redis_databases(monkeypatch):
    from . import conftest

    monkeypatch.setattr(conftest, "WORKER_INDEX", 0)
    assert worker_redis_url("redis://127.0.0.1:6379/3") == "redis://127.0.0.1:6379/3"
    monkeypatch.setattr(conftest, "WORKER_INDEX", 2)
    assert worker_redis_url("redis://127.0.0.1:6379/3") == "redis://127.0.0.1:6379/5"
    assert worker_redis_url("redis://:secret@cache.lan:6380/15") == "redis://:secret@cache.lan:6380/1"
    assert worker_redis_url("redis://127.0.0.1:6379") == "redis://127.0.0.1:6379/2"


def test_this_worker_writes_in_its_own_data_directory(db):
    if not WORKER:
        assert "PYTEST_XDIST_WORKER" not in os.environ
        return
    own = Path(os.environ["GUICHET_DATA_DIR"])
    assert own.name == WORKER and Path(settings.DATA_DIR) == own  # what subprocesses inherit, too
    assert Path(settings.MEDIA_ROOT).is_relative_to(own)
    if connection.vendor == "sqlite":
        assert Path(connection.settings_dict["NAME"]).is_relative_to(own)
    assert connection.settings_dict["NAME"].endswith(f"_{WORKER}")  # pytest-django's suffix
