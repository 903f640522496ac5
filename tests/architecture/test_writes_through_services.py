"""Views and admin write only through services (docs/architecture.md): no `.save()`,
`.create()`, `.update()`, `.delete()` or `transaction.atomic` in a views or admin module, but
for the deliberate exceptions listed here with their reasons."""

import ast
from pathlib import Path

from django.conf import settings

WRITES = {
    "save", "create", "update", "delete", "bulk_create", "bulk_update", "get_or_create",
    "update_or_create", "atomic",
}
# (module, enclosing function, call) -> why it may stay
EXCEPTIONS = {
    ("accounts/admin.py", "save", "save"): (
        "the add-person ModelForm of Django's admin: the admin saves it in its own transaction "
        "and the audited admin records it"
    ),
    ("accounts/admin.py", "user_change_password", "atomic"): (
        "wraps Django's own password view, which saves by itself, so that the audit row and "
        "the notice are written in its transaction"
    ),
}


def _modules():
    root = Path(settings.BASE_DIR)
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        if relative.startswith((".venv/", "tests/")) or "/migrations/" in relative:
            continue
        name = path.name
        if name.startswith(("views", "admin")) or name.endswith(("_views.py", "_admin.py")):
            yield relative, ast.parse(path.read_text())


def _writes(tree):
    def visit(node, function):
        for child in ast.iter_child_nodes(node):
            inner = function
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                inner = child.name
            if isinstance(child, ast.Call):
                func = child.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name in WRITES:
                    yield function, name, child.lineno
            yield from visit(child, inner)

    yield from visit(tree, "")


def test_views_and_admin_write_only_through_services():
    found, seen = [], set()
    for module, tree in _modules():
        for function, call, line in _writes(tree):
            key = (module, function, call)
            if key in EXCEPTIONS:
                seen.add(key)
            else:
                found.append(f"{module}:{line} {function}() calls .{call}(")
    assert found == [], "write through a service instead:\n" + "\n".join(found)
    assert seen == set(EXCEPTIONS), f"exceptions no longer needed: {set(EXCEPTIONS) - seen}"


def test_the_walk_finds_the_modules():
    modules = {module for module, _tree in _modules()}
    expected = {"billing/ledger_admin/admin_views.py", "ebok/profile_views.py", "faults/views.py"}
    assert expected <= modules
    assert len(modules) >= 20
