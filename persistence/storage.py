"""Object storage for photo bytes and archives: local files or an S3 bucket.

Two backends behind one :class:`ObjectStorage` protocol:

- :class:`LocalStorage` keeps objects under ``<data dir>/objects/<key>``. Its download URLs
  point at an API route and carry an HMAC-SHA256 signature over the key and an expiry, so a
  URL works for its lifetime without a bearer token and not a second after.
- :class:`S3Storage` uses boto3 (any S3-compatible endpoint); download URLs are S3
  presigned GET URLs. boto3 is blocking, so every call runs in a worker thread.

Keys are chosen by the server (``photos/{user_id}/{photo_id}.{ext}``,
``archives/...``), never by a client; :func:`check_key` still refuses anything that could
escape the storage root.

Errors::

    StorageError            the backend failed (I/O, network, permissions)
    └── ObjectMissing       no object under this key
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import hmac
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar, runtime_checkable
from urllib.parse import quote, urlencode

from pydantic_settings import BaseSettings, SettingsConfigDict

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.type_defs import ObjectIdentifierTypeDef

T = TypeVar("T")

_KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-/]{0,498}$")


class StorageError(Exception):
    """The storage backend failed."""


class ObjectMissing(StorageError):
    """No object is stored under the key."""

    def __init__(self, key: str) -> None:
        super().__init__(f"no stored object {key}")
        self.key = key


def check_key(key: str) -> str:
    """``key`` if it is a safe relative object key (no ``..``, no leading ``/``)."""
    if not _KEY_RE.fullmatch(key) or any(part in ("", ".", "..") for part in key.split("/")):
        raise ValueError(f"invalid object key {key!r}")
    return key


@dataclass(frozen=True, slots=True)
class DownloadUrl:
    """A short-lived URL to fetch one object."""

    url: str
    expires_at: dt.datetime


@runtime_checkable
class ObjectStorage(Protocol):
    """What the API and the retention job need from a storage backend."""

    async def put(self, key: str, data: bytes, *, content_type: str) -> None:
        """Store ``data`` under ``key`` (replacing any previous object)."""
        ...

    async def get(self, key: str) -> bytes:
        """The bytes under ``key``; ``ObjectMissing`` when there are none."""
        ...

    async def exists(self, key: str) -> bool:
        """Whether an object is stored under ``key``."""
        ...

    async def delete(self, key: str) -> None:
        """Remove the object under ``key`` (no error when it is already gone)."""
        ...

    async def delete_prefix(self, prefix: str) -> int:
        """Remove every object whose key starts with ``prefix``; returns how many."""
        ...

    async def download_url(
        self, key: str, *, now: dt.datetime, expires_in: dt.timedelta
    ) -> DownloadUrl:
        """A URL that fetches ``key`` until ``now + expires_in``."""
        ...

    async def aclose(self) -> None:
        """Release clients."""
        ...


class LocalStorage:
    """Objects as files under ``root``; downloads through signed API URLs.

    ``url_base`` is the absolute URL of the route that serves ``{url_base}/{key}``; the
    route calls :meth:`verify` with the ``expires`` and ``sig`` query parameters.
    """

    def __init__(self, root: Path, *, signing_key: bytes, url_base: str) -> None:
        if len(signing_key) < 16:
            raise ValueError("signing_key: must be at least 16 bytes")
        self.root = root.expanduser().resolve()
        self._key = signing_key
        self._url_base = url_base.rstrip("/")

    def path_of(self, key: str) -> Path:
        """The file that holds ``key``."""
        return self.root / check_key(key)

    async def put(self, key: str, data: bytes, *, content_type: str) -> None:
        """See :class:`ObjectStorage`. Written to a temporary file, then renamed (atomic)."""
        path = self.path_of(key)

        def write() -> None:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            tmp.write_bytes(data)
            tmp.chmod(0o600)
            tmp.replace(path)

        await _in_thread(write)

    async def get(self, key: str) -> bytes:
        """See :class:`ObjectStorage`."""
        path = self.path_of(key)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError as exc:
            raise ObjectMissing(key) from exc
        except OSError as exc:
            raise StorageError(f"could not read {key}: {exc}") from exc

    async def exists(self, key: str) -> bool:
        """See :class:`ObjectStorage`."""
        return await asyncio.to_thread(self.path_of(key).is_file)

    async def delete(self, key: str) -> None:
        """See :class:`ObjectStorage`."""
        await _in_thread(lambda: self.path_of(key).unlink(missing_ok=True))

    async def delete_prefix(self, prefix: str) -> int:
        """See :class:`ObjectStorage`. ``prefix`` must end at a folder boundary (``.../``)."""
        if not prefix.endswith("/"):
            raise ValueError("prefix: must end with '/'")
        folder = self.path_of(prefix.rstrip("/"))

        def remove() -> int:
            if not folder.is_dir():
                return 0
            count = sum(1 for p in folder.rglob("*") if p.is_file())
            shutil.rmtree(folder)
            return count

        return await _in_thread(remove)

    def signature(self, key: str, expires: int) -> str:
        """The URL signature of ``key`` valid until the UNIX time ``expires``."""
        mac = hmac.new(self._key, f"{key}\n{expires}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).decode().rstrip("=")

    def verify(self, key: str, *, expires: int, sig: str, now: dt.datetime) -> bool:
        """Whether ``sig`` signs ``key`` and ``expires`` has not passed."""
        if expires < int(now.timestamp()):
            return False
        return hmac.compare_digest(self.signature(key, expires), sig)

    async def download_url(
        self, key: str, *, now: dt.datetime, expires_in: dt.timedelta
    ) -> DownloadUrl:
        """See :class:`ObjectStorage`."""
        check_key(key)
        expires_at = now + expires_in
        expires = int(expires_at.timestamp())
        query = urlencode({"expires": expires, "sig": self.signature(key, expires)})
        url = f"{self._url_base}/{quote(key)}?{query}"
        return DownloadUrl(url=url, expires_at=dt.datetime.fromtimestamp(expires, dt.UTC))

    async def aclose(self) -> None:
        """Nothing to release."""


class S3Storage:
    """Objects in an S3 (or S3-compatible) bucket through boto3."""

    def __init__(self, bucket: str, *, client: S3Client, key_prefix: str = "") -> None:
        self.bucket = bucket
        self._client = client
        self._prefix = key_prefix

    @classmethod
    def create(
        cls,
        bucket: str,
        *,
        region: str,
        endpoint_url: str | None = None,
        key_prefix: str = "",
    ) -> S3Storage:
        """A backend with its own boto3 client (credentials from the standard AWS chain)."""
        import boto3
        from botocore.config import Config

        # S3-compatible servers (MinIO, moto, ...) behind an endpoint URL want path-style
        # addressing; AWS itself gets the default (virtual-hosted) style.
        config = Config(
            signature_version="s3v4",
            retries={"max_attempts": 3},
            s3={"addressing_style": "path" if endpoint_url else "auto"},
        )
        client = boto3.client("s3", region_name=region, endpoint_url=endpoint_url, config=config)
        return cls(bucket, client=client, key_prefix=key_prefix)

    def _full(self, key: str) -> str:
        return self._prefix + check_key(key)

    async def put(self, key: str, data: bytes, *, content_type: str) -> None:
        """See :class:`ObjectStorage`."""
        full = self._full(key)
        await _in_thread(
            lambda: self._client.put_object(
                Bucket=self.bucket, Key=full, Body=data, ContentType=content_type
            )
        )

    async def get(self, key: str) -> bytes:
        """See :class:`ObjectStorage`."""
        full = self._full(key)

        def read() -> bytes:
            try:
                response = self._client.get_object(Bucket=self.bucket, Key=full)
            except self._client.exceptions.NoSuchKey as exc:
                raise ObjectMissing(key) from exc
            return response["Body"].read()

        return await _in_thread(read)

    async def exists(self, key: str) -> bool:
        """See :class:`ObjectStorage`."""
        from botocore.exceptions import ClientError

        full = self._full(key)

        def head() -> bool:
            try:
                self._client.head_object(Bucket=self.bucket, Key=full)
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                    return False
                raise
            return True

        return await _in_thread(head)

    async def delete(self, key: str) -> None:
        """See :class:`ObjectStorage`."""
        full = self._full(key)
        await _in_thread(lambda: self._client.delete_object(Bucket=self.bucket, Key=full))

    async def delete_prefix(self, prefix: str) -> int:
        """See :class:`ObjectStorage`. Lists the prefix and deletes 1000 keys per request."""
        if not prefix.endswith("/"):
            raise ValueError("prefix: must end with '/'")
        full = self._full(prefix.rstrip("/")) + "/"

        def remove() -> int:
            count = 0
            paginator = self._client.get_paginator("list_objects_v2")
            for page in paginator.paginate(Bucket=self.bucket, Prefix=full):
                keys: list[ObjectIdentifierTypeDef] = [
                    {"Key": item["Key"]} for item in page.get("Contents", []) if "Key" in item
                ]
                if keys:
                    self._client.delete_objects(
                        Bucket=self.bucket, Delete={"Objects": keys, "Quiet": True}
                    )
                    count += len(keys)
            return count

        return await _in_thread(remove)

    async def download_url(
        self, key: str, *, now: dt.datetime, expires_in: dt.timedelta
    ) -> DownloadUrl:
        """See :class:`ObjectStorage`. Presigning is local computation, no request."""
        full = self._full(key)
        seconds = max(1, int(expires_in.total_seconds()))
        url = self._client.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": full}, ExpiresIn=seconds
        )
        return DownloadUrl(url=url, expires_at=now + dt.timedelta(seconds=seconds))

    async def aclose(self) -> None:
        """Close the client's connection pool."""
        await asyncio.to_thread(self._client.close)


