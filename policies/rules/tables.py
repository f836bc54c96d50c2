"""Pattern tables: the data files in ``policies/rules/data`` and the code that reads them.

A table is one YAML file. Its ``words`` are word lists, its ``values`` map words to numbers;
its ``patterns`` map names to regex
sources (a string, or a list of alternatives joined with ``|``, or ``{each: [...]}`` for a
list of separate patterns); a source
may reference another pattern of the same file, or of ``lexicon.yaml``, as ``${name}``. Its
``rules`` are :class:`TextRule` rows with an ``id``, the violation they
raise, the stages they run at, their pattern and the context that may cancel them, and
``examples`` (``match`` / ``no_match`` texts, checked by ``tests/policies/test_rule_tables.py``).

Tables are read and their sources expanded once per process (:func:`load_table`); compiled
patterns are kept on the table, so every engine shares them.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml

from persistence.enums import PolicyViolationType, Severity

from ..models import Action, Stage

LEXICON = "lexicon"
IN = frozenset({Stage.INPUT, Stage.TOOL_ARGS})
OUT = frozenset({Stage.OUTPUT})
_REF = re.compile(r"\$\{(\w+)\}")
_STAGES: dict[str, frozenset[Stage]] = {"in": IN, "out": OUT, "both": IN | OUT}
_RULE_KEYS = frozenset(
    "id type severity action stages topic pattern context context_before exclude not_after"
    " negatable"
    " educational_ok referral_ok support_ok past_ok self_only stands enabled examples note".split()
)


@dataclass(frozen=True, slots=True)
class TextRule:
    """One lexical policy: a pattern plus how context may cancel it."""

    policy_id: str
    type: PolicyViolationType
    severity: Severity
    action: Action
    pattern: str
    stages: frozenset[Stage]
    topic: str
    negatable: bool = True  # "I don't purge", "without starving myself"
    educational_ok: bool = True  # "what are the risks of DNP?" (no first-person intent)
    referral_ok: bool = False  # "ask your doctor before changing your dose"
    support_ok: bool = True  # output: "if you're making yourself sick, call ..."
    past_ok: bool = False  # input: "I self-harmed as a teen, ten years ago, doing well now"
    self_only: bool = False  # input: the user's own state only ("my son is in ED recovery" is not)
    stands: bool = False  # the learned layer never vetoes its finding (classifier/layer.py)
    context: str | None = None  # must also match in the sentence
    context_before: bool = False  # or in the sentence before ("I have PCOS. ... cures it")
    exclude: str | None = None  # cancels the match when found in the sentence
    not_after: frozenset[str] = frozenset()  # cancels the match after these words ("movie binge")
    source: str = ""  # the rule file, for evidence: "rules/data/ed.yaml"
    enabled: bool = True  # a rule switched off in its file (measured, kept for reference)


class TableError(ValueError):
    """A rule file that does not parse, names an unknown field or holds a bad regex."""


@dataclass(frozen=True, slots=True)
class Examples:
    """Texts a rule must flag (``match``) and must leave alone (``no_match``)."""

    match: tuple[str, ...] = ()
    no_match: tuple[str, ...] = ()


@dataclass(slots=True)
class PatternTable:
    """One rule file: expanded pattern sources, rules and their examples."""

    name: str
    sources: dict[str, str]
    lists: dict[str, tuple[str, ...]]
    word_sets: dict[str, tuple[str, ...]] = field(default_factory=dict)
    value_maps: dict[str, dict[str, float]] = field(default_factory=dict)
    rules: tuple[TextRule, ...] = ()
    examples: dict[str, Examples] = field(default_factory=dict)
    _compiled: dict[str, re.Pattern[str]] = field(default_factory=dict)

    @property
    def path(self) -> str:
        """Where the table lives, relative to the repository (for evidence and errors)."""
        return f"policies/rules/data/{self.name}.yaml"

    def source(self, name: str) -> str:
        """The expanded regex source of pattern ``name``."""
        try:
            return self.sources[name]
        except KeyError:
            raise TableError(f"{self.path}: no pattern {name!r}") from None

    def compile(self, name: str) -> re.Pattern[str]:
        """Pattern ``name``, compiled once."""
        compiled = self._compiled.get(name)
        if compiled is None:
            compiled = self._compiled[name] = re.compile(self.source(name))
        return compiled

    def words(self, name: str) -> tuple[str, ...]:
        """The word list ``name`` of the table's ``words`` section."""
        try:
            return self.word_sets[name]
        except KeyError:
            raise TableError(f"{self.path}: no word list {name!r}") from None

    def values(self, name: str) -> dict[str, float]:
        """The ``word: number`` map ``name`` of the table's ``values`` section."""
        try:
            return self.value_maps[name]
        except KeyError:
            raise TableError(f"{self.path}: no value map {name!r}") from None

    def compile_each(self, name: str) -> list[re.Pattern[str]]:
        """The separate patterns of an ``each:`` entry, compiled."""
        if name not in self.lists:
            raise TableError(f"{self.path}: no pattern list {name!r}")
        return [re.compile(p) for p in self.lists[name]]


def _data(name: str) -> dict[str, Any]:
    ref = resources.files("policies.rules") / "data" / f"{name}.yaml"
    try:
        # the C loader when PyYAML has it (several times faster than the pure-Python one)
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        raw = yaml.load(ref.read_text(encoding="utf-8"), Loader=loader)
    except (OSError, yaml.YAMLError) as exc:
        raise TableError(f"policies/rules/data/{name}.yaml: {exc}") from None
    if not isinstance(raw, dict):
        raise TableError(f"policies/rules/data/{name}.yaml: expected a mapping")
    return raw


