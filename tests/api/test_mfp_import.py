"""MyFitnessPal import over HTTP: every export shape, limits, one transaction."""

from __future__ import annotations

import csv
import datetime as dt
import io
import struct
import zipfile
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

SAMPLE = Path("/work/shared/datasets/mfp/nutrition-2018-per-entry.csv")
FIXTURES = Path(__file__).parent / "data" / "mfp"
URL = "/v1/nutrition/import/mfp"
COLUMNS = {
    "calories": "Calories",
    "fat_g": "Fat (g)",
    "carbs_g": "Carbohydrates (g)",
    "fiber_g": "Fiber",
    "protein_g": "Protein (g)",
}


def sample_bytes() -> bytes:
    """The real 2018 export."""
    return SAMPLE.read_bytes()


def fixture(name: str) -> bytes:
    """One of this suite's export fixtures."""
    return (FIXTURES / name).read_bytes()


def expected_totals(data: bytes) -> dict[str, dict[str, float]]:
    """Per-date totals computed here with DictReader and Decimal, as stored."""
    sums: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for row in csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")):
        for ours, theirs in COLUMNS.items():
            sums[row["Date"]][ours] += Decimal(row[theirs] or "0")
    out: dict[str, dict[str, float]] = {}
    for day, values in sums.items():
        out[day] = {
            name: float(
                value.quantize(Decimal(1) if name == "calories" else Decimal("0.01"), ROUND_HALF_UP)
            )
            for name, value in values.items()
        }
    return out


async def upload(
    client: httpx.AsyncClient,
    user: Any,
    data: bytes,
    name: str = "export.csv",
    **params: Any,
) -> httpx.Response:
    """POST a file to the importer."""
    return await client.post(
        URL, files={"file": (name, data, "text/csv")}, params=params, headers=user.headers
    )


async def stored_days(client: httpx.AsyncClient, user: Any) -> dict[str, dict[str, Any]]:
    """Every nutrition day of the user, by date."""
    response = await client.get("/v1/nutrition", params={"limit": 366}, headers=user.headers)
    return {item["date"]: item for item in response.json()["items"]}


def assert_totals(stored: dict[str, dict[str, Any]], expected: dict[str, dict[str, float]]) -> None:
    assert set(stored) == set(expected)
    for day, values in expected.items():
        for name, value in values.items():
            assert stored[day][name] == value, (day, name)


async def test_import_real_2018_sample_sums_entries_per_date(
    client: httpx.AsyncClient, data_user: Any
) -> None:
    user = await data_user()
    data = sample_bytes()
    response = await upload(client, user, data, "mfp.csv")
    assert response.status_code == 200, response.text
    report = response.json()
    expected = expected_totals(data)
    assert report["imported"] == {"nutrition_days": len(expected), "check_ins": 0}
    assert report["skipped"] == []
    assert report["date_range"] == {"from": min(expected), "to": max(expected)}
    assert report["rows_read"] == len(data.decode("utf-8-sig").strip().splitlines()) - 1
    stored = await stored_days(client, user)
    assert_totals(stored, expected)
    assert {item["source"] for item in stored.values()} == {"mfp_import"}


@pytest.mark.parametrize("shape", ["nutrition-no-time-note.csv", "nutrition-time-note.csv"])
async def test_import_later_export_shapes_with_notes(
    client: httpx.AsyncClient, data_user: Any, shape: str
) -> None:
    user = await data_user()
    data = fixture(shape)
    response = await upload(client, user, data, shape)
    assert response.status_code == 200, response.text
    stored = await stored_days(client, user)
    assert_totals(stored, expected_totals(data))
    notes = {
        row["Date"]: row["Note"]
        for row in csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""))
        if row["Note"]
    }
    for day, note in notes.items():
        assert note in stored[day]["notes"]


