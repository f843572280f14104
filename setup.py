"""Build step only: the metadata is in pyproject.toml.

Compiled translations (*.mo) are not in git (they are build products, and every branch editing the .po
files would conflict on binaries), so a wheel built from a clean clone would ship French and English
pages in the source language only. The wheel's build compiles every locale/*/LC_MESSAGES/*.po next to
itself with polib (pure Python, declared in [build-system].requires), so `pip install .` needs no
GNU gettext. Development trees keep using `make messages` (Django's compilemessages, GNU msgfmt).
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class build_py_with_messages(build_py):  # noqa: N801 (setuptools command naming)
    def run(self):
        super().run()
        import polib

        for po_path in Path(self.build_lib, "guichet", "locale").glob("*/LC_MESSAGES/*.po"):
            catalog = polib.pofile(str(po_path))
            # Same rule as msgfmt: fuzzy entries are not compiled, an untranslated entry falls back to msgid.
            catalog.save_as_mofile(str(po_path.with_suffix(".mo")))


setup(cmdclass={"build_py": build_py_with_messages})