def _joined(value: Any, where: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "|".join(value)
    raise TableError(f"{where}: a pattern is a string or a list of strings")


def _expand(source: str, raw: dict[str, str], outer: dict[str, str], where: str) -> str:
    seen: set[str] = set()

    def one(text: str) -> str:
        def sub(m: re.Match[str]) -> str:
            key = m.group(1)
            if key in seen:
                raise TableError(f"{where}: ${{{key}}} refers to itself")
            if key in raw:
                seen.add(key)
                try:
                    return one(raw[key])
                finally:
                    seen.discard(key)
            if key in outer:
                return outer[key]
            raise TableError(f"{where}: unknown reference ${{{key}}}")

        return _REF.sub(sub, text)

    return one(source)


def _check(source: str, where: str) -> str:
    try:
        re.compile(source)
    except re.error as exc:
        raise TableError(f"{where}: {exc}") from None
    return source


@functools.cache
def load_table(name: str) -> PatternTable:
    """Read, expand and validate ``policies/rules/data/<name>.yaml`` (once per process)."""
    outer = {} if name == LEXICON else load_table(LEXICON).sources
    return parse_table(name, _data(name), outer)


def parse_table(name: str, data: dict[str, Any], outer: dict[str, str]) -> PatternTable:
    """Build a table from parsed YAML; ``outer`` holds the sources ``${name}`` may reach."""
    path = f"policies/rules/data/{name}.yaml"
    raw_patterns: dict[str, str] = {}
    raw_lists: dict[str, list[str]] = {}
    for key, value in (data.get("patterns") or {}).items():
        if isinstance(value, dict):
            items = value.get("each")
            if not isinstance(items, list):
                raise TableError(f"{path}: {key}: a mapping pattern needs 'each: [...]'")
            raw_lists[key] = [_joined(v, f"{path}: {key}") for v in items]
        else:
            raw_patterns[key] = _joined(value, f"{path}: {key}")
    sources = {
        key: _check(_expand(src, raw_patterns, outer, f"{path}: {key}"), f"{path}: {key}")
        for key, src in raw_patterns.items()
    }
    lists = {
        key: tuple(
            _check(_expand(src, raw_patterns, outer, f"{path}: {key}"), f"{path}: {key}")
            for src in items
        )
        for key, items in raw_lists.items()
    }
    words: dict[str, tuple[str, ...]] = {}
    for key, value in (data.get("words") or {}).items():
        items = value.split() if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(w, str) for w in items):
            raise TableError(f"{path}: words {key}: a list of words (or one spaced string)")
        words[key] = tuple(items)
    values: dict[str, dict[str, float]] = {}
    for key, value in (data.get("values") or {}).items():
        if not isinstance(value, dict) or not all(
            isinstance(v, int | float) for v in value.values()
        ):
            raise TableError(f"{path}: values {key}: a mapping of words to numbers")
        values[key] = {str(w): float(v) for w, v in value.items()}
    table = PatternTable(name, sources, lists, words, values)
    rules: list[TextRule] = []
    for row in data.get("rules") or []:
        rule, examples = _rule(row, raw_patterns, outer, path)
        rules.append(rule)
        table.examples[rule.policy_id] = examples
    table.rules = tuple(rules)
    return table


def _rule(
    row: Any, raw: dict[str, str], outer: dict[str, str], path: str
) -> tuple[TextRule, Examples]:
    if not isinstance(row, dict) or "id" not in row:
        raise TableError(f"{path}: every rule is a mapping with an 'id'")
    where = f"{path}: {row['id']}"
    unknown = set(row) - _RULE_KEYS
    if unknown:
        raise TableError(f"{where}: unknown keys {sorted(unknown)}")

    def pattern(key: str) -> str | None:
        if row.get(key) is None:
            return None
        return _check(_expand(_joined(row[key], f"{where}.{key}"), raw, outer, where), where)

    try:
        stages = _STAGES[row["stages"]]
        rule = TextRule(
            policy_id=str(row["id"]),
            type=PolicyViolationType(row["type"]),
            severity=Severity(row["severity"]),
            action=Action(row["action"]),
            pattern=pattern("pattern") or "",
            stages=stages,
            topic=str(row["topic"]),
            negatable=bool(row.get("negatable", True)),
            educational_ok=bool(row.get("educational_ok", True)),
            referral_ok=bool(row.get("referral_ok", False)),
            support_ok=bool(row.get("support_ok", True)),
            past_ok=bool(row.get("past_ok", False)),
            self_only=bool(row.get("self_only", False)),
            stands=bool(row.get("stands", False)),
            context=pattern("context"),
            context_before=bool(row.get("context_before", False)),
            exclude=pattern("exclude"),
            not_after=frozenset(row.get("not_after") or ()),
            source=path.removeprefix("policies/"),
            enabled=bool(row.get("enabled", True)),
        )
    except (KeyError, ValueError) as exc:
        raise TableError(f"{where}: {exc}") from None
    if not rule.pattern:
        raise TableError(f"{where}: empty pattern")
    ex = row.get("examples") or {}
    return rule, Examples(tuple(ex.get("match") or ()), tuple(ex.get("no_match") or ()))


#: The rule files the text checks run, in order (earlier files report first).
RULE_FILES = ("ed", "ed_behaviours", "unsafe", "medical", "targets")


def text_rules() -> list[TextRule]:
    """Every rule of :data:`RULE_FILES`, in file order."""
    return [rule for name in RULE_FILES for rule in load_table(name).rules]


@functools.cache
def standing_rules() -> frozenset[str]:
    """The ids of the rules whose findings stand whatever the learned layer says
    (``stands: true``)."""
    return frozenset(rule.policy_id for rule in text_rules() if rule.stands)
