"""The front-end packages: exact versions from the npm registry, the copies the portal serves equal to the
installed package (so `make assets` was run after a version change), and nothing loaded from elsewhere."""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "static" / "vendor"
COPIED = {
    "tom-select/tom-select.complete.min.js": "tom-select/dist/js/tom-select.complete.min.js",
    "tom-select/tom-select.bootstrap5.min.css": "tom-select/dist/css/tom-select.bootstrap5.min.css",
}


def test_every_npm_package_is_pinned_exactly_and_locked():
    package = json.loads((ROOT / "package.json").read_text())
    lock = json.loads((ROOT / "package-lock.json").read_text())
    wanted = {**package.get("dependencies", {}), **package.get("devDependencies", {})}
    assert wanted, "package.json names no package"
    for name, version in wanted.items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name} {version} is a range, not a version"
        assert lock["packages"][f"node_modules/{name}"]["version"] == version


def test_the_served_copies_are_the_installed_packages_files():
    if not (ROOT / "node_modules" / "tom-select").exists():
        pytest.fail("node_modules/ is missing: run `make assets` (npm ci) first")
    for served, installed in COPIED.items():
        assert (VENDOR / served).read_bytes() == (ROOT / "node_modules" / installed).read_bytes(), served


def test_no_page_loads_a_script_or_stylesheet_from_another_site():
    pattern = re.compile(r"<(script|link)[^>]+(src|href)=\"(https?:)?//", re.I)
    templates = [
        p for p in ROOT.glob("**/templates/**/*.html") if ".venv" not in p.parts and "node_modules" not in p.parts
    ]
    assert templates
    assert [str(p.relative_to(ROOT)) for p in templates if pattern.search(p.read_text(encoding="utf-8"))] == []
