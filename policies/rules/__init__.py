"""Rules as data: regex patterns and lexicons in ``data/*.yaml``, read by :mod:`.tables`.

Every pattern the text checks use lives in a table: lexical rules (``ed``, ``ed_behaviours``,
``unsafe``, ``medical``, ``targets``), shared fragments (``lexicon``), and the patterns of the
numeric reader (``numeric``, ``units``), the context tests (``context``, ``framing``) and the
eating-disorder concept pairs (``ed_concepts``, ``starvation``). A violation raised by a rule
names its file and id in its evidence. ``python -m policies.rules.measure`` prints each rule's
hits and precision on a labelled JSONL.
"""

from .tables import (
    RULE_FILES,
    Examples,
    PatternTable,
    TableError,
    TextRule,
    load_table,
    parse_table,
    standing_rules,
    text_rules,
)

__all__ = [
    "RULE_FILES",
    "Examples",
    "PatternTable",
    "TableError",
    "TextRule",
    "load_table",
    "parse_table",
    "standing_rules",
    "text_rules",
]
