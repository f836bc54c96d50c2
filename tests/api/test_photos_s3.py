"""Progress photos with S3 storage: a real S3-compatible server (moto) on loopback."""

from __future__ import annotations

import io
import uuid
from typing import Any

import boto3
import httpx
import pytest
from PIL import Image

from api.state import AppConfig
from tests.api.photo_samples import GPS_IFD, image_with_gps


@pytest.fixture
def bucket(s3_endpoint: str) -> str:
    """A fresh bucket."""
    name = f"photos-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", region_name="us-east-1", endpoint_url=s3_endpoint).create_bucket(Bucket=name)
    return name


@pytest.fixture
def app_config(app_config: AppConfig, s3_endpoint: str, bucket: str) -> AppConfig:
    """The test app, storing photos in the bucket."""
    app_config.api.photo_bucket = bucket
    app_config.api.s3_endpoint_url = s3_endpoint
    return app_config


def s3(endpoint: str) -> Any:
    """A plain boto3 client to look into the bucket."""
    return boto3.client("s3", region_name="us-east-1", endpoint_url=endpoint)


async def test_s3_upload_presigned_download_and_delete(
    client: httpx.AsyncClient, data_user: Any, s3_endpoint: str, bucket: str
) -> None:
    user = await data_user()
    original = image_with_gps("JPEG")
    response = await client.post(
        "/v1/photos",
        files={"file": ("p.jpg", original, "image/jpeg")},
        data={"date": "2024-07-01"},
        headers=user.headers,
    )
    assert response.status_code == 201, response.text
    photo = response.json()
    key = photo["s3_key"]
    assert key == f"photos/{user.id}/{photo['id']}.jpg"
    head = s3(s3_endpoint).head_object(Bucket=bucket, Key=key)
    assert head["ContentType"] == "image/jpeg"
    assert head["ContentLength"] == photo["photo_metadata"]["size_bytes"]

    url = photo["download_url"]
    assert url.startswith(s3_endpoint) and "X-Amz-Signature" in url
    async with httpx.AsyncClient() as http:
        fetched = await http.get(url)
    assert fetched.status_code == 200
    image = Image.open(io.BytesIO(fetched.content))
    assert not image.getexif() and not image.getexif().get_ifd(GPS_IFD)

    deleted = await client.delete(f"/v1/photos/{photo['id']}", headers=user.headers)
    assert deleted.status_code == 204
    listing = s3(s3_endpoint).list_objects_v2(Bucket=bucket, Prefix=f"photos/{user.id}/")
    assert listing.get("KeyCount", 0) == 0


async def test_s3_account_deletion_removes_every_photo_object(
    client: httpx.AsyncClient, data_user: Any, s3_endpoint: str, bucket: str
) -> None:
    user = await data_user()
    for color in ("red", "blue"):
        await client.post(
            "/v1/photos",
            files={"file": ("p.png", image_with_gps("PNG", color=color), "image/png")},
            data={"date": "2024-07-01"},
            headers=user.headers,
        )
    listing = s3(s3_endpoint).list_objects_v2(Bucket=bucket, Prefix=f"photos/{user.id}/")
    assert listing["KeyCount"] == 2
    assert (await client.delete("/v1/me", headers=user.headers)).status_code == 204
    listing = s3(s3_endpoint).list_objects_v2(Bucket=bucket, Prefix=f"photos/{user.id}/")
    assert listing.get("KeyCount", 0) == 0
