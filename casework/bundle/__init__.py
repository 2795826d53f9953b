"""The case bundle (``bundle.md``): import all or nothing, export a subtree.

Each app registers the lists it owns in ``<app>/bundle.py``; see
:mod:`casework.bundle.spec`.
"""

from casework.bundle import organisations  # noqa: F401  (registers the list of units)
from casework.bundle.exporter import export_bundle
from casework.bundle.importer import FORMAT, ImportResult, import_bundle, system_user

__all__ = ["FORMAT", "ImportResult", "export_bundle", "import_bundle", "system_user"]
