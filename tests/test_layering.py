"""The packages form layers: each imports only from the layers below it, never from its own layer
or above. The order is written here, once; a new app takes its place in it."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Bottom first. Packages on one line are siblings: neither imports the other.
LAYERS: list[set[str]] = [
    {"access", "mail", "atlas"},
    {"accounts", "privacy"},
    {"api"},
    {"communities"},
    {"programmes"},
    {"negotiators"},
    {"training", "incidents", "events"},
    {"planning", "support", "photos"},
    {"casework"},
    {"reports", "sync"},
    {"imports"},
    {"field", "dashboard"},
    {"config"},
]
# Developer tools and the tests may import anything; nothing imports them.
OUTSIDE = {"tools", "tests"}
RANK = {package: rank for rank, layer in enumerate(LAYERS) for package in layer}


def imported_packages(path: Path) -> set[str]:
    """The project packages ``path`` imports (at any depth, lazily inside functions too)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found & (set(RANK) | OUTSIDE)


def modules_of(package: str) -> list[Path]:
    return [path for path in sorted((ROOT / package).rglob("*.py")) if "migrations" not in path.parts]


def test_every_project_package_has_its_layer():
    packages = {path.parent.name for path in ROOT.glob("*/__init__.py")}
    assert packages - set(RANK) - OUTSIDE == set()


@pytest.mark.parametrize("package", sorted(RANK))
def test_a_package_imports_only_from_the_layers_below(package):
    uphill = []
    for path in modules_of(package):
        for imported in imported_packages(path):
            if imported != package and (imported in OUTSIDE or RANK[imported] >= RANK[package]):
                uphill.append(f"{path.relative_to(ROOT)} imports {imported}")
    assert uphill == []
