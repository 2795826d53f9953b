"""Dependencies between the project's apps point one way (style.md, "How that lands here").

Each app's source (every ``.py`` file but its migrations and tests) is parsed,
and every import of another project app, at module level or inside a function,
must name an app of a lower layer. Apps in the same layer are siblings and do
not import each other. Where a lower app needs what an upper one has, the upper
app registers its part (``AppConfig.ready``, ``casework.bundle.spec.register``,
``casework.listing.register``, ``casework.guards.guard``).
"""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

# Bottom first. An app may import only from apps of the layers before its own.
LAYERS = [
    {"casework"},  # settings, organisation tree, accounts, scoping, history, registries
    {"beneficiaries"},  # persons, households, schooling, graduates
    {"aid"},  # grants and funds
    {"employment", "notices"},  # employment reuses aid's person-record helpers; notices guard aid grants
    {"stats", "rosters"},  # returns read every record; roster import writes them
    {"portal"},  # home page, file page, demo and synthetic data: may import every app
]
LAYER_OF = {app: depth for depth, layer in enumerate(LAYERS) for app in layer}
SKIPPED_DIRS = {"migrations", "tests"}


def project_apps():
    """The installed apps whose code lives in this repository (not in the virtualenv)."""
    root = Path(settings.BASE_DIR).resolve()
    found = {}
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.parent == root:
            found[config.name] = path
    return found


def imported_apps(source, filename="<source>"):
    """``(line, app)`` for every absolute import in ``source``, by the top-level package it names."""
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module.split(".")[0]


def upward_imports(app, source, filename="<source>"):
    """The imports in ``source`` (a file of ``app``) of project apps not below ``app``."""
    return [
        f"{filename}:{line} imports {target}"
        for line, target in sorted(imported_apps(source, filename))
        if target in LAYER_OF and target != app and LAYER_OF[target] >= LAYER_OF[app]
    ]


def source_files(path):
    for file in sorted(path.rglob("*.py")):
        if not SKIPPED_DIRS.intersection(file.relative_to(path).parts):
            yield file


def test_every_project_app_has_a_layer():
    assert set(project_apps()) == set(LAYER_OF)


@pytest.mark.parametrize("app", sorted(LAYER_OF, key=lambda app: (LAYER_OF[app], app)))
def test_app_imports_only_from_the_layers_below(app):
    root = Path(settings.BASE_DIR).resolve()
    path = project_apps()[app]
    problems, files = [], 0
    for file in source_files(path):
        files += 1
        problems += upward_imports(app, file.read_text(encoding="utf-8"), str(file.relative_to(root)))
    assert files > 0
    assert problems == []


def test_the_check_sees_imports_inside_functions_and_siblings():
    source = (
        "from casework.models import Organisation\n"
        "import notices.models\n"
        "def page():\n"
        "    from portal import views\n"
        "    from . import helpers\n"
    )
    assert upward_imports("stats", source) == ["<source>:4 imports portal"]
    assert upward_imports("employment", source) == ["<source>:2 imports notices", "<source>:4 imports portal"]
    assert upward_imports("portal", source) == []