async def _in_thread(func: Callable[[], T]) -> T:
    """Run blocking storage I/O in a worker thread, wrapping failures in ``StorageError``."""
    try:
        result: T = await asyncio.to_thread(func)
    except StorageError:
        raise
    except Exception as exc:
        raise StorageError(f"storage operation failed: {type(exc).__name__}: {exc}") from exc
    return result


class StorageSettings(BaseSettings):
    """Where objects go, for code that cannot read the API's settings (the CLI).

    Same environment variables as the API: ``PHOTO_BUCKET`` (unset: local files),
    ``S3_ENDPOINT_URL``, ``S3_REGION``.
    """

    model_config = SettingsConfigDict(env_prefix="", extra="ignore")

    photo_bucket: str | None = None
    s3_endpoint_url: str | None = None
    s3_region: str = "us-east-1"


def create_storage(
    *,
    data_dir: Path,
    signing_key: bytes,
    url_base: str,
    bucket: str | None,
    region: str = "us-east-1",
    endpoint_url: str | None = None,
) -> ObjectStorage:
    """S3 when ``bucket`` is set, else local files under ``<data_dir>/objects``."""
    if bucket:
        return S3Storage.create(bucket, region=region, endpoint_url=endpoint_url)
    return LocalStorage(data_dir / "objects", signing_key=signing_key, url_base=url_base)


__all__ = [
    "DownloadUrl",
    "LocalStorage",
    "ObjectMissing",
    "ObjectStorage",
    "S3Storage",
    "StorageError",
    "StorageSettings",
    "check_key",
    "create_storage",
]
