"""`manage.py storage_copy --from-local DIR`: every file the database names goes from the old
local folder to the configured bucket (a real S3 API, tests/s3.py) under the same name, checked
by SHA-256; a dry run uploads nothing, a second run nothing more, and a stored object with other
content is reported, never overwritten."""

import hashlib
from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.utils import translation

from faults.models import FaultPhoto
from messaging.models import ThreadMessage
from meters.models import Reading
from tests import access
from tests.s3 import S3Server

pytestmark = pytest.mark.django_db
BUCKET = "ebok-copy"


@pytest.fixture
def s3():
    with S3Server() as server:
        server.create_bucket(BUCKET)
        yield server


def copy(folder, *options):
    out = StringIO()
    with translation.override("en"):
        call_command("storage_copy", "--from-local", str(folder), *options, stdout=out)
    return out.getvalue().splitlines()


def sha(data):
    return hashlib.sha256(data).hexdigest()


def test_files_move_to_the_bucket_checked_and_only_once(s3, owner, settings, monkeypatch):
    local = settings.MEDIA_ROOT
    names = [
        Reading.objects.get(pk=access.own_reading_photo(owner)[0]).photo.name,
        FaultPhoto.objects.get(pk=access.own_fault_photo(owner)[0]).image.name,
        ThreadMessage.objects.get(pk=access.own_message_attachment(owner)[1]).attachment.name,
    ]
    lost = Reading.objects.get(pk=access.own_reading_photo(owner)[0])
    default_storage.delete(lost.photo.name)  # gone before the move: reported, not invented
    contents = {name: (local / name).read_bytes() for name in names}

    settings.STORAGES = {**settings.STORAGES, "default": s3.storage_setting(BUCKET, monkeypatch)}
    assert default_storage.bucket_name == BUCKET
    out = copy(local, "--dry-run")
    assert out[0].endswith("to s3://ebok-copy.")
    assert "To upload: 3" in out
    assert s3.keys(BUCKET) == []

    out = copy(local)
    assert out[1:8] == [
        "Files named in the database: 4",
        "Already stored with the same SHA-256: 0",
        "Uploaded and checked: 3",
        "Stored, not in the folder: 0",
        "In neither the folder nor storage: 1",
        "Stored with other content: 0",
        "Different after upload: 0",
    ]
    assert out[8:] == [f"In neither the folder nor storage: {lost.photo.name}"]
    assert s3.keys(BUCKET) == sorted(names)
    for name, data in contents.items():
        assert sha(s3.read(BUCKET, name)) == sha(data)
        with default_storage.open(name, "rb") as stored:  # as the app reads it
            assert stored.read() == data
    # Private: only the owner has a grant, and no URL of an object is ever made.
    grants = s3.client().get_object_acl(Bucket=BUCKET, Key=names[0])["Grants"]
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]
    assert default_storage.url(names[0]) == ""

    again = copy(local)
    assert "Already stored with the same SHA-256: 3" in again
    assert "Uploaded and checked: 0" in again
    assert s3.keys(BUCKET) == sorted(names)  # nothing new, nothing renamed
    # The old folder gone (a new node): what the bucket has is counted as stored.
    (local.parent / "empty").mkdir()
    assert "Stored, not in the folder: 3" in copy(local.parent / "empty", "--dry-run")

    # Another file under the same name in the bucket: reported, not overwritten.
    s3.client().put_object(Bucket=BUCKET, Key=names[1], Body=b"other")
    with pytest.raises(CommandError):
        copy(local)
    assert s3.read(BUCKET, names[1]) == b"other"
