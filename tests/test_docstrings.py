"""numpydoc habits: every public function documents its Parameters and what it Returns."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "zonekit"


def public_functions():
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent)
        if "cli" in rel.parts or any(p.startswith("_") and p != "__init__.py" for p in rel.parts[1:]):
            continue  # click commands document themselves in --help; private modules are private
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                yield pytest.param(node, id=f"{rel}:{node.name}")
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                for sub in node.body:
                    if isinstance(sub, ast.FunctionDef) and not sub.name.startswith("_"):
                        if any(isinstance(d, ast.Name) and d.id == "property" for d in sub.decorator_list):
                            continue
                        yield pytest.param(sub, id=f"{rel}:{node.name}.{sub.name}")


def arguments(fn: ast.FunctionDef) -> list[str]:
    a = fn.args
    names = [x.arg for x in a.posonlyargs + a.args + a.kwonlyargs]
    names += [x.arg for x in (a.vararg, a.kwarg) if x is not None]
    return [n for n in names if n not in ("self", "cls")]


def returns_something(fn: ast.FunctionDef) -> bool:
    r = fn.returns
    if r is None:
        return any(isinstance(n, ast.Return) and n.value is not None for n in ast.walk(fn))
    return not (isinstance(r, ast.Constant) and r.value in (None, "None"))


@pytest.mark.parametrize("fn", list(public_functions()))
def test_public_functions_have_parameters_and_returns(fn):
    doc = ast.get_docstring(fn) or ""
    assert doc, "no docstring"
    if arguments(fn):
        assert "Parameters\n----------" in doc, "no Parameters section"
        for name in arguments(fn):
            assert name.lstrip("*") in doc, f"parameter {name} is not documented"
    if returns_something(fn) and not fn.name.startswith("__"):
        assert "Returns\n-------" in doc or "Yields\n------" in doc, "no Returns section"
