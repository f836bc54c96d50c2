"""Check-in writes: the single-day upsert and offline sync (last writer wins).

Sync rules, per item, applied in request order against the server's current version of the
item's date (which includes the effect of earlier items of the same batch):

- no stored check-in                                          -> ``created``
- stored ``client_updated_at`` is NULL or older than the item's -> ``updated``
- equal ``client_updated_at`` and equal fields                 -> ``unchanged``
- equal ``client_updated_at`` but different fields, or older    -> ``conflict`` (server kept)

Only client clocks are compared (``client_updated_at`` on both sides), never the server's
``updated_at``. A stored NULL (a PUT without ``client_updated_at``) loses to any sync item.

Concurrency: the batch's existing rows are locked (``SELECT ... FOR UPDATE``) and the final
states are written in one ``INSERT ... ON CONFLICT DO UPDATE ... WHERE stored is older``,
so a row created concurrently by another request is never overwritten by an older edit; the
item is then reported against what is actually stored.
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from api import adherence
from api.data_common import invalid
from api.schemas.checkins import CheckInWrite, SyncItem, SyncStatus
from persistence.models import CheckIn, NutritionDay, table_of

#: The client-written columns (adherence_score is derived, the rest are bookkeeping).
FIELDS: tuple[str, ...] = ("weight_kg", "energy_level", "sleep_quality", "mood", "notes")
#: Client clocks more than this far ahead of the server are refused: a runaway clock would
#: otherwise win every later sync of that date.
MAX_CLIENT_CLOCK_SKEW = dt.timedelta(days=1)
#: In RETURNING of an upsert: true when the row was inserted, false when updated
#: (PostgreSQL sets xmax only on the update path).
INSERTED = sa.literal_column("(xmax = 0)", type_=sa.Boolean()).label("inserted")


#: Earlier client times are refused too: no phone clock is that wrong on purpose, and far
#: dates cannot be stored or compared reliably.
MIN_CLIENT_TIME = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def check_client_time(value: dt.datetime | None, *, now: dt.datetime, field: str) -> None:
    """422 when a client timestamp is implausible (far ahead of the server, or before 2000)."""
    if value is None:
        return
    if value > now + MAX_CLIENT_CLOCK_SKEW:
        raise invalid(field, f"is more than {MAX_CLIENT_CLOCK_SKEW} ahead of the server clock")
    if value < MIN_CLIENT_TIME:
        raise invalid(field, f"is before {MIN_CLIENT_TIME.date()}")


def check_not_future(day: dt.date, *, today: dt.date, field: str) -> None:
    """422 when ``day`` is after today in the user's timezone."""
    if day > today:
        raise invalid(field, f"{day} is after today ({today}) in your timezone")


async def upsert_one(
    db: AsyncSession,
    *,
    user_id: uuid.UUID,
    day: dt.date,
    body: CheckInWrite,
    now: dt.datetime,
) -> tuple[CheckIn, bool]:
    """Validate and store one check-in (PUT semantics); returns it and whether it is new.

    Three statements: the day's context (timezone, targets, intake, latest weigh-in), the
    upsert with RETURNING, and the caller's commit.
    """
    check_client_time(body.client_updated_at, now=now, field="body.client_updated_at")
    ctx = await adherence.load_day_context(db, user_id=user_id, day=day)
    check_not_future(day, today=adherence.user_today(ctx.inputs.timezone, now), field="path.date")
    weight = float(body.weight_kg) if body.weight_kg is not None else ctx.latest_weight_kg
    targets = adherence.resolve_targets(ctx.inputs, weight_kg=weight, day=day)
    values = {**body.values(), "adherence_score": adherence.adherence_score(ctx.intake, targets)}
    params = {f"p_{name}": value for name, value in values.items()}
    result = await db.execute(
        _upsert_one(),
        {**params, "p_user_id": user_id, "p_date": day},
        execution_options={"populate_existing": True},
    )
    row = result.one()
    return row[0], bool(row[1])


@functools.cache
def _upsert_one() -> sa.Executable:
    """The PUT upsert, built once with bind parameters (it runs on every check-in write)."""
    columns = [*FIELDS, "client_updated_at", "adherence_score"]
    base = insert(CheckIn).values(
        {name: sa.bindparam(f"p_{name}") for name in ["user_id", "date", *columns]}
    )
    return base.on_conflict_do_update(
        index_elements=["user_id", "date"], set_={name: base.excluded[name] for name in columns}
    ).returning(CheckIn, INSERTED)


@dataclass(slots=True)
class _State:
    values: dict[str, Any]  # FIELDS + client_updated_at
    dirty: bool = False


def _fields_of(source: Mapping[str, Any]) -> dict[str, Any]:
    return {name: source.get(name) for name in (*FIELDS, "client_updated_at")}


