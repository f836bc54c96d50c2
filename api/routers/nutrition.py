"""Nutrition days: upsert by date, list or aggregate a range, delete, MyFitnessPal import."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, File, Query, Response, UploadFile
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from api import adherence, mfp, mfp_import
from api.checkin_sync import INSERTED, check_not_future
from api.data_common import check_range, decode_date_cursor, encode_date_cursor, invalid
from api.deps import CurrentUser, DbSession, State, bump_user_data
from api.errors import ApiError
from api.schemas.dates import IsoDate, LogDay
from api.schemas.nutrition import (
    Aggregate,
    DateRange,
    ImportedCounts,
    ImportedFile,
    MfpImportReport,
    NutritionAggregate,
    NutritionList,
    NutritionOut,
    NutritionWrite,
    SkippedDay,
)
from api.upload_limit import body_limited_route
from persistence.enums import NutritionSource
from persistence.models import NutritionDay, table_of
from persistence.repositories import nutrition

router = APIRouter(prefix="/nutrition", tags=["nutrition"])

MAX_PAGE = 366
IMPORT_MAX_BYTES = 20 * 1024 * 1024
IMPORT_MAX_UNCOMPRESSED = 100 * 1024 * 1024
IMPORT_MAX_ZIP_ENTRIES = 50
#: Multipart framing around the file; the file itself is checked against the exact limit.
FORM_OVERHEAD = 64 * 1024
_NUTRIENTS = ("calories", "protein_g", "carbs_g", "fat_g", "fiber_g")
#: The import route, with the body cap answered as problem+json (included at the end).
_upload = APIRouter(route_class=body_limited_route(IMPORT_MAX_BYTES + FORM_OVERHEAD))


@router.put(
    "/{date}",
    response_model=NutritionOut,
    responses={201: {"model": NutritionOut, "description": "created"}},
)
async def put_nutrition(
    date: LogDay,
    body: NutritionWrite,
    user: CurrentUser,
    db: DbSession,
    state: State,
    response: Response,
) -> NutritionOut:
    """Create (201) or replace (200) the day's totals; ``source`` becomes ``manual``.

    The check-in of that date, if any, gets its adherence score recomputed.
    """
    inputs = await adherence.load_inputs(db, user_id=user.id)
    check_not_future(
        date, today=adherence.user_today(inputs.timezone, state.clock()), field="path.date"
    )
    values: dict[str, Any] = {**body.model_dump(), "source": NutritionSource.MANUAL.value}
    base = insert(NutritionDay).values(user_id=user.id, date=date, **values)
    upsert = base.on_conflict_do_update(
        index_elements=["user_id", "date"], set_={k: base.excluded[k] for k in values}
    ).returning(NutritionDay, INSERTED)
    row = (await db.execute(upsert, execution_options={"populate_existing": True})).one()
    await adherence.recompute_for_dates(db, user_id=user.id, days=[date])
    await db.commit()
    await bump_user_data(state, user.id)
    response.status_code = 201 if row[1] else 200
    return NutritionOut.of(row[0])


async def _aggregate(
    db: AsyncSession,
    *,
    user_id: uuid.UUID,
    kind: str,
    start: dt.date | None,
    end: dt.date | None,
) -> NutritionAggregate:
    table = table_of(NutritionDay)
    func = sa.func.avg if kind == "avg" else sa.func.sum
    stmt = sa.select(
        sa.func.count().label("days"), *(func(table.c[name]).label(name) for name in _NUTRIENTS)
    ).where(table.c.user_id == user_id)
    if start is not None:
        stmt = stmt.where(table.c.date >= start)
    if end is not None:
        stmt = stmt.where(table.c.date <= end)
    row = (await db.execute(stmt)).one()

    def number(name: str) -> float | None:
        value = row._mapping[name]
        return None if value is None else round(float(value), 2)

    return NutritionAggregate(
        kind="avg" if kind == "avg" else "sum",
        start=start,
        end=end,
        days_logged=int(row.days),
        calories=number("calories"),
        protein_g=number("protein_g"),
        carbs_g=number("carbs_g"),
        fat_g=number("fat_g"),
        fiber_g=number("fiber_g"),
    )


@router.get("", response_model=NutritionList)
async def list_nutrition(
    user: CurrentUser,
    db: DbSession,
    start: Annotated[IsoDate | None, Query(alias="from", description="inclusive")] = None,
    end: Annotated[IsoDate | None, Query(alias="to", description="inclusive")] = None,
    aggregate: Annotated[
        Aggregate, Query(description="none: the days; avg/sum over the logged days")
    ] = "none",
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 30,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
) -> NutritionList:
    """Days between ``from`` and ``to`` newest first, or their mean or sum."""
    check_range(start, end)
    if aggregate != "none":
        summary = await _aggregate(db, user_id=user.id, kind=aggregate, start=start, end=end)
        return NutritionList(items=[], next_cursor=None, aggregate=summary)
    before = decode_date_cursor(cursor)
    rows = await nutrition.list_for_user(
        db, user_id=user.id, start=start, end=end, limit=limit + 1, before=before
    )
    page = rows[:limit]
    next_cursor = encode_date_cursor(page[-1].date) if len(rows) > limit else None
    return NutritionList(
        items=[NutritionOut.of(row) for row in page], next_cursor=next_cursor, aggregate=None
    )


@router.get("/{date}", response_model=NutritionOut)
async def get_nutrition(date: dt.date, user: CurrentUser, db: DbSession) -> NutritionOut:
    """The nutrition of ``date`` (404 when there is none)."""
    return NutritionOut.of(await nutrition.get_for_date(db, user_id=user.id, day=date))


@router.delete("/{date}", status_code=204)
async def delete_nutrition(date: dt.date, user: CurrentUser, db: DbSession, state: State) -> None:
    """Delete the nutrition of ``date`` (404 when there is none); rescore that check-in."""
    await nutrition.delete_for_date(db, user_id=user.id, day=date)
    await adherence.recompute_for_dates(db, user_id=user.id, days=[date])
    await db.commit()
    await bump_user_data(state, user.id)


def _format_error(exc: mfp.MfpFormatError) -> ApiError:
    errors = [
        {
            "field": "file",
            "message": f"{err.file} line {err.line}: {err.message}",
            "file": err.file,
            "line": err.line,
        }
        for err in exc.errors
    ] or [{"field": "file", "message": str(exc)}]
    return ApiError(422, str(exc), title="Import failed", errors=errors)


@_upload.post(
    "/import/mfp",
    response_model=MfpImportReport,
    responses={413: {"description": "upload or its unpacked content too large"}},
)
async def import_mfp(
    file: Annotated[UploadFile, File(description="the export ZIP or one of its CSV files")],
    user: CurrentUser,
    db: DbSession,
    state: State,
    weight_unit: Annotated[
        mfp.WeightUnit, Query(description="unit of the Measurement file's Weight column")
    ] = "kg",
    overwrite: Annotated[
        bool, Query(description="replace manual entries (default: skip and report them)")
    ] = False,
) -> MfpImportReport:
    """Import a MyFitnessPal export (ZIP or bare CSV) in one transaction.

    Nutrition rows are summed per date and stored with ``source=mfp_import``; weights from
    the Measurement file become check-ins. A malformed file stores nothing: 422 naming the
    first bad lines. Limits: 20 MB upload, 100 MB unpacked, 50 ZIP entries.
    """
    data = await file.read(IMPORT_MAX_BYTES + 1)
    if len(data) > IMPORT_MAX_BYTES:
        raise ApiError(413, f"file: larger than {IMPORT_MAX_BYTES} bytes")
    if not data:
        raise invalid("file", "is empty")
    try:
        parsed = await asyncio.to_thread(
            mfp.read_export,
            data,
            weight_unit=weight_unit,
            filename=file.filename or "upload.csv",
            max_uncompressed=IMPORT_MAX_UNCOMPRESSED,
            max_entries=IMPORT_MAX_ZIP_ENTRIES,
        )
    except mfp.MfpTooLarge as exc:
        raise ApiError(exc.status, f"file: {exc}") from exc
    except mfp.MfpFormatError as exc:
        raise _format_error(exc) from exc
    inputs = await adherence.load_inputs(db, user_id=user.id)
    result = await mfp_import.store_export(
        db,
        user_id=user.id,
        parsed=parsed,
        overwrite=overwrite,
        today=adherence.user_today(inputs.timezone, state.clock()),
    )
    await db.commit()
    if result.nutrition_days or result.check_ins:
        await bump_user_data(state, user.id)
    span = parsed.date_range()
    return MfpImportReport(
        imported=ImportedCounts(nutrition_days=result.nutrition_days, check_ins=result.check_ins),
        skipped=[SkippedDay(date=d, kind=k, reason=r) for d, k, r in result.skipped],
        date_range=DateRange(start=span[0], end=span[1]) if span else None,
        rows_read=parsed.rows_read,
        files=[
            ImportedFile(name=f.name, kind=f.kind, rows=f.rows, imported=f.imported)
            for f in parsed.files
        ],
    )


router.include_router(_upload)
