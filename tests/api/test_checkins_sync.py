"""Offline sync of check-ins: last writer wins by the clients' clocks, item by item."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import httpx

T0 = dt.datetime(2024, 5, 1, 8, 0, tzinfo=dt.UTC)


def item(day: str, at: dt.datetime, **fields: Any) -> dict[str, Any]:
    """A sync item edited on the client at ``at``."""
    return {"date": day, "client_updated_at": at.isoformat(), **fields}


async def sync(client: httpx.AsyncClient, user: Any, *items: dict[str, Any]) -> list[Any]:
    """POST the items; the per-item results."""
    response = await client.post(
        "/v1/check-ins/sync", json={"items": list(items)}, headers=user.headers
    )
    assert response.status_code == 200, response.text
    results: list[Any] = response.json()["results"]
    return results


async def test_sync_answers_created_updated_unchanged_and_conflict(
    client: httpx.AsyncClient, data_user: Any
) -> None:
    user = await data_user()
    hour = dt.timedelta(hours=1)
    [created] = await sync(client, user, item("2024-04-01", T0, mood=5))
    assert created["status"] == "created" and created["check_in"]["mood"] == 5

    [unchanged] = await sync(client, user, item("2024-04-01", T0, mood=5))
    assert unchanged["status"] == "unchanged"

    [newer] = await sync(client, user, item("2024-04-01", T0 + hour, mood=7))
    assert newer["status"] == "updated" and newer["check_in"]["mood"] == 7

    [older] = await sync(client, user, item("2024-04-01", T0, mood=2))
    assert older["status"] == "conflict"
    assert older["check_in"]["mood"] == 7  # the server's version, for the client to adopt

    # Same client time but different content: the server keeps its version.
    [tie] = await sync(client, user, item("2024-04-01", T0 + hour, mood=1))
    assert tie["status"] == "conflict" and tie["check_in"]["mood"] == 7
    stored = (await client.get("/v1/check-ins/2024-04-01", headers=user.headers)).json()
    assert stored["mood"] == 7
    assert dt.datetime.fromisoformat(stored["client_updated_at"]) == T0 + hour


async def test_sync_compares_client_clocks_never_the_server_updated_at(
    client: httpx.AsyncClient, data_user: Any
) -> None:
    user = await data_user()
    # Written online now, stamped by the client one day ago.
    stamp = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    put = await client.put(
        "/v1/check-ins/2024-04-02",
        json={"mood": 4, "client_updated_at": stamp.isoformat()},
        headers=user.headers,
    )
    server_updated_at = dt.datetime.fromisoformat(put.json()["updated_at"])
    # An offline edit made after the client stamp but before the server's updated_at wins.
    edit_time = stamp + dt.timedelta(hours=1)
    assert edit_time < server_updated_at
    [result] = await sync(client, user, item("2024-04-02", edit_time, mood=9))
    assert result["status"] == "updated" and result["check_in"]["mood"] == 9


async def test_sync_item_wins_over_a_stored_check_in_without_client_time(
    client: httpx.AsyncClient, data_user: Any
) -> None:
    user = await data_user()
    await client.put("/v1/check-ins/2024-04-03", json={"mood": 4}, headers=user.headers)
    [result] = await sync(client, user, item("2024-04-03", T0, mood=6))
    assert result["status"] == "updated" and result["check_in"]["mood"] == 6


async def test_sync_two_items_for_one_date_are_answered_item_by_item(
    client: httpx.AsyncClient, data_user: Any
) -> None:
    user = await data_user()
    hour = dt.timedelta(hours=1)
    results = await sync(
        client,
        user,
        item("2024-04-04", T0 + hour, mood=8),
        item("2024-04-04", T0, mood=3),  # older than the first: loses
        item("2024-04-05", T0, mood=1),
        item("2024-04-05", T0 + hour, mood=2),  # newer than the first: wins
    )
    assert [r["status"] for r in results] == ["created", "conflict", "created", "updated"]
    assert [r["index"] for r in results] == [0, 1, 2, 3]
    # Every item carries the server's version of its date after the batch.
    assert results[0]["check_in"]["mood"] == results[1]["check_in"]["mood"] == 8
    assert results[2]["check_in"]["mood"] == results[3]["check_in"]["mood"] == 2
    listed = (await client.get("/v1/check-ins", headers=user.headers)).json()["items"]
    assert {(i["date"], i["mood"]) for i in listed} == {("2024-04-04", 8), ("2024-04-05", 2)}


async def test_sync_accepts_500_items_and_refuses_501(
    client: httpx.AsyncClient, data_user: Any
) -> None:
    user = await data_user()
    start = dt.date(2020, 1, 1)
    items = [
        item((start + dt.timedelta(days=i)).isoformat(), T0, weight_kg=70 + i / 100)
        for i in range(501)
    ]
    refused = await client.post("/v1/check-ins/sync", json={"items": items}, headers=user.headers)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "body.items"
    results = await sync(client, user, *items[:500])
    assert len(results) == 500 and {r["status"] for r in results} == {"created"}
    page = await client.get("/v1/check-ins", params={"limit": 1}, headers=user.headers)
    assert page.json()["items"][0]["weight_kg"] == 74.99


async def test_sync_refuses_future_dates_and_bad_items_naming_the_item(
    client: httpx.AsyncClient, data_user: Any
) -> None:
    user = await data_user()
    future = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=3)).isoformat()
    response = await client.post(
        "/v1/check-ins/sync",
        json={"items": [item("2024-04-06", T0, mood=3), item(future, T0, mood=3)]},
        headers=user.headers,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.items.1.date"
    missing_time = await client.post(
        "/v1/check-ins/sync", json={"items": [{"date": "2024-04-06"}]}, headers=user.headers
    )
    assert missing_time.status_code == 422
    assert missing_time.json()["errors"][0]["field"] == "body.items.0.client_updated_at"
    # Nothing of a refused batch is stored.
    assert (await client.get("/v1/check-ins/2024-04-06", headers=user.headers)).status_code == 404


async def test_concurrent_syncs_of_one_new_date_keep_the_newest_edit(
    client: httpx.AsyncClient, data_user: Any
) -> None:
    user = await data_user()
    stamps = [T0 + dt.timedelta(minutes=m) for m in (5, 1, 9, 3)]
    responses = await asyncio.gather(
        *(
            client.post(
                "/v1/check-ins/sync",
                json={"items": [item("2024-04-07", at, mood=at.minute)]},
                headers=user.headers,
            )
            for at in stamps
        )
    )
    assert [r.status_code for r in responses] == [200] * len(stamps)
    statuses = [r.json()["results"][0]["status"] for r in responses]
    assert statuses.count("created") == 1
    stored = (await client.get("/v1/check-ins/2024-04-07", headers=user.headers)).json()
    assert stored["mood"] == max(stamps).minute
    assert dt.datetime.fromisoformat(stored["client_updated_at"]) == max(stamps)


async def test_sync_refuses_adherence_score_and_computes_it(
    client: httpx.AsyncClient, data_user: Any
) -> None:
    user = await data_user(preferences={"macro_targets": {"calories": 2000}})
    refused = await client.post(
        "/v1/check-ins/sync",
        json={"items": [item("2024-04-08", T0, adherence_score=1)]},
        headers=user.headers,
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "body.items.0.adherence_score"
    await client.put("/v1/nutrition/2024-04-08", json={"calories": 1500}, headers=user.headers)
    [result] = await sync(client, user, item("2024-04-08", T0, mood=5))
    assert result["check_in"]["adherence_score"] == 1 - abs(1500 - 2000) / 2000


async def test_sync_resending_the_same_edit_is_unchanged(
    client: httpx.AsyncClient, data_user: Any
) -> None:
    user = await data_user()
    edit = item("2024-04-09", T0, weight_kg=81.5, mood=6, notes="same")
    assert (await sync(client, user, edit))[0]["status"] == "created"
    resent = {**edit, "weight_kg": "81.50"}  # the same value written differently
    [result] = await sync(client, user, resent)
    assert result["status"] == "unchanged" and result["check_in"]["weight_kg"] == 81.5
