"""Progress photos over HTTP with local storage: sniffing, EXIF stripping, dedup, URLs."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi import FastAPI
from PIL import Image

from api.state import AppConfig
from tests.api.photo_samples import GPS_IFD, heic_with_gps, image_with_gps

DAY = "2024-07-01"


async def upload(
    client: httpx.AsyncClient,
    user: Any,
    data: bytes,
    *,
    day: str = DAY,
    visibility: str | None = None,
    name: str = "photo.jpg",
    content_type: str = "image/jpeg",
) -> httpx.Response:
    """POST /v1/photos."""
    form = {"date": day, **({"visibility": visibility} if visibility else {})}
    return await client.post(
        "/v1/photos",
        files={"file": (name, data, content_type)},
        data=form,
        headers=user.headers,
    )


async def download(client: httpx.AsyncClient, url: str) -> httpx.Response:
    """Fetch a local signed URL through the in-process app (no bearer token)."""
    parts = urlsplit(url)
    return await client.get(f"{parts.path}?{parts.query}")


def object_path(app_config: AppConfig, key: str) -> Path:
    """Where local storage keeps ``key``."""
    return app_config.database.coach_data_dir / "objects" / key


@pytest.mark.parametrize(("fmt", "ext"), [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp")])
async def test_upload_strips_gps_exif_and_records_metadata(
    client: httpx.AsyncClient, data_user: Any, app_config: AppConfig, fmt: str, ext: str
) -> None:
    user = await data_user()
    original = image_with_gps(fmt, size=(64, 48))
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)  # the sample has GPS
    response = await upload(client, user, original, name=f"p.{ext}")
    assert response.status_code == 201, response.text
    photo = response.json()
    assert photo["s3_key"] == f"photos/{user.id}/{photo['id']}.{ext}"
    assert photo["content_hash"] == hashlib.sha256(original).hexdigest()
    assert photo["visibility"] == "private" and photo["date"] == DAY

    stored = object_path(app_config, photo["s3_key"]).read_bytes()
    image = Image.open(io.BytesIO(stored))
    assert image.format == fmt
    assert not image.getexif() and not image.getexif().get_ifd(GPS_IFD)
    assert "exif" not in image.info and "comment" not in image.info
    assert b"Spy Camera" not in stored and b"taken at home" not in stored
    # The EXIF orientation (rotate 90) was applied to the pixels before it was dropped.
    assert image.size == (48, 64)
    meta = photo["photo_metadata"]
    assert (meta["width"], meta["height"]) == (48, 64)
    assert meta["size_bytes"] == len(stored) and meta["original_size_bytes"] == len(original)
    assert meta["content_type"] == f"image/{'jpeg' if fmt == 'JPEG' else ext}"

    fetched = await download(client, photo["download_url"])
    assert fetched.status_code == 200 and fetched.content == stored


async def test_heic_is_stored_as_an_upright_jpeg_without_metadata(
    client: httpx.AsyncClient, data_user: Any, app_config: AppConfig
) -> None:
    user = await data_user()
    response = await upload(
        client, user, heic_with_gps((64, 48)), name="x.bin", content_type="application/pdf"
    )
    assert response.status_code == 201, response.text
    photo = response.json()
    assert photo["s3_key"].endswith(".jpg")
    assert (photo["photo_metadata"]["width"], photo["photo_metadata"]["height"]) == (48, 64)
    stored = object_path(app_config, photo["s3_key"]).read_bytes()
    assert Image.open(io.BytesIO(stored)).size == (48, 64)
    assert b"Spy Camera" not in stored and not Image.open(io.BytesIO(stored)).getexif()


async def test_same_bytes_again_return_the_existing_photo(
    client: httpx.AsyncClient, data_user: Any
) -> None:
    user = await data_user()
    data = image_with_gps("JPEG")
    first = await upload(client, user, data)
    again = await upload(client, user, data, day="2024-07-02")
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    listed = (await client.get("/v1/photos", headers=user.headers)).json()["items"]
    assert [p["id"] for p in listed] == [first.json()["id"]]
    # Another user uploading the same bytes gets their own photo.
    other = await data_user()
    theirs = await upload(client, other, data)
    assert theirs.status_code == 201 and theirs.json()["id"] != first.json()["id"]


@pytest.mark.parametrize(
    ("data", "status"),
    [
        (b"GIF89a" + b"\x00" * 100, 415),
        (b"%PDF-1.7 not an image", 415),
        (b"just text", 415),
        (b"\xff\xd8\xff\xe0" + b"corrupt" * 10, 422),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, 422),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", 422),
        (b"\x00\x00\x00\x18ftypavif\x00\x00\x00\x00mif1avif", 415),
    ],
)
async def test_upload_refuses_what_the_bytes_are_not(
    client: httpx.AsyncClient, data_user: Any, app_config: AppConfig, data: bytes, status: int
) -> None:
    user = await data_user()
    response = await upload(client, user, data, name="photo.jpg", content_type="image/jpeg")
    assert response.status_code == status, response.text
    assert response.json()["errors"][0]["field"] == "body.file"
    assert (await client.get("/v1/photos", headers=user.headers)).json()["items"] == []
    assert not (object_path(app_config, f"photos/{user.id}")).exists()


@pytest.mark.parametrize("size", [15 * 1024 * 1024 + 1, 17 * 1024 * 1024])
async def test_upload_over_15_mb_is_refused(
    client: httpx.AsyncClient, data_user: Any, size: int
) -> None:
    user = await data_user()
    big = b"\xff\xd8\xff" + b"\x00" * (size - 3)
    response = await upload(client, user, big)
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("application/problem+json")
    assert (await client.get("/v1/photos", headers=user.headers)).json()["items"] == []


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"date": "2024-13-01"}, "body.date"),
        ({"date": DAY, "visibility": "public"}, "body.visibility"),
        ({}, "body.date"),
    ],
)
async def test_upload_form_fields_are_validated(
    client: httpx.AsyncClient, data_user: Any, form: dict[str, str], field: str
) -> None:
    user = await data_user()
    response = await client.post(
        "/v1/photos",
        files={"file": ("p.jpg", image_with_gps("JPEG"), "image/jpeg")},
        data=form,
        headers=user.headers,
    )
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]


async def test_upload_refuses_future_dates(client: httpx.AsyncClient, data_user: Any) -> None:
    user = await data_user()
    future = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=2)).isoformat()
    response = await upload(client, user, image_with_gps("JPEG"), day=future)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.date"


async def test_list_get_patch_and_delete(
    client: httpx.AsyncClient, data_user: Any, app_config: AppConfig
) -> None:
    user = await data_user()
    ids = {}
    for i, day in enumerate(["2024-07-03", "2024-07-01", "2024-07-05"]):
        data = image_with_gps("PNG", color=("red", "green", "blue")[i])
        vis = "coach_only" if day == "2024-07-01" else None
        ids[day] = (await upload(client, user, data, day=day, visibility=vis)).json()["id"]

    first = (await client.get("/v1/photos", params={"limit": 2}, headers=user.headers)).json()
    assert [p["date"] for p in first["items"]] == ["2024-07-05", "2024-07-03"]
    assert all(p["download_url"] for p in first["items"])
    rest = await client.get(
        "/v1/photos", params={"limit": 2, "cursor": first["next_cursor"]}, headers=user.headers
    )
    assert [p["date"] for p in rest.json()["items"]] == ["2024-07-01"]
    coach_only = await client.get(
        "/v1/photos", params={"visibility": "coach_only"}, headers=user.headers
    )
    assert [p["id"] for p in coach_only.json()["items"]] == [ids["2024-07-01"]]

    photo_id = ids["2024-07-03"]
    one = await client.get(f"/v1/photos/{photo_id}", headers=user.headers)
    assert one.status_code == 200
    expires = dt.datetime.fromisoformat(one.json()["download_expires_at"])
    assert dt.timedelta(0) < expires - dt.datetime.now(dt.UTC) <= dt.timedelta(minutes=5)

    patched = await client.patch(
        f"/v1/photos/{photo_id}", json={"visibility": "coach_only"}, headers=user.headers
    )
    assert patched.status_code == 200 and patched.json()["visibility"] == "coach_only"
    bad = await client.patch(
        f"/v1/photos/{photo_id}", json={"visibility": "everyone"}, headers=user.headers
    )
    assert bad.status_code == 422

    path = object_path(app_config, one.json()["s3_key"])
    assert path.exists()
    assert (await client.delete(f"/v1/photos/{photo_id}", headers=user.headers)).status_code == 204
    assert not path.exists()
    assert (await client.get(f"/v1/photos/{photo_id}", headers=user.headers)).status_code == 404
    assert (await download(client, one.json()["download_url"])).status_code == 404


async def test_download_urls_are_signed_and_expire(
    app: FastAPI, client: httpx.AsyncClient, data_user: Any
) -> None:
    user = await data_user()
    photo = (await upload(client, user, image_with_gps("JPEG"))).json()
    url = photo["download_url"]
    assert (await download(client, url)).status_code == 200
    tampered = url.replace("sig=", "sig=x")
    assert (await download(client, tampered)).status_code == 403
    other_key = url.replace(photo["id"], str(uuid.uuid4()))
    assert (await download(client, other_key)).status_code in (403, 404)
    state = app.state.coach
    real_clock = state.clock
    state.clock = lambda: real_clock() + dt.timedelta(minutes=6)
    try:
        assert (await download(client, url)).status_code == 403
    finally:
        state.clock = real_clock


async def test_photo_writes_bump_the_tool_cache_version(
    app: FastAPI, client: httpx.AsyncClient, data_user: Any
) -> None:
    user = await data_user()
    cache = app.state.coach.cache
    versions = [await cache.user_version(user.id)]
    photo = (await upload(client, user, image_with_gps("JPEG"))).json()
    versions.append(await cache.user_version(user.id))
    await client.patch(
        f"/v1/photos/{photo['id']}", json={"visibility": "coach_only"}, headers=user.headers
    )
    versions.append(await cache.user_version(user.id))
    await client.delete(f"/v1/photos/{photo['id']}", headers=user.headers)
    versions.append(await cache.user_version(user.id))
    assert versions == sorted(set(versions))
