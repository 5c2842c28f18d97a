"""The package is laid out by stage, and each stage imports only the stages below it (no cycle, no call
back up): a newcomer can read the build from the file list, bottom to top."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "superclusters"

# Bottom to top. A module may import its own stage and any stage below it, never one above.
STAGES = ("errors", "inputs", "normalise", "derive", "check", "publish", "build", "curate", "site", "loader")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """The superclusters modules `path` imports, anywhere in the file (lazy imports count too)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("superclusters"):
                found.add(target)
                # `from . import x` and `from .pkg import mod` may name modules
                found.update(f"{target}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("superclusters"))
    return found


def modules() -> dict[str, set[str]]:
    every = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {name: {t for t in imports(path) if t in every and t != name} for name, path in every.items()}


def stage(module: str) -> int | None:
    parts = module.split(".")
    return STAGES.index(parts[1]) if len(parts) > 1 and parts[1] in STAGES else None


def test_every_module_sits_in_a_stage():
    loose = sorted(m for m in modules() if m != "superclusters" and stage(m) is None)
    assert loose == [], f"modules outside the stages {STAGES}: {loose}"


def test_no_stage_imports_a_stage_above_it():
    upward = []
    for name, targets in modules().items():
        here = stage(name)
        for target in targets:
            there = stage(target)
            if here is not None and there is not None and there > here:
                upward.append(f"{name} -> {target}")
    assert upward == [], "imports that climb back up a stage: " + ", ".join(sorted(upward))


def test_no_import_cycle():
    graph = modules()
    # the package's __init__ and a subpackage's __init__ re-exporting its own modules are not cycles of code
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for target in sorted(graph[node]):
            if target == "superclusters" or node.startswith(target + ".") or target.startswith(node + "."):
                continue
            if state.get(target) == 1:
                cycles.append(" -> ".join(path[path.index(target) :] + [target]))
            elif target not in state:
                visit(target, path + [target])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert cycles == [], "import cycles: " + "; ".join(cycles)


def test_the_checker_sees_an_upward_import(tmp_path, monkeypatch):
    """The layering test can fail: a derive module importing the build is caught."""
    fake = tmp_path / "superclusters"
    (fake / "derive").mkdir(parents=True)
    (fake / "build").mkdir()
    (fake / "__init__.py").write_text("")
    (fake / "derive" / "__init__.py").write_text("")
    (fake / "build" / "__init__.py").write_text("")
    (fake / "build" / "pipeline.py").write_text("from ..derive import x\n")
    (fake / "derive" / "x.py").write_text("def f():\n    from ..build.pipeline import y\n")
    monkeypatch.setattr(__import__(__name__), "PACKAGE", fake)
    graph = modules()
    assert "superclusters.build.pipeline" in graph["superclusters.derive.x"]
    try:
        test_no_stage_imports_a_stage_above_it()
    except AssertionError as exc:
        assert "superclusters.derive.x -> superclusters.build.pipeline" in str(exc)
    else:
        raise AssertionError("an upward import went unnoticed")


def test_the_commands_default_root_is_this_checkout(root):
    """`python -m superclusters.publish.generated`, `.figure`, `.publish.card` and `.build.release` all
    default to CHECKOUT: it must be the folder holding pyproject.toml, wherever the module sits."""
    from superclusters.inputs import CHECKOUT

    assert CHECKOUT == root and (CHECKOUT / "pyproject.toml").is_file()
