"""Modules an app may have under an agreed name (admin_grammar.py, privacy_export.py) to declare
its own part of a feature that spans apps: the code that loops over them names no app."""

from importlib import import_module
from types import ModuleType

from django.apps import apps
from django.utils.module_loading import module_has_submodule


def app_modules(name: str) -> list[tuple[str, ModuleType]]:
    """(app label, its module `name`) for each installed app that has one, in INSTALLED_APPS
    order."""
    return [
        (config.label, import_module(f"{config.name}.{name}"))
        for config in apps.get_app_configs()
        if module_has_submodule(config.module, name)
    ]
