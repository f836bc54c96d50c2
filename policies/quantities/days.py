"""A day's intake given as items: a list of foods with their energy, or the rows of a table.

"Today: oats with water (150), apple (80), chicken salad (300), soup (200)" states no daily
figure; its items add up to one. :class:`DayItems` finds the days of a text and the energy
items of each:

- **days**: the whole text is one day, unless lines start days of a plan or a log ("Mon:",
  "Day 2 -"), or a table has a date or day column; then each is a day of its own;
- **items in prose or lists**: an energy figure (``140 kcal``, ``2,100 kJ``) of an item, or a
  bare number where a food's energy stands: in brackets after its name ("apple (80)"), or
  last in an item after the name ("2 eggs: 140", "oats - 300") when the text speaks of
  calories. Counts, times, dates and prices are not items ("2 eggs", "7am", "2026-03-02");
- **tables** (rows of cells split by ``|``, commas or tabs): the column whose header names
  energy (``kcal``, ``calories``, ``kJ``), and a protein column when there is one; a row
  labelled total gives the day's total.

Whether a day counts (a whole day, the user's plan, the floor) is the checker's decision
(``NumericChecker._item_day``); this module only reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..rules import load_table
from .reader import KJ_PER_KCAL, Quantity, Unit

#: An item's energy that can be part of a day (a spoonful of oil to a large meal), kcal.
ITEM_KCAL = (10.0, 1500.0)
_CELL_NUMBER = re.compile(
    r"^\**\s*(\d{1,3}(?:[,\s]\d{3})*|\d+)(?:\.\d+)?\s*(?:kcal|cals?|kj|g)?\s*\**$"
)
_SPLITTERS = ("|", "\t", ",", ";")
#: A bare figure in brackets after a name: "apple (80)", "eggs (~160)".
_BRACKETED = re.compile(r"[a-z]\s*\(\s*~?\s*\d{2,4}\s*\)")


@dataclass(slots=True)
class Item:
    """One figure of a day: its value (kcal, or grams of protein) and where it is."""

    value: float
    start: int
    end: int


@dataclass(slots=True)
class Day:
    """The energy items of one day, its stated total if any, and its protein if a table
    gives it."""

    items: list[Item] = field(default_factory=list)
    total: Item | None = None
    protein: list[Item] = field(default_factory=list)

    @property
    def kcal(self) -> float:
        """The day's energy: the stated total, else the items' sum."""
        return self.total.value if self.total else sum(i.value for i in self.items)

    @property
    def span(self) -> tuple[int, int]:
        """From the first figure to the last."""
        figures = self.items + ([self.total] if self.total else [])
        return min(i.start for i in figures), max(i.end for i in figures)


class DayItems:
    """Reads the days of a text and their items (see the module docstring)."""

    def __init__(self) -> None:
        t = load_table("numeric")
        self.header = t.compile("day_header")
        self.energy_column = t.compile("energy_column")
        self.protein_column = t.compile("protein_column")
        self.date_column = t.compile("date_column")
        self.total_label = t.compile("total_label")
        self.energy_after = t.compile("item_energy_after")
        self.name_before = t.compile("item_name_before")
        self.not_after = t.compile("item_not_after")
        self.not_before = t.compile("item_not_before")
        self.energy_word = t.compile("energy_word")
        self.not_energy = t.compile("item_not_energy")
        self.threshold_after = t.compile("threshold_word_after")

    def days(self, text: str, quantities: list[Quantity]) -> list[Day]:
        """The days of ``text`` (normalised) with at least one figure each."""
        tables = self._tables(text)
        if tables:
            return [day for day in tables if day.items or day.total]
        bounds = [m.start() for m in self.header.finditer(text)]
        if len(bounds) >= 2:
            spans = list(zip(bounds, [*bounds[1:], len(text)], strict=True))
        else:
            spans = [(0, len(text))]
        # (two bracketed figures after names make a list of energies too: "coffee (50), salad
        # (450), dinner around 750")
        calories_said = (
            self.energy_word.search(text) is not None or len(_BRACKETED.findall(text)) >= 2
        )
        days = []
        for start, end in spans:
            day = Day()
            for q in quantities:
                if start <= q.start < end:
                    self._add(text, q, day, calories_said)
            if day.items or day.total:
                days.append(day)
        return days

    # -- prose and lists ---------------------------------------------------------------------
    def _add(self, text: str, q: Quantity, day: Day, calories_said: bool) -> None:
        line_start = text.rfind("\n", 0, q.start) + 1
        before = text[max(line_start, q.start - 60) : q.start]
        if self.total_label.search(before):
            kcal = q.kcal if q.kcal is not None else (q.value if q.unit is Unit.NONE else None)
            if kcal is not None and 200 <= kcal <= 9000 and (q.kcal is not None or calories_said):
                day.total = Item(kcal, q.start, q.end)
            return
        signed = q.start > 0 and text[q.start - 1] in "-+−"
        if signed or self.not_energy.search(before) or self.threshold_after.match(text, q.end):
            # the body's expenditure, a target, a change or a threshold ("the 1,200 kcal
            # floor"), not a food's energy
            return
        kcal = q.kcal
        if kcal is None:
            if q.unit is not Unit.NONE or not q.value.is_integer():
                return
            if self.not_after.match(text, q.end) or self.not_before.search(before):
                return
            bracketed = before.rstrip(" ~").endswith("(") and text[q.end : q.end + 12].lstrip(
                " kcalsori"
            ).startswith(")")
            if not (bracketed or calories_said):
                return
            if not self.energy_after.match(text, q.end) or not self.name_before.search(before):
                return
            kcal = q.value
        if ITEM_KCAL[0] <= kcal <= ITEM_KCAL[1]:
            day.items.append(Item(kcal, q.start, q.end))

    # -- tables ------------------------------------------------------------------------------
    def _tables(self, text: str) -> list[Day]:
        """Days from the first table whose header names an energy column."""
        lines: list[tuple[int, str]] = []
        offset = 0
        for line in text.split("\n"):
            lines.append((offset, line))
            offset += len(line) + 1
        for index, (_, line) in enumerate(lines):
            splitter = next((s for s in _SPLITTERS if line.count(s) >= 2), None)
            if splitter is None:
                continue
            cells = [c.strip(" *_") for c in line.split(splitter)]
            energy = next((i for i, c in enumerate(cells) if self.energy_column.match(c)), None)
            if energy is None:
                continue
            protein = next(
                (i for i, c in enumerate(cells) if self.protein_column.fullmatch(c)), None
            )
            date = next((i for i, c in enumerate(cells) if self.date_column.match(c)), None)
            kj = cells[energy].startswith(("kj", "kilojoule"))
            return self._rows(lines[index + 1 :], splitter, len(cells), energy, protein, date, kj)
        return []

    def _rows(
        self,
        lines: list[tuple[int, str]],
        splitter: str,
        width: int,
        energy: int,
        protein: int | None,
        date: int | None,
        kj: bool,
    ) -> list[Day]:
        days: dict[str, Day] = {}
        for offset, line in lines:
            if line.count(splitter) < min(2, width - 1):
                break  # the table ended
            cells = line.split(splitter)
            if len(cells) != width or all(set(c.strip()) <= set("-: ") for c in cells):
                continue  # a separator row, or a row of another shape
            key = cells[date].strip() if date is not None else ""
            day = days.setdefault(key, Day())
            value = self._cell(cells[energy])
            if value is None:
                continue
            start = offset + sum(len(c) + 1 for c in cells[:energy])
            kcal = value / KJ_PER_KCAL if kj else value
            item = Item(kcal, start, start + len(cells[energy]))
            if self.total_label.search(line):
                day.total = item
                continue
            if ITEM_KCAL[0] <= kcal <= ITEM_KCAL[1]:
                day.items.append(item)
            if protein is not None and (grams := self._cell(cells[protein])) is not None:
                day.protein.append(Item(grams, item.start, item.end))
        return list(days.values())

    @staticmethod
    def _cell(cell: str) -> float | None:
        m = _CELL_NUMBER.match(cell.strip())
        if m is None:
            return None
        return float(re.sub(r"[,\s]", "", m.group(1)))


__all__ = ["Day", "DayItems", "Item"]
