"""`guichet assess` in a new process (issue 14, 1,000 antibodies end to end in under 5 s): Django starts with the
antibodies app only, and the reports are those of the full registry, in the same language."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from .test_antibodies import TRASTUZUMAB_VH, TRASTUZUMAB_VL

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import sys
from guichet.__main__ import main
sys.argv = ["guichet", "assess", sys.argv[1], "--json"]
main()
loaded = {"admin": "guichet.impact.services", "api": "ninja", "pdf": "reportlab", "models": "guichet.desk.models"}
print("\\nLOADED", sorted(name for name, module in loaded.items() if module in sys.modules), file=sys.stderr)
"""


@pytest.mark.slow  # a new process loads the engine
@pytest.mark.django_db
def test_the_command_line_loads_only_the_antibodies_app_and_answers_as_the_full_registry(tmp_path):
    path = tmp_path / "two.fasta"
    path.write_text(f">tras_VH\n{TRASTUZUMAB_VH}\n>tras_VL\n{TRASTUZUMAB_VL}\n"
                    f">broken_VH\n{TRASTUZUMAB_VH[:20]}*{TRASTUZUMAB_VH[21:]}\n>broken_VL\n{TRASTUZUMAB_VL}\n")
    # The test run's data directory: its 9-mer index is built already.
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), GUICHET_DATA_DIR=str(settings.DATA_DIR))
    proc = subprocess.run([sys.executable, "-c", PROBE, str(path)], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "LOADED []" in proc.stderr   # no admin, API, PDF or other app's models imported
    alone = json.loads(proc.stdout)
    assert [r["name"] for r in alone] == ["tras", "broken"]
    assert alone[1]["heavy"]["errors"] == ["codon stop en position 21"]   # translated: French, the default
    out = StringIO()
    # In this process, every app loaded; in the new process's language (the site's): a command speaks the
    # language active where it is called, and an earlier test of this worker may have left another one active.
    with translation.override(settings.LANGUAGE_CODE):
        call_command("assess", str(path), "--json", stdout=out)
    assert json.loads(out.getvalue()) == alone
