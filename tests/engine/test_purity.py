"""The engine is the standard library only: no Django, no I/O, no clock, no global random."""

import ast
import subprocess
import sys
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[2] / "game" / "engine"
ALLOWED = {"__future__", "collections", "dataclasses", "functools", "random", "types", "typing"}


def test_importing_the_engine_loads_no_django():
    code = (
        "import sys, game.engine; "
        "print(','.join(m for m in sys.modules if m == 'django' or m.startswith('django.')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ENGINE.parents[1],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == ""


def engine_modules():
    return [(path, ast.parse(path.read_text())) for path in sorted(ENGINE.glob("*.py"))]


def test_the_engine_imports_only_the_standard_library():
    for path, tree in engine_modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                assert top in ALLOWED or name.startswith("game.engine"), f"{path.name}: {name}"


def test_the_engine_uses_no_global_random():
    for path, tree in engine_modules():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "random"
            ):
                assert node.attr == "Random", f"{path.name}: random.{node.attr}"
