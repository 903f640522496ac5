"""A photo kept between the two steps of an unusual reading is deleted by the hourly sweep once
its signed name can no longer reach it (the resident never confirmed)."""

import os
import time
from pathlib import Path

import pytest
from django.core.files.base import ContentFile

from meters import pending
from meters.tasks import pending_photos_sweep
from tests.meters.conftest import jpeg_bytes


@pytest.mark.django_db
def test_unconfirmed_photos_are_swept_and_fresh_ones_kept(owner, settings):
    old = pending.keep(owner, ContentFile(jpeg_bytes(), name="a.jpg"))
    fresh = pending.keep(owner, ContentFile(jpeg_bytes(), name="b.jpg"))
    folder = Path(settings.MEDIA_ROOT) / "meters" / "pending"
    files = sorted(folder.iterdir(), key=os.path.getmtime)
    assert len(files) == 2
    three_hours_ago = time.time() - 3 * 3600
    os.utime(files[0], (three_hours_ago, three_hours_ago))
    aged_name = f"meters/pending/{files[0].name}"

    assert pending_photos_sweep() == 1
    assert not files[0].exists()
    assert files[1].exists()
    # The kept photo of the fresh reading still opens; the aged one is gone for good, which
    # the page then says (pending.PhotoGone).
    def opens(token):
        try:
            return pending.take(owner, token)[0]
        except pending.PhotoGone:
            return "gone"

    assert aged_name != f"meters/pending/{files[1].name}"
    assert sorted([opens(old), opens(fresh)]) == ["gone", f"meters/pending/{files[1].name}"]
    assert pending_photos_sweep() == 0


@pytest.mark.django_db
def test_the_sweep_runs_on_an_empty_folder():
    assert pending.sweep() == 0
