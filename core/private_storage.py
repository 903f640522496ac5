"""The shared bucket's storage (ebok/object_storage.py): django-storages' S3 backend that
never makes a URL of an object. Files reach people only through the app's views, after their
access check (core.downloads), so no link to the bucket, public or signed, is ever put on a
page (the admin's file widgets show the name without a link)."""

from typing import Any

from storages.backends.s3 import S3Storage


class PrivateS3Storage(S3Storage):
    def url(
        self, name: Any, parameters: Any = None, expire: Any = None, http_method: Any = None
    ) -> str:
        return ""
