"""Where files go (ebok/object_storage.py): local disk without STORAGE_S3_BUCKET, as `make run`
has it; with it, a private bucket that no URL points into."""

import environ
from botocore.config import Config

from ebok.object_storage import s3_storage


def test_without_a_bucket_files_stay_on_local_disk(monkeypatch):
    monkeypatch.delenv("STORAGE_S3_BUCKET", raising=False)
    assert s3_storage(environ.Env()) is None  # STORAGES keeps FileSystemStorage at MEDIA_ROOT


def test_a_bucket_is_private_and_path_style_on_its_own_endpoint(monkeypatch):
    monkeypatch.setenv("STORAGE_S3_BUCKET", "ebok-pliki")
    monkeypatch.setenv("STORAGE_S3_ENDPOINT_URL", "http://minio:9000")
    monkeypatch.setenv("STORAGE_S3_PREFIX", "/produkcja/")
    monkeypatch.delenv("STORAGE_S3_ACCESS_KEY_ID", raising=False)
    storage = s3_storage(environ.Env())
    options = storage["OPTIONS"]
    assert storage["BACKEND"] == "core.private_storage.PrivateS3Storage"
    assert options["bucket_name"] == "ebok-pliki"
    assert options["location"] == "produkcja"
    assert options["default_acl"] == "private"
    assert options["file_overwrite"] is False
    assert options["endpoint_url"] == "http://minio:9000"
    assert "access_key" not in options  # boto3's own chain: AWS_* variables, an instance role
    config = options["client_config"]
    assert isinstance(config, Config)
    assert config.s3 == {"addressing_style": "path"}
    monkeypatch.delenv("STORAGE_S3_ENDPOINT_URL")
    assert s3_storage(environ.Env())["OPTIONS"]["client_config"].s3 == {"addressing_style": "auto"}
