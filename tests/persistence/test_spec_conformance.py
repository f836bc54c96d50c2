"""The migrated database matches ``docs/spec/database.md`` table by table.

The spec's markdown tables are parsed here, independently of the models, and compared with
PostgreSQL's catalog: column names, types, nullability, defaults and named indexes.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

SPEC = Path(__file__).resolve().parents[2] / "docs" / "spec" / "database.md"

TYPE_MAP = {
    "UUID": "uuid",
    "BOOLEAN": "boolean",
    "TIMESTAMP": "timestamp with time zone",
    "INTEGER": "integer",
    "SMALLINT": "smallint",
    "DATE": "date",
    "TEXT": "text",
    "JSON": "json",
    "JSONB": "jsonb",
    "NUMERIC": "numeric",
    "ENUM": "USER-DEFINED",
}


def _parse_spec() -> dict[str, dict[str, Any]]:
    text = SPEC.read_text()
    tables: dict[str, dict[str, Any]] = {}
    for block in re.split(r"^#### ", text, flags=re.M)[1:]:
        name = re.match(r"`(\w+)`", block)
        if not name:
            continue
        columns = {}
        for line in block.splitlines():
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) == 4 and cells[0].startswith("`"):
                columns[cells[0].strip("`")] = {"type": cells[1], "constraints": cells[2]}
        indexes = dict(
            (m.group(1), bool(m.group(2)))
            for m in re.finditer(r"^- `(ix_\w+)` \([^)]*\)( UNIQUE)?", block, flags=re.M)
        )
        tables[name.group(1)] = {"columns": columns, "indexes": indexes}
    return tables


SPEC_TABLES = _parse_spec()


def test_spec_lists_eleven_tables() -> None:
    assert len(SPEC_TABLES) == 11


def _expected_type(spec_type: str) -> tuple[str, int | None, tuple[int, int] | None]:
    match = re.fullmatch(r"(\w+)(?:\((\d+)(?:,(\d+))?\))?", spec_type.replace(" ", ""))
    assert match, spec_type
    base, first, second = match.groups()
    if base == "VARCHAR":
        return "character varying", int(first), None
    numeric = (int(first), int(second)) if base == "NUMERIC" and second else None
    return TYPE_MAP[base], None, numeric


@pytest.mark.parametrize("table", sorted(SPEC_TABLES))
async def test_columns_match_spec(db: AsyncSession, table: str) -> None:
    rows = (
        await db.execute(
            sa.text(
                "SELECT column_name, data_type, character_maximum_length, numeric_precision, "
                "numeric_scale, is_nullable, column_default FROM information_schema.columns "
                "WHERE table_schema = 'public' AND table_name = :t"
            ),
            {"t": table},
        )
    ).all()
    actual = {r.column_name: r for r in rows}
    spec_columns = SPEC_TABLES[table]["columns"]
    assert set(actual) == set(spec_columns)
    for name, spec in spec_columns.items():
        col = actual[name]
        data_type, length, numeric = _expected_type(spec["type"])
        assert col.data_type == data_type, (table, name)
        if length is not None:
            assert col.character_maximum_length == length, (table, name)
        if numeric is not None:
            assert (col.numeric_precision, col.numeric_scale) == numeric, (table, name)
        constraints = spec["constraints"]
        default = re.search(r"DEFAULT (\S+(?: \S+)?)", constraints)
        if "PK" in constraints or "NOT NULL" in constraints or default:
            assert col.is_nullable == "NO", (table, name)
        elif re.search(r"\bNULL\b", constraints):
            assert col.is_nullable == "YES", (table, name)
        if default:
            assert col.column_default is not None, (table, name)
            value = default.group(1).strip("'").lower().replace("()", "")
            assert value.split()[0].strip("'") in col.column_default.lower().replace("()", ""), (
                table,
                name,
                col.column_default,
            )
        if name == "id":
            assert col.column_default == "gen_random_uuid()"


@pytest.mark.parametrize("table", sorted(SPEC_TABLES))
async def test_named_indexes_match_spec(db: AsyncSession, table: str) -> None:
    rows = (
        await db.execute(
            sa.text(
                "SELECT i.relname AS name, x.indisunique AS is_unique FROM pg_index x "
                "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
                "WHERE t.relname = :t"
            ),
            {"t": table},
        )
    ).all()
    actual = {r.name: r.is_unique for r in rows}
    for name, unique in SPEC_TABLES[table]["indexes"].items():
        assert actual.get(name) == unique, (table, name)


async def test_every_foreign_key_is_indexed_and_cascades(db: AsyncSession) -> None:
    rows = (
        await db.execute(
            sa.text(
                "SELECT c.conrelid::regclass::text AS tbl, a.attname AS col, "
                "c.confdeltype::text AS deltype FROM pg_constraint c JOIN pg_attribute a "
                "ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] WHERE c.contype = 'f'"
            )
        )
    ).all()
    assert len(rows) == 12
    for row in rows:
        table = row.tbl.strip('"')
        indexed = (
            await db.execute(
                sa.text(
                    "SELECT count(*) FROM pg_index x JOIN pg_attribute a "
                    "ON a.attrelid = x.indrelid AND a.attnum = x.indkey[0] "
                    "WHERE x.indrelid = CAST(:t AS regclass) AND a.attname = :c"
                ),
                {"t": f'"{table}"', "c": row.col},
            )
        ).scalar_one()
        assert indexed >= 1, (table, row.col)
        expected = "n" if (table, row.col) == ("ai_policy_violation_log", "session_id") else "c"
        assert row.deltype == expected, (table, row.col)
