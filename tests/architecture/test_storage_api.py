"""Stored files go through Django's storage API only (issue #30): the storage may be a bucket
that several web nodes and workers share (ebok/object_storage.py), where a file has no path on
this machine's disk. So no app module joins MEDIA_ROOT, asks a stored file or a storage for its
`.path`, or makes a local storage of its own (only `storage_copy` reads the old folder)."""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APPS = [
    "core", "audit", "accounts", "messaging", "billing", "meters", "faults", "resolutions",
    "accessibility", "privacy", "ebok", "demo",
]
FORBIDDEN = {
    "MEDIA_ROOT": re.compile(r"settings\.MEDIA_ROOT\b"),
    "a stored file's path": re.compile(
        r"\.(file|photo|image|pdf_file|attachment|protocol|letters)\.path\b"
    ),
    "a storage's path": re.compile(r"storage\.path\("),
    "a local storage of its own": re.compile(r"\bFileSystemStorage\("),
}
ALLOWED = {
    ("core/stored_files.py", "a local storage of its own"),  # storage_copy's source folder
}


def test_files_are_reached_through_the_storage_api_only():
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            rel = str(path.relative_to(ROOT))
            if "/migrations/" in rel:
                continue
            text = path.read_text()
            found += [
                (rel, what)
                for what, pattern in FORBIDDEN.items()
                if pattern.search(text) and (rel, what) not in ALLOWED
            ]
    assert found == []
