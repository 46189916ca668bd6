"""Imports run down the stack only (docs/architecture.md): an app's modules, views and lazy imports inside functions
included, import no app above it; core imports no app at all."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STACK = ["core", "programmes", "trainers", "enterprises", "newsletters", "people", "score_portal"]  # bottom to top
RANK = {app: i for i, app in enumerate(STACK)}


def _imported_modules(root: Path, path: Path) -> list[tuple[int, str]]:
    """Every module a file imports, at any depth of the file (``import`` inside a function counts), relative
    imports resolved against the file's package."""
    package = list(path.relative_to(root).with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                found.append((node.lineno, ".".join([*base, node.module] if node.module else base)))
            else:
                found.append((node.lineno, node.module or ""))
    return found


def _upward_imports(app: str, root: Path = ROOT) -> list[str]:
    upward = []
    for path in sorted((root / app).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for lineno, module in _imported_modules(root, path):
            top = module.split(".")[0]
            if top in RANK and RANK[top] > RANK[app]:
                upward.append(f"{path.relative_to(root)}:{lineno} imports {module}")
    return upward


@pytest.mark.parametrize("app", STACK[:-1])
def test_no_import_runs_up_the_stack(app):
    assert _upward_imports(app) == []


def test_the_check_sees_imports_inside_functions(tmp_path):
    # given a view of a low app that imports a higher app at the top and lazily inside a method
    (tmp_path / "programmes" / "pages").mkdir(parents=True)
    (tmp_path / "programmes" / "pages" / "views.py").write_text(
        "from . import forms\nimport trainers.models\n\nclass Page:\n    def get(self):\n"
        "        from enterprises.models import Enterprise\n"
    )
    # then both upward imports are reported, and the relative import of its own package is not
    assert sorted(_upward_imports("programmes", tmp_path)) == [
        "programmes/pages/views.py:2 imports trainers.models",
        "programmes/pages/views.py:6 imports enterprises.models",
    ]