def export_zip(weights: bytes | None = None, *, suffix: str = "-2024-01-01-to-2024-01-31") -> bytes:
    """A premium export ZIP: nutrition, measurement and exercise summaries."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"Nutrition-Summary{suffix}.csv", fixture("nutrition-no-time-note.csv"))
        archive.writestr(
            f"Measurement-Summary{suffix}.csv",
            weights if weights is not None else fixture("measurement-lb.csv"),
        )
        archive.writestr(f"Exercise-Summary{suffix}.csv", fixture("exercise.csv"))
    return buffer.getvalue()


@pytest.mark.parametrize("suffix", ["-2024-01-01-to-2024-01-31", ""])
async def test_import_zip_with_summaries_makes_weights_check_ins(
    client: httpx.AsyncClient, data_user: Any, suffix: str
) -> None:
    user = await data_user(preferences={"macro_targets": {"calories": 2000}})
    response = await upload(client, user, export_zip(suffix=suffix), "export.zip", weight_unit="lb")
    assert response.status_code == 200, response.text
    report = response.json()
    nutrition = expected_totals(fixture("nutrition-no-time-note.csv"))
    weights = {
        row["Date"]: Decimal(row["Weight"])
        for row in csv.DictReader(
            io.StringIO(fixture("measurement-lb.csv").decode("utf-8-sig"), newline="")
        )
    }
    assert report["imported"] == {"nutrition_days": len(nutrition), "check_ins": len(weights)}
    kinds = {f["kind"]: f["imported"] for f in report["files"]}
    assert kinds == {"nutrition": True, "measurement": True, "exercise": False}
    assert_totals(await stored_days(client, user), nutrition)
    checkins = (await client.get("/v1/check-ins", headers=user.headers)).json()["items"]
    by_day = {c["date"]: c for c in checkins}
    for day, pounds in weights.items():
        kg = (pounds * Decimal("0.45359237")).quantize(Decimal("0.01"), ROUND_HALF_UP)
        assert by_day[day]["weight_kg"] == float(kg)
        # Imported weigh-ins are scored against that day's imported nutrition.
        calories = nutrition[day]["calories"]
        assert by_day[day]["adherence_score"] == float(
            Decimal(repr(max(0.0, 1 - abs(calories - 2000) / 2000))).quantize(
                Decimal("0.01"), ROUND_HALF_UP
            )
        )


async def test_import_keeps_manual_days_unless_overwrite(
    client: httpx.AsyncClient, data_user: Any
) -> None:
    user = await data_user()
    manual = {"calories": 1234, "protein_g": 99, "notes": "typed by hand"}
    await client.put("/v1/nutrition/2024-01-02", json=manual, headers=user.headers)
    await client.put("/v1/check-ins/2024-01-01", json={"weight_kg": 90}, headers=user.headers)

    report = (await upload(client, user, export_zip(), "e.zip", weight_unit="lb")).json()
    assert {(s["date"], s["kind"]) for s in report["skipped"]} == {
        ("2024-01-02", "nutrition"),
        ("2024-01-01", "check_in"),
    }
    assert report["imported"] == {"nutrition_days": 2, "check_ins": 2}
    stored = await stored_days(client, user)
    assert stored["2024-01-02"]["calories"] == 1234 and stored["2024-01-02"]["source"] == "manual"
    weight = (await client.get("/v1/check-ins/2024-01-01", headers=user.headers)).json()
    assert weight["weight_kg"] == 90

    # Importing again updates earlier imports (idempotent) and still skips the manual day.
    again = (await upload(client, user, export_zip(), "e.zip", weight_unit="lb")).json()
    assert again["imported"]["nutrition_days"] == 2

    forced = await upload(client, user, export_zip(), "e.zip", weight_unit="lb", overwrite="true")
    assert forced.json()["skipped"] == []
    stored = await stored_days(client, user)
    assert stored["2024-01-02"]["source"] == "mfp_import"
    assert (await client.get("/v1/check-ins/2024-01-01", headers=user.headers)).json()[
        "weight_kg"
    ] == float((Decimal("181.2") * Decimal("0.45359237")).quantize(Decimal("0.01")))


async def test_malformed_file_stores_nothing_and_names_the_first_bad_lines(
    client: httpx.AsyncClient, data_user: Any
) -> None:
    user = await data_user()
    lines = fixture("nutrition-time-note.csv").decode().splitlines()
    lines[2] = lines[2].replace("95.0", "ninety")  # physical line 3
    lines[5] = lines[5].replace("2024-02-11", "11/02/2024")  # physical line 6
    bad = "\n".join(lines).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("Measurement-Summary.csv", fixture("measurement-lb.csv"))
        archive.writestr("Nutrition-Summary.csv", bad)
    response = await upload(client, user, buffer.getvalue(), "e.zip")
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [e["line"] for e in errors] == [3, 6]
    assert "calories" in errors[0]["message"] and "YYYY-MM-DD" in errors[1]["message"]
    # The valid measurement file was parsed too, yet nothing at all was stored.
    assert await stored_days(client, user) == {}
    assert (await client.get("/v1/check-ins", headers=user.headers)).json()["items"] == []


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "photo.png"),
        (b"", "empty.csv"),
        (b"just,some,columns\n1,2,3\n", "other.csv"),
        ("Date,Calories\n2024-01-01,100\n".encode("utf-16"), "utf16.csv"),
        (b"PK\x03\x04 not really a zip", "broken.zip"),
        (b"Date,Weight\n2024-01-01,2000\n", "weights.csv"),
        (b"Date,Calories\n2024-01-01,-5\n", "negative.csv"),
        (b"Date,Calories\n2024-01-01,NaN\n", "nan.csv"),
    ],
)
async def test_import_refuses_files_that_are_not_valid_exports(
    client: httpx.AsyncClient, data_user: Any, data: bytes, name: str
) -> None:
    user = await data_user()
    response = await upload(client, user, data, name)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "file"
    assert await stored_days(client, user) == {}


async def test_import_refuses_an_upload_over_20_mb(
    client: httpx.AsyncClient, data_user: Any
) -> None:
    user = await data_user()
    big = b"Date,Calories\n" + b"2024-01-01,1\n" * (20 * 1024 * 1024 // 13 + 1)
    assert len(big) > 20 * 1024 * 1024
    response = await upload(client, user, big, "big.csv")
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("application/problem+json")
    assert await stored_days(client, user) == {}


async def test_import_refuses_a_streamed_body_over_the_cap_without_content_length(
    client: httpx.AsyncClient, data_user: Any
) -> None:
    user = await data_user()

    async def chunks() -> Any:
        yield (
            b'--b0undary\r\nContent-Disposition: form-data; name="file"; filename="n.csv"\r\n'
            b"Content-Type: text/csv\r\n\r\nDate,Calories\n"
        )
        for _ in range(25):
            yield b"2024-01-01,1\n" * (1024 * 1024 // 13)
        yield b"\r\n--b0undary--\r\n"

    response = await client.post(
        URL,
        content=chunks(),
        headers={**user.headers, "content-type": "multipart/form-data; boundary=b0undary"},
    )
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("application/problem+json")
    assert await stored_days(client, user) == {}


async def test_import_refuses_a_zip_bomb(client: httpx.AsyncClient, data_user: Any) -> None:
    user = await data_user()
    header = b"Date,Calories\n"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("Nutrition-Summary.csv", header + b"0" * (101 * 1024 * 1024))
    bomb = buffer.getvalue()
    assert len(bomb) < 1024 * 1024  # tiny upload, huge content
    response = await upload(client, user, bomb, "bomb.zip")
    assert response.status_code == 413
    assert await stored_days(client, user) == {}


def _understate_sizes(data: bytes, claimed: int) -> bytes:
    """The ZIP with every central-directory entry claiming ``claimed`` unpacked bytes."""
    out = bytearray(data)
    pos = out.find(b"PK\x01\x02")
    while pos != -1:
        struct.pack_into("<I", out, pos + 24, claimed)
        pos = out.find(b"PK\x01\x02", pos + 4)
    return bytes(out)


async def test_import_refuses_a_zip_whose_headers_understate_its_size(
    client: httpx.AsyncClient, data_user: Any
) -> None:
    user = await data_user()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "Nutrition-Summary.csv", b"Date,Calories\n" + b"2024-01-01,1\n" * 9_000_000
        )
    lying = _understate_sizes(buffer.getvalue(), 1000)
    response = await upload(client, user, lying, "lying.zip")
    assert response.status_code in (413, 422)
    assert await stored_days(client, user) == {}


async def test_import_refuses_a_zip_with_more_than_50_entries(
    client: httpx.AsyncClient, data_user: Any
) -> None:
    user = await data_user()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("Nutrition-Summary.csv", fixture("nutrition-time-note.csv"))
        for i in range(50):
            archive.writestr(f"junk/{i}.txt", b"x")
    response = await upload(client, user, buffer.getvalue(), "many.zip")
    assert response.status_code == 422
    assert "51 entries" in response.json()["detail"]
    assert await stored_days(client, user) == {}


async def test_import_refuses_a_zip_without_summary_files(
    client: httpx.AsyncClient, data_user: Any
) -> None:
    user = await data_user()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", b"hello")
    response = await upload(client, user, buffer.getvalue(), "empty.zip")
    assert response.status_code == 422


async def test_import_parameters_are_validated(client: httpx.AsyncClient, data_user: Any) -> None:
    user = await data_user()
    data = fixture("measurement-lb.csv")
    bad_unit = await upload(client, user, data, "m.csv", weight_unit="stone")
    assert bad_unit.status_code == 422
    assert bad_unit.json()["errors"][0]["field"] == "query.weight_unit"
    no_file = await client.post(URL, headers=user.headers)
    assert no_file.status_code == 422
    # The same pounds read as kilograms are out of range, naming the line.
    as_kg = await upload(client, user, b"Date,Weight\n2024-01-01,81\n2024-01-02,810\n", "m.csv")
    assert as_kg.status_code == 422 and as_kg.json()["errors"][0]["line"] == 3


async def test_import_skips_dates_after_today(client: httpx.AsyncClient, data_user: Any) -> None:
    user = await data_user()
    future = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=5)).isoformat()
    data = f"Date,Calories\n2024-01-01,1500\n{future},1800\n".encode()
    report = (await upload(client, user, data, "n.csv")).json()
    assert report["imported"]["nutrition_days"] == 1
    assert report["skipped"] == [
        {"date": future, "kind": "nutrition", "reason": "date is in the future"}
    ]


async def test_import_bumps_the_tool_cache_version(
    app: FastAPI, client: httpx.AsyncClient, data_user: Any
) -> None:
    user = await data_user()
    cache = app.state.coach.cache
    before = await cache.user_version(user.id)
    await upload(client, user, sample_bytes(), "mfp.csv")
    assert await cache.user_version(user.id) > before
