"""A real S3 API server for tests: moto's server (`moto[server]`) in a thread of the test
process, on a free port of 127.0.0.1, answering boto3 and django-storages over HTTP as AWS,
MinIO or Ceph would. `env(bucket)` is what the app's processes need to use a bucket on it."""

import boto3
import environ
from moto.server import ThreadedMotoServer

from ebok.object_storage import s3_storage

REGION = "eu-central-1"
KEY_ID, SECRET = "ebok-test", "ebok-test-secret"


class S3Server:
    def __init__(self):
        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.endpoint = None

    def __enter__(self):
        self.server.start()
        host, port = self.server.get_host_and_port()
        self.endpoint = f"http://{host}:{port}"
        return self

    def __exit__(self, *exc):
        self.server.stop()

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=KEY_ID,
            aws_secret_access_key=SECRET,
        )

    def create_bucket(self, name):
        self.client().create_bucket(
            Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        return name

    def env(self, bucket):
        """The environment variables of ebok/object_storage.py for `bucket` on this server."""
        return {
            "STORAGE_S3_BUCKET": bucket,
            "STORAGE_S3_ENDPOINT_URL": self.endpoint,
            "STORAGE_S3_REGION": REGION,
            "STORAGE_S3_ACCESS_KEY_ID": KEY_ID,
            "STORAGE_S3_SECRET_ACCESS_KEY": SECRET,
        }

    def storage_setting(self, bucket, monkeypatch):
        """STORAGES["default"] as ebok/settings.py builds it from env(bucket)."""
        for name, value in self.env(bucket).items():
            monkeypatch.setenv(name, value)
        return s3_storage(environ.Env())

    def keys(self, bucket, prefix=""):
        pages = self.client().get_paginator("list_objects_v2").paginate(
            Bucket=bucket, Prefix=prefix
        )
        return sorted(o["Key"] for page in pages for o in page.get("Contents", []))

    def read(self, bucket, key):
        return self.client().get_object(Bucket=bucket, Key=key)["Body"].read()
