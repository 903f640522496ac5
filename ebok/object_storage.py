"""The shared object store (S3, MinIO, Ceph) of uploaded and rendered files, read from the
environment by ebok/settings.py; without STORAGE_S3_BUCKET files stay on local disk
(MEDIA_ROOT). The bucket is private: objects are written with the private ACL and only ever
read by the app, which streams them after its access check; no URL of an object is made
(core/private_storage.py)."""

import environ


def s3_storage(env: environ.Env) -> dict | None:
    """STORAGES["default"] for the bucket STORAGE_S3_BUCKET names, or None without one."""
    bucket = env.str("STORAGE_S3_BUCKET", default="")
    if not bucket:
        return None
    from botocore.config import Config

    endpoint = env.str("STORAGE_S3_ENDPOINT_URL", default="")
    options = {
        "bucket_name": bucket,
        "location": env.str("STORAGE_S3_PREFIX", default="").strip("/"),
        "default_acl": "private",
        "querystring_auth": True,  # no URL is made; were one ever, it would be signed
        "querystring_expire": 300,
        "file_overwrite": False,  # a name taken gets a new one, as on local disk
        "client_config": Config(
            signature_version="s3v4",
            # MinIO and Ceph behind one host name want path-style URLs; AWS takes either.
            s3={
                "addressing_style": env.str(
                    "STORAGE_S3_ADDRESSING_STYLE", default="path" if endpoint else "auto"
                )
            },
            connect_timeout=5,
            read_timeout=30,
            retries={"mode": "standard", "max_attempts": 3},
        ),
    }
    for option, name in [
        ("endpoint_url", "STORAGE_S3_ENDPOINT_URL"),
        ("region_name", "STORAGE_S3_REGION"),
        ("access_key", "STORAGE_S3_ACCESS_KEY_ID"),  # else boto3's own chain (AWS_*, roles)
        ("secret_key", "STORAGE_S3_SECRET_ACCESS_KEY"),
    ]:
        if value := env.str(name, default=""):
            options[option] = value
    return {"BACKEND": "core.private_storage.PrivateS3Storage", "OPTIONS": options}