def _same(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    # Decimals compare by value (81 == 81.00), so stored and incoming weights match.
    return all(a.get(name) == b.get(name) for name in FIELDS)


def decide(stored: Mapping[str, Any] | None, item: Mapping[str, Any]) -> SyncStatus:
    """The status of applying ``item`` on top of ``stored`` (see the module docstring)."""
    if stored is None:
        return "created"
    stored_at: dt.datetime | None = stored.get("client_updated_at")
    item_at: dt.datetime = item["client_updated_at"]
    if stored_at is None or item_at > stored_at:
        return "updated"
    if item_at == stored_at and _same(stored, item):
        return "unchanged"
    return "conflict"


@dataclass(frozen=True, slots=True)
class SyncOutcome:
    """Per-item statuses and the server's rows after the batch, by date."""

    statuses: list[tuple[dt.date, SyncStatus]]
    rows: dict[dt.date, CheckIn]


async def sync(
    db: AsyncSession, *, user_id: uuid.UUID, items: Sequence[SyncItem], now: dt.datetime
) -> SyncOutcome:
    """Apply a batch of offline edits (the caller commits)."""
    if not items:
        return SyncOutcome(statuses=[], rows={})
    inputs = await adherence.load_inputs(db, user_id=user_id)
    today = adherence.user_today(inputs.timezone, now)
    for index, item in enumerate(items):
        check_not_future(item.date, today=today, field=f"body.items.{index}.date")
        check_client_time(
            item.client_updated_at, now=now, field=f"body.items.{index}.client_updated_at"
        )
    dates = sorted({item.date for item in items})
    table = table_of(CheckIn)
    locked = (
        await db.scalars(
            sa.select(CheckIn)
            .where(table.c.user_id == user_id, table.c.date.in_(dates))
            .order_by(table.c.date)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    ).all()
    rows: dict[dt.date, CheckIn] = {row.date: row for row in locked}
    states: dict[dt.date, _State] = {
        day: _State(values=_fields_of({n: getattr(row, n) for n in (*FIELDS, "client_updated_at")}))
        for day, row in rows.items()
    }
    statuses: list[tuple[dt.date, SyncStatus]] = []
    for item in items:
        incoming = _fields_of(item.model_dump())
        current = states.get(item.date)
        status = decide(current.values if current else None, incoming)
        if status in ("created", "updated"):
            states[item.date] = _State(values=incoming, dirty=True)
        statuses.append((item.date, status))
    dirty = {day: state.values for day, state in states.items() if state.dirty}
    if dirty:
        written = await _write(db, user_id=user_id, inputs=inputs, finals=dirty)
        rows.update({day: row for day, (row, _) in written.items()})
        statuses = await _settle_races(db, user_id, statuses, dirty, written, rows)
    return SyncOutcome(statuses=statuses, rows=rows)


async def _write(
    db: AsyncSession,
    *,
    user_id: uuid.UUID,
    inputs: adherence.TargetInputs,
    finals: dict[dt.date, dict[str, Any]],
) -> dict[dt.date, tuple[CheckIn, bool]]:
    """Upsert the final states with their scores; rows actually written (and whether each
    was inserted), by date."""
    days = sorted(finals)
    nutrition = table_of(NutritionDay)
    intakes = {
        r.date: {n: r._mapping[n] for n in adherence.NUTRIENTS}
        for r in (
            await db.execute(
                sa.select(nutrition.c.date, *(nutrition.c[n] for n in adherence.NUTRIENTS)).where(
                    nutrition.c.user_id == user_id, nutrition.c.date.in_(days)
                )
            )
        ).all()
    }
    weights = dict(await adherence.load_weights(db, user_id=user_id, until=days[-1]))
    for day, values in finals.items():
        if values["weight_kg"] is not None:
            weights[day] = float(values["weight_kg"])
        else:
            weights.pop(day, None)
    ordered = sorted(weights.items())
    payload = []
    for day in days:
        values = finals[day]
        targets = adherence.resolve_targets(
            inputs, weight_kg=adherence.weight_on_or_before(ordered, day), day=day
        )
        score = adherence.adherence_score(intakes.get(day, {}), targets)
        payload.append({"user_id": user_id, "date": day, **values, "adherence_score": score})
    base = insert(CheckIn).values(payload)
    table = table_of(CheckIn)
    columns = [*FIELDS, "client_updated_at", "adherence_score"]
    upsert = base.on_conflict_do_update(
        index_elements=["user_id", "date"],
        set_={name: base.excluded[name] for name in columns},
        where=sa.or_(
            table.c.client_updated_at.is_(None),
            table.c.client_updated_at < base.excluded.client_updated_at,
        ),
    ).returning(CheckIn, INSERTED)
    result = await db.execute(upsert, execution_options={"populate_existing": True})
    return {row[0].date: (row[0], bool(row[1])) for row in result.all()}


async def _settle_races(
    db: AsyncSession,
    user_id: uuid.UUID,
    statuses: list[tuple[dt.date, SyncStatus]],
    dirty: Mapping[dt.date, Any],
    written: Mapping[dt.date, tuple[CheckIn, bool]],
    rows: dict[dt.date, CheckIn],
) -> list[tuple[dt.date, SyncStatus]]:
    """Correct statuses where a concurrent request created the row after our lock.

    A date we meant to write but the conditional upsert skipped holds a newer version from
    another request: its created/updated items become conflicts against that version. A
    date we meant to create that another request created first (our newer edit updated it)
    reports ``updated``.
    """
    raced = {day for day, (_, inserted) in written.items() if not inserted}
    if raced:
        statuses = [
            (day, "updated" if status == "created" and day in raced else status)
            for day, status in statuses
        ]
    lost = [day for day in dirty if day not in written]
    if not lost:
        return statuses
    table = table_of(CheckIn)
    for row in (
        await db.scalars(
            sa.select(CheckIn)
            .where(table.c.user_id == user_id, table.c.date.in_(lost))
            .execution_options(populate_existing=True)
        )
    ).all():
        rows[row.date] = row
    return [
        (day, "conflict" if day in lost and status in ("created", "updated") else status)
        for day, status in statuses
    ]
