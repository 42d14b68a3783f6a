"""The door to patient data, checked on the source (ADR 0012): views and routes write no
audit events, every read that audits is named `access_*` and audits as a read (one event per
request), and nobody chooses with a flag."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import needlepoint

SRC = Path(needlepoint.__file__).parent
AUDIT_MODULE = "needlepoint.safety.audit"
# Where reads live: each app's selectors, and the packages that read across the record.
READ_PACKAGES = ("records", "reports", "interop")
AUDIT_CALLS = ("audit_record", "audit_read")


def _modules() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(SRC.rglob("*.py")):
        name = path.relative_to(SRC).as_posix()
        if "/migrations/" not in name:
            yield name, ast.parse(path.read_text(), name)


def _is_read_module(name: str) -> bool:
    package, _, module = name.rpartition("/")
    return module == "selectors.py" or (package in READ_PACKAGES and module != "services.py")


def _is_door(name: str) -> bool:
    return name.removeprefix("_").startswith("access_")


def _calls(function: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Call):
            target = node.func
            names.add(
                target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
            )
    return names


def test_views_and_routes_write_no_audit_events() -> None:
    offenders = []
    for name, tree in _modules():
        if name.split("/")[0] not in ("web", "api"):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (
                node.module == AUDIT_MODULE
                or any(alias.name in AUDIT_CALLS for alias in node.names)
                or (
                    node.module == "needlepoint.safety"
                    and any(a.name == "audit" for a in node.names)
                )
            ):
                offenders.append(name)
            if isinstance(node, ast.Import) and any(a.name == AUDIT_MODULE for a in node.names):
                offenders.append(name)
    assert offenders == []


def test_every_read_that_audits_is_named_access() -> None:
    """A read that writes an audit event, itself or through another `access_*` read, says so
    in its name; `*_in_scope` and the other finders never audit."""
    offenders = []
    for name, tree in _modules():
        if not _is_read_module(name):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not _is_door(node.name):
                audits = {c for c in _calls(node) if c in AUDIT_CALLS or _is_door(c)}
                if audits:
                    offenders.append(f"{name}:{node.name} calls {sorted(audits)}")
    assert offenders == []


def test_reads_audit_as_reads() -> None:
    """Reads go through `audit_read`, which a request gathers into one event; `audit_record`
    (an event at once, in the caller's transaction) is for writes."""
    offenders = [
        f"{name}:{node.name}"
        for name, tree in _modules()
        if _is_read_module(name)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and "audit_record" in _calls(node)
    ]
    assert offenders == []


def test_no_function_takes_an_audit_flag() -> None:
    offenders = [
        f"{name}:{node.name}"
        for name, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and any(
            arg.arg == "audit" or arg.arg.startswith("audit_")
            for arg in [*node.args.args, *node.args.kwonlyargs, *node.args.posonlyargs]
        )
    ]
    assert offenders == []
