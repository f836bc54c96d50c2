"""IDOR matrix: user B gets 404 on every resource of user A, by id and by date."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.api.photo_samples import image_with_gps

DAY = "2024-09-01"


@pytest.fixture
async def owner_and_intruder(client: httpx.AsyncClient, data_user: Any) -> dict[str, Any]:
    """User A with a check-in, a nutrition day and a photo; user B with nothing."""
    a = await data_user()
    b = await data_user()
    await client.put(f"/v1/check-ins/{DAY}", json={"weight_kg": 70, "mood": 5}, headers=a.headers)
    await client.put(f"/v1/nutrition/{DAY}", json={"calories": 2000}, headers=a.headers)
    photo = await client.post(
        "/v1/photos",
        files={"file": ("p.jpg", image_with_gps("JPEG"), "image/jpeg")},
        data={"date": DAY},
        headers=a.headers,
    )
    assert photo.status_code == 201
    return {"a": a, "b": b, "photo_id": photo.json()["id"]}


MATRIX = [
    ("GET", "/v1/check-ins/{day}", None),
    ("DELETE", "/v1/check-ins/{day}", None),
    ("GET", "/v1/nutrition/{day}", None),
    ("DELETE", "/v1/nutrition/{day}", None),
    ("GET", "/v1/photos/{photo_id}", None),
    ("PATCH", "/v1/photos/{photo_id}", {"visibility": "coach_only"}),
    ("DELETE", "/v1/photos/{photo_id}", None),
]


@pytest.mark.parametrize(("method", "template", "body"), MATRIX)
async def test_other_users_resources_answer_404(
    client: httpx.AsyncClient,
    owner_and_intruder: dict[str, Any],
    method: str,
    template: str,
    body: dict[str, Any] | None,
) -> None:
    a, b = owner_and_intruder["a"], owner_and_intruder["b"]
    path = template.format(day=DAY, photo_id=owner_and_intruder["photo_id"])
    response = await client.request(method, path, json=body, headers=b.headers)
    assert response.status_code == 404, (method, path, response.text)
    # A's resource is untouched and still A's.
    owner_view = await client.get(path, headers=a.headers)
    assert owner_view.status_code == 200
    if "photos" in path:
        assert owner_view.json()["visibility"] == "private"


async def test_lists_exports_and_writes_never_cross_users(
    client: httpx.AsyncClient, owner_and_intruder: dict[str, Any]
) -> None:
    a, b = owner_and_intruder["a"], owner_and_intruder["b"]
    for path in ("/v1/check-ins", "/v1/nutrition", "/v1/photos"):
        assert (await client.get(path, headers=b.headers)).json()["items"] == []
    summary = await client.get("/v1/nutrition", params={"aggregate": "sum"}, headers=b.headers)
    assert summary.json()["aggregate"]["days_logged"] == 0
    export = (await client.get("/v1/me/export", headers=b.headers)).json()
    assert export["check_ins"] == export["nutrition"] == export["photos"] == []

    # B writing the same date creates B's own rows; A's stay as they were.
    await client.put(f"/v1/check-ins/{DAY}", json={"mood": 1}, headers=b.headers)
    item = {"date": DAY, "mood": 2, "client_updated_at": "2030-01-01T00:00:00Z"}
    await client.post("/v1/check-ins/sync", json={"items": [item]}, headers=b.headers)
    await client.put(f"/v1/nutrition/{DAY}", json={"calories": 1}, headers=b.headers)
    mine = (await client.get(f"/v1/check-ins/{DAY}", headers=a.headers)).json()
    assert mine["mood"] == 5 and mine["weight_kg"] == 70
    assert (await client.get(f"/v1/nutrition/{DAY}", headers=a.headers)).json()["calories"] == 2000

    # The same photo bytes uploaded by B are B's own photo, never A's.
    again = await client.post(
        "/v1/photos",
        files={"file": ("p.jpg", image_with_gps("JPEG"), "image/jpeg")},
        data={"date": DAY},
        headers=b.headers,
    )
    assert again.status_code == 201 and again.json()["id"] != owner_and_intruder["photo_id"]
