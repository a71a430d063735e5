"""The type stubs and the docstrings cover the public API."""

import ast
import inspect
import pathlib

import capflow


def test_every_public_name_has_a_stub_and_a_docstring():
    stub = pathlib.Path(capflow.__file__).with_name("__init__.pyi")
    tree = ast.parse(stub.read_text(encoding="utf-8"))
    stubbed = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    stubbed |= {t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets
                if isinstance(t, ast.Name)}
    for name in capflow.__all__:
        assert name in stubbed, f"{name} has no stub"
        obj = getattr(capflow, name)
        assert inspect.getdoc(obj), f"{name} has no docstring"
    assert (stub.parent / "py.typed").exists()
