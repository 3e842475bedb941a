"""Build step of the wheel: the package carries the repository's rules.yaml and macros/*.bas.

Those top-level files are the only copies anyone edits. Building copies them into the package as
xxgk/data/ (read at run time by xxgk.resources through importlib.resources); nothing is copied into
src/, so there is never a second hand-kept copy. Everything else about the build is in pyproject.toml.
"""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
# source in the repository -> place under xxgk/data/ (xxgk.resources names the same places)
SHIPPED = {"rules.yaml": "rules.yaml", "macros": "macros"}


class BuildWithData(build_py):
    """build_py that also puts rules.yaml and macros/*.bas into the built package."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout's own files (xxgk.resources)
        data = Path(self.build_lib) / "xxgk" / "data"
        shutil.rmtree(data, ignore_errors=True)  # a .bas deleted from macros/ must not linger from an old build
        data.mkdir(parents=True)
        for source, place in SHIPPED.items():
            path = ROOT / source
            if path.is_dir():
                (data / place).mkdir()
                for module in sorted(path.glob("*.bas")):
                    shutil.copyfile(module, data / place / module.name)
            else:
                shutil.copyfile(path, data / place)


setup(cmdclass={"build_py": BuildWithData})
