"""A local S3 server for tests: moto's standalone server, speaking the S3 protocol over real HTTP
on 127.0.0.1, and the portal's default storage pointed at a bucket on it, configured the way an
operator configures it (the AWS_* environment variables read by netzwerk/settings.py).

Usable by any test that needs files on S3 (for example a backup that walks default_storage):

    with s3_server() as endpoint:
        options = storage_options(endpoint)
        with s3_storage(endpoint, options) as s3:
            ...  # default_storage is S3Storage on s3.bucket; s3.keys() lists what is in it
"""

import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from django.conf import settings
from django.test import override_settings
from moto.server import ThreadedMotoServer

ROOT = Path(__file__).resolve().parent.parent
BUCKET = "netzwerkportal-test"
REGION = "eu-central-1"
# moto accepts any credentials; these only have to be the same on both sides.
KEY_ID, SECRET = "test-zugang", "test-geheimnis"


@dataclass
class S3:
    endpoint: str
    bucket: str
    client: Any

    def keys(self, prefix: str = "") -> list[str]:
        listing = self.client.list_objects_v2(Bucket=self.bucket, Prefix=prefix)
        return sorted(entry["Key"] for entry in listing.get("Contents", []))

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()


@contextmanager
def s3_server() -> Iterator[str]:
    """moto's server on a free port of 127.0.0.1; yields its address."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def settings_storage(environment: dict[str, str]) -> dict:
    """STORAGES["default"] as netzwerk/settings.py builds it from these variables. Read in a
    process of its own: a process reads its settings module once."""
    code = (
        "import json; from django.conf import settings; "
        "print(json.dumps(settings.STORAGES['default']))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env |= {"DJANGO_SETTINGS_MODULE": "netzwerk.settings", "DEBUG": "true", **environment}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def storage_options(endpoint: str, bucket: str = BUCKET) -> dict:
    """The default storage an operator gets with a bucket on this server."""
    return settings_storage(
        {
            "AWS_STORAGE_BUCKET_NAME": bucket,
            "AWS_S3_ENDPOINT_URL": endpoint,
            "AWS_ACCESS_KEY_ID": KEY_ID,
            "AWS_SECRET_ACCESS_KEY": SECRET,
            "AWS_S3_REGION_NAME": REGION,
        }
    )


@contextmanager
def s3_storage(endpoint: str, storage: dict) -> Iterator[S3]:
    """An empty server with the storage's bucket, and the portal's default storage on it for the
    duration. Django's setting_changed handler drops the cached storage backends, so
    default_storage and every FileField see the new one."""
    reset = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")
    urllib.request.urlopen(reset, timeout=10).close()
    bucket = storage["OPTIONS"]["bucket_name"]
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=KEY_ID,
        aws_secret_access_key=SECRET,
    )
    client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    with override_settings(STORAGES={**settings.STORAGES, "default": storage}):
        yield S3(endpoint, bucket, client)
