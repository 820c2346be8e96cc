"""The layout guards itself: `lint-imports` keeps the contracts in pyproject.toml on this
tree, and breaks them when a copy of the tree gets an upward import or an import circle."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.skipif(
    not LINT_IMPORTS.exists(), reason="lint-imports is not installed (pip install -e '.[dev]')"
)


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=root,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def tree_copy(tmp_path):
    """The packages and pyproject.toml, copied, to break on purpose."""
    for name in ("game", "cards", "innovation_track"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def add_import(path: Path, line: str) -> None:
    path.write_text(path.read_text() + f"\n{line}\n")


def test_the_tree_keeps_every_contract():
    """`lint-imports` on the tree as it is: every contract kept."""
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" not in result.stdout.lower().replace("0 broken", "")


def test_a_service_importing_a_page_breaks_the_layers(tree_copy):
    """A service that reaches up into the pages fails `lint-imports`, naming the import."""
    add_import(tree_copy / "game" / "table" / "play.py", "from game.views import host  # noqa")
    result = lint_imports(tree_copy)
    assert result.returncode != 0
    assert "game.table.play -> game.views.host" in result.stdout


def test_the_delivery_layer_importing_a_service_breaks_the_layers(tree_copy):
    """`game.realtime` knows the models only: importing the table's play from it fails."""
    add_import(tree_copy / "game" / "realtime" / "live.py", "from game.table import play  # noqa")
    result = lint_imports(tree_copy)
    assert result.returncode != 0
    assert "game.realtime.live -> game.table.play" in result.stdout


def test_the_engine_importing_django_breaks_its_contract(tree_copy):
    """The engine stays the rules alone: an import of Django in it fails."""
    add_import(tree_copy / "game" / "engine" / "rules.py", "import django  # noqa")
    result = lint_imports(tree_copy)
    assert result.returncode != 0
    assert "The engine is the rules alone" in result.stdout
    assert "game.engine.rules -> django" in result.stdout


def test_a_circle_inside_a_package_breaks_the_acyclic_contract(tree_copy):
    """Two modules of one package that import each other (even inside a function) fail."""
    move_sql = tree_copy / "game" / "table" / "move_sql.py"
    add_import(move_sql, "def _circle():\n    from game.table import away  # noqa")
    result = lint_imports(tree_copy)
    assert result.returncode != 0
    assert "No import circles" in result.stdout
    assert "cycles are allowed in game.table" in result.stdout
    assert ".move_sql -> .away" in result.stdout
