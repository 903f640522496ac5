"""Every environment variable that ebok/settings.py or gunicorn.conf.py reads is named in
docs/operations.md, where the person who deploys looks for it."""

import ast
import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# settings.py: env("X"), env.<type>("X"), _strict_bool("X", …), "X" in env.ENVIRON;
# gunicorn.conf.py: os.environ.get("X"), os.environ["X"], os.getenv("X").
READERS = {"env", "_strict_bool", "getenv"}


def _name_of(node):
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _is_environ(node):
    return isinstance(node, ast.Attribute) and node.attr in {"environ", "ENVIRON"}


def variables_read(path):
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and node.args:
            function = node.func
            reader = (
                (isinstance(function, ast.Name) and function.id in READERS)
                or (
                    isinstance(function, ast.Attribute)
                    and (
                        (isinstance(function.value, ast.Name) and function.value.id == "env")
                        or _is_environ(function.value)
                        or function.attr == "getenv"
                    )
                )
            )
            if reader and _name_of(node.args[0]):
                names.add(_name_of(node.args[0]))
        elif isinstance(node, ast.Subscript) and _is_environ(node.value):
            if _name_of(node.slice):
                names.add(_name_of(node.slice))
        elif isinstance(node, ast.Compare) and any(_is_environ(c) for c in node.comparators):
            if _name_of(node.left):
                names.add(_name_of(node.left))
    return {name for name in names if re.fullmatch(r"[A-Z][A-Z0-9_]+", name)}


def test_the_reader_finds_what_it_should():
    found = variables_read(ROOT / "ebok" / "settings.py")
    assert {"DEBUG", "SECRET_KEY", "DATABASE_URL", "TRUSTED_PROXY_COUNT", "LOG_LEVEL"} <= found
    assert {"GUNICORN_BIND", "WEB_CONCURRENCY", "PROMETHEUS_MULTIPROC_DIR"} <= variables_read(
        ROOT / "gunicorn.conf.py"
    )


def test_every_variable_read_is_documented_in_operations_md():
    documented = (ROOT / "docs" / "operations.md").read_text()
    read = variables_read(ROOT / "ebok" / "settings.py") | variables_read(ROOT / "gunicorn.conf.py")
    missing = sorted(name for name in read if f"`{name}`" not in documented)
    assert missing == [], "name these in docs/operations.md (in `backticks`)"
