"""The code's own promises: ruff, mypy --strict, import layers, and a scheduler with no asyncio."""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _run(*cmd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)


def _tool(name: str) -> str:
    path = BIN / name
    found = str(path) if path.exists() else shutil.which(name)
    assert found, f"{name} is not installed (it is in the [test] extra)"
    return found


def test_ruff_lint_is_clean():
    result = _run(_tool("ruff"), "check", "src", "tests", "bench")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy_strict_is_clean():
    result = _run(_tool("mypy"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_import_layers_hold():
    result = _run(_tool("lint-imports"))
    assert result.returncode == 0, result.stdout + result.stderr


def _async_nodes(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.AsyncFunctionDef | ast.Await | ast.AsyncWith | ast.AsyncFor):
            found.append(f"{path.name}:{node.lineno} {type(node).__name__}")
        elif isinstance(node, ast.Import):
            found += [
                f"{path.name}:{node.lineno} import {a.name}"
                for a in node.names
                if a.name.split(".")[0] in {"asyncio", "aio_pika", "aiormq", "asyncpg"}
            ]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in {
            "asyncio",
            "aio_pika",
            "aiormq",
            "asyncpg",
        }:
            found.append(f"{path.name}:{node.lineno} from {node.module}")
    return found


def test_async_detector_catches_async_code(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import asyncio\nasync def f():\n    await g()\n")
    assert len(_async_nodes(sample)) == 3


def test_scheduler_has_no_async_code():
    package = ROOT / "src" / "game_scheduler" / "scheduler"
    files = sorted(package.rglob("*.py"))
    assert files, "the scheduler package is missing"
    offenders = [hit for path in files for hit in _async_nodes(path)]
    assert offenders == []
