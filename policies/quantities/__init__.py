"""Quantities in free text: numbers, units, time spans and the arithmetic users leave implicit.

:class:`NumberReader` reads numbers with their units ("eleven hundred cals", "1.1k kcal",
"13 st", "6 MJ") and time spans ("in 3 weeks", "by June 3rd"); :class:`NumericChecker` gives
each number a role (a daily target, a deficit, a surplus, a rate, a protein amount) and
compares it with the thresholds; :mod:`.implicit` works out the figures users imply
(maintenance minus a deficit, current minus goal weight over a date difference, a share of
calories as protein). The patterns are data: ``policies/rules/data/numeric.yaml`` and
``units.yaml``.
"""

from .checks import NumericChecker, Reading
from .reader import (
    KG_PER_LB,
    KG_PER_STONE,
    KJ_PER_KCAL,
    WEEKS_PER_MONTH,
    NumberReader,
    Period,
    Quantity,
    Unit,
)

__all__ = [
    "KG_PER_LB",
    "KG_PER_STONE",
    "KJ_PER_KCAL",
    "WEEKS_PER_MONTH",
    "NumberReader",
    "NumericChecker",
    "Period",
    "Quantity",
    "Reading",
    "Unit",
]
