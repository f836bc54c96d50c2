"""A day given as foods without their calories, estimated from typical energies.

"My food for every day: 100 g chicken breast, a cup of rice, 2 apples, black coffee" states
no energy at all; a reader who knows foods sees about 565 kcal. :class:`FoodEnergy` splits a
text into items (at commas, semicolons, line breaks, bullets, "and", "with", "+"), finds
the foods of each (``rules/data/foods.yaml``: typical kcal per 100 g, per usual portion,
per cup, slice, bowl or tablespoon) and their amounts:

- grams or millilitres before the food ("150 g white fish", "200ml milk");
- a count, maybe with a measure ("2 apples", "a cup of rice", "two slices of toast",
  "half an avocado", "3 × 200 ml formula");
- nothing: one usual portion ("black coffee", "a banana").

An item that holds an amount but no food this table knows ("a handful of crisps", "1 bagel")
is *unknown*; the checker counts it at :data:`UNKNOWN_ITEM_KCAL` so that what it cannot read
never lowers the estimate. Whether the estimate is a day, and a day under the floor, is the
checker's decision (``NumericChecker._food_day``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..rules import load_table

#: What an item with an amount but no known food counts for (a generous meal).
UNKNOWN_ITEM_KCAL = 400.0
_SPLIT = re.compile(
    r"\s*(?:[,;:\n•·]|\s(?:and|with|plus|then|y|et|e|und|con|avec|com|mit)\s|\+|\s-\s)\s*"
)
_COUNTS = {
    "a": 1.0, "an": 1.0, "one": 1.0, "two": 2.0, "three": 3.0, "four": 4.0, "five": 5.0,
    "six": 6.0, "half": 0.5, "couple": 2.0, "few": 3.0, "un": 1.0, "une": 1.0, "uno": 1.0,
    "una": 1.0, "um": 1.0, "uma": 1.0, "ein": 1.0, "eine": 1.0, "dos": 2.0, "deux": 2.0,
    "due": 2.0, "duas": 2.0, "zwei": 2.0,
}  # fmt: skip
_AMOUNT = re.compile(
    r"(?<![\w.])(?P<n>\d+(?:[.,]\d+)?|a|an|one|two|three|four|five|six|half(?:\s+an?)?|couple\s+of|few|"
    r"un|une|uno|una|um|uma|ein|eine|dos|deux|due|duas|zwei)"
    r"(?:\s*(?:x|×)\s*(?P<each>\d+)\s*(?:ml|g))?"
    r"\s*(?:(?P<mass>g|gr|grams?|ml|millilit(?:re|er)s?)\b|(?P<measure>cups?|mugs?|glass(?:es)?|"
    r"slices?|bowls?|plates?|tbsps?|tablespoons?|tsps?|teaspoons?|scoops?|pieces?|handfuls?|"
    r"fette|tranches?|rebanadas?|fatias?|tazas?|tasses?|scheiben))?"
    r"(?:\s+(?:of|de|di|d))?\s+",
)
_MEASURE = {
    "cup": "cup", "mug": "cup", "glass": "cup", "taza": "cup", "tasse": "cup",
    "slice": "slice", "fette": "slice", "tranche": "slice", "rebanada": "slice",
    "fatia": "slice", "scheibe": "slice", "bowl": "bowl", "plate": "bowl", "tbsp": "tbsp",
    "tablespoon": "tbsp", "tsp": "tbsp", "teaspoon": "tbsp", "scoop": "portion",
    "piece": "portion", "handful": "portion",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class FoodDay:
    """What a text's items add up to: the estimate over known foods, the items read, and
    the items with an amount but no known food."""

    kcal: float
    known: int
    unknown: int
    #: Protein of the known foods, grams.
    protein_g: float = 0.0
    #: Items read in all (foods, unknown amounts and the rest: prose around a list).
    items: int = 0
    #: Where the first food is named (for the checker's context tests), -1 if none.
    first: int = -1

    @property
    def listed(self) -> bool:
        """Whether the text is mostly its foods (a list), not prose that names some."""
        return 2 * self.known >= self.items


class FoodEnergy:
    """Estimates the energy of foods named in a text (see the module docstring)."""

    def __init__(self) -> None:
        t = load_table("foods")
        self._foods = [
            (key.removeprefix("food_"), re.compile(rf"\b(?:{t.source(key)})\b"))
            for key in t.sources
            if key.startswith("food_")
        ]
        self._values = t.value_maps
        #: Any food at all: a cheap test before splitting a text into items.
        self._any = re.compile(
            "|".join(rf"\b(?:{t.source(key)})\b" for key in t.sources if key.startswith("food_"))
        )

    def mentioned(self, text: str) -> bool:
        """Whether ``text`` names any food of the table."""
        return self._any.search(text) is not None

    def day(self, text: str) -> FoodDay:
        """The estimate over the items of ``text`` (normalised, lowercase)."""
        kcal = protein = 0.0
        known = unknown = items = 0
        for item in _SPLIT.split(text):
            item = item.strip(" .!?*-()[]\"'")
            if not item:
                continue
            items += 1
            found = self._item(item)
            if found is None:
                if _AMOUNT.match(item + " ") and len(item.split()) <= 6:
                    unknown += 1
                continue
            kcal += found[0]
            protein += found[1]
            known += 1
        first = -1
        if known and (m := self._any.search(text)) is not None:
            first = m.start()  # the leftmost food of all
        return FoodDay(kcal, known, unknown, protein, items, first)

    def _item(self, item: str) -> tuple[float, float] | None:
        """The energy (kcal) and protein (g) of the first food of ``item`` and its amount,
        or None."""
        best: tuple[int, int, str] | None = None
        for name, pattern in self._foods:
            m = pattern.search(item)
            if m is None:
                continue
            # the earliest food; of those, the longest name ("sweet potato", not "potato")
            key = (m.start(), -(m.end() - m.start()), name)
            if best is None or key < best:
                best = key
        if best is None:
            return None
        start, _, food = best
        lead = item[:start]
        amount = None
        for m in _AMOUNT.finditer(lead):
            if m.end() == len(lead) or len(lead[m.end() :].split()) <= 2:
                amount = m  # the last amount before the food, at most two words before it
        kcal = self._energy(food, amount)
        per_100g = self._values["per_100g"][food]
        protein = kcal * self._values["protein_per_100g"][food] / per_100g if per_100g else 0.0
        return kcal, protein

    def _energy(self, food: str, amount: re.Match[str] | None) -> float:
        per_100g = self._values["per_100g"][food]
        portion = self._values["portion"][food]
        if amount is None:
            return portion
        raw = amount.group("n").replace(",", ".")
        count = _COUNTS.get(raw.split()[0], None) if not raw[0].isdigit() else float(raw)
        count = 1.0 if count is None else count
        if amount.group("each"):
            return count * float(amount.group("each")) * per_100g / 100
        if amount.group("mass"):
            return count * per_100g / 100
        measure = amount.group("measure")
        if measure:
            kind = _MEASURE.get(measure.rstrip("s").removesuffix("e"), None)
            kind = kind or _MEASURE.get(measure.rstrip("s"), "portion")
            per = self._values.get(kind, {}).get(food, portion) if kind != "portion" else portion
            return count * per
        return count * portion


__all__ = ["UNKNOWN_ITEM_KCAL", "FoodDay", "FoodEnergy"]
