"""Object storage: the same contract on local files and on a real S3 server (moto, loopback)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import boto3
import httpx
import pytest

from persistence.storage import (
    LocalStorage,
    ObjectMissing,
    ObjectStorage,
    S3Storage,
    check_key,
    create_storage,
)

NOW = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(params=["local", "s3"])
async def storage(
    request: pytest.FixtureRequest, tmp_path: Path, s3_endpoint: str
) -> AsyncIterator[ObjectStorage]:
    """Each backend in turn; S3 in a fresh bucket."""
    if request.param == "local":
        backend: ObjectStorage = LocalStorage(
            tmp_path / "objects", signing_key=b"k" * 32, url_base="http://files.test/f"
        )
    else:
        bucket = f"b-{uuid.uuid4().hex[:12]}"
        boto3.client("s3", region_name="us-east-1", endpoint_url=s3_endpoint).create_bucket(
            Bucket=bucket
        )
        backend = S3Storage.create(bucket, region="us-east-1", endpoint_url=s3_endpoint)
    yield backend
    await backend.aclose()


async def test_put_get_exists_delete(storage: ObjectStorage) -> None:
    key = f"photos/{uuid.uuid4()}/a.jpg"
    assert not await storage.exists(key)
    await storage.put(key, b"\xff\xd8\xffdata", content_type="image/jpeg")
    assert await storage.exists(key)
    assert await storage.get(key) == b"\xff\xd8\xffdata"
    await storage.put(key, b"replaced", content_type="image/jpeg")
    assert await storage.get(key) == b"replaced"
    await storage.delete(key)
    assert not await storage.exists(key)
    await storage.delete(key)  # deleting again is not an error
    with pytest.raises(ObjectMissing):
        await storage.get(key)


async def test_delete_prefix_removes_only_that_folder(storage: ObjectStorage) -> None:
    user = uuid.uuid4()
    other = uuid.uuid4()
    for name in ("1.jpg", "2.png", "3.webp"):
        await storage.put(f"photos/{user}/{name}", b"x", content_type="image/jpeg")
    await storage.put(f"photos/{other}/1.jpg", b"y", content_type="image/jpeg")
    assert await storage.delete_prefix(f"photos/{user}/") == 3
    assert not await storage.exists(f"photos/{user}/1.jpg")
    assert await storage.exists(f"photos/{other}/1.jpg")
    assert await storage.delete_prefix(f"photos/{user}/") == 0
    with pytest.raises(ValueError):
        await storage.delete_prefix("photos")


async def test_s3_presigned_url_downloads_the_object(s3_endpoint: str) -> None:
    bucket = f"b-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", region_name="us-east-1", endpoint_url=s3_endpoint).create_bucket(
        Bucket=bucket
    )
    storage = S3Storage.create(bucket, region="us-east-1", endpoint_url=s3_endpoint)
    key = f"photos/{uuid.uuid4()}/p.png"
    await storage.put(key, b"\x89PNG-bytes", content_type="image/png")
    now = dt.datetime.now(dt.UTC)
    url = await storage.download_url(key, now=now, expires_in=dt.timedelta(minutes=5))
    assert url.url.startswith(s3_endpoint) and "X-Amz-Signature" in url.url
    assert url.expires_at == now + dt.timedelta(minutes=5)
    async with httpx.AsyncClient() as http:
        response = await http.get(url.url)
        assert response.status_code == 200 and response.content == b"\x89PNG-bytes"
        tampered = url.url.replace(key, key.replace("p.png", "q.png"))
        assert (await http.get(tampered)).status_code in (403, 404)
    await storage.aclose()


async def test_local_signed_url_verifies_key_signature_and_expiry(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path, signing_key=b"s" * 32, url_base="http://h/files/")
    url = await storage.download_url("photos/u/p.jpg", now=NOW, expires_in=dt.timedelta(minutes=5))
    parts = urlsplit(url.url)
    assert parts.path == "/files/photos/u/p.jpg"
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    expires, sig = int(query["expires"]), query["sig"]
    assert storage.verify("photos/u/p.jpg", expires=expires, sig=sig, now=NOW)
    assert not storage.verify("photos/u/other.jpg", expires=expires, sig=sig, now=NOW)
    assert not storage.verify("photos/u/p.jpg", expires=expires + 60, sig=sig, now=NOW)
    later = NOW + dt.timedelta(minutes=6)
    assert not storage.verify("photos/u/p.jpg", expires=expires, sig=sig, now=later)
    other_key = LocalStorage(tmp_path, signing_key=b"t" * 32, url_base="http://h/files")
    assert not other_key.verify("photos/u/p.jpg", expires=expires, sig=sig, now=NOW)


@pytest.mark.parametrize(
    "key", ["../etc/passwd", "/abs/path", "photos/../../x", "photos//x", "", "photos/./x"]
)
def test_unsafe_keys_are_refused(key: str) -> None:
    with pytest.raises(ValueError):
        check_key(key)


async def test_local_files_stay_under_the_root(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "objects", signing_key=b"k" * 32, url_base="http://h/f")
    await storage.put("photos/u/a.jpg", b"x", content_type="image/jpeg")
    assert (tmp_path / "objects" / "photos" / "u" / "a.jpg").read_bytes() == b"x"
    with pytest.raises(ValueError):
        await storage.put("../escape.jpg", b"x", content_type="image/jpeg")
    assert not (tmp_path / "escape.jpg").exists()


def test_create_storage_picks_s3_only_with_a_bucket(tmp_path: Path, s3_endpoint: str) -> None:
    local = create_storage(
        data_dir=tmp_path, signing_key=b"k" * 32, url_base="http://h", bucket=None
    )
    assert isinstance(local, LocalStorage) and local.root == (tmp_path / "objects").resolve()
    s3 = create_storage(
        data_dir=tmp_path,
        signing_key=b"k" * 32,
        url_base="http://h",
        bucket="some-bucket",
        endpoint_url=s3_endpoint,
    )
    assert isinstance(s3, S3Storage) and s3.bucket == "some-bucket"
