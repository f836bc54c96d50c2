"""Loading the suites' YAML datasets (``evals/datasets/<suite>.yaml``).

Each file is a pydantic-evals dataset whose case ``inputs`` validate as
:class:`~evals.models.EvalInputs` and whose evaluators come from
:data:`evals.evaluators.EVALUATOR_TYPES`. A judge model, when configured, adds a
:class:`~evals.evaluators.CoachJudge` to every case that has a ``rubric`` in its metadata
(the coaching suite), and to no other.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic_ai import models
from pydantic_evals import Dataset

from evals.evaluators import EVALUATOR_TYPES, CoachJudge
from evals.models import SUITES, CaseOutput, EvalInputs

DATASETS_DIR = Path(__file__).resolve().parent / "datasets"

CoachDataset = Dataset[EvalInputs, CaseOutput, dict[str, Any]]


def dataset_path(suite: str) -> Path:
    """The YAML file of ``suite`` (``ValueError`` for an unknown suite)."""
    if suite not in SUITES:
        raise ValueError(f"suite: unknown {suite!r}; choose from {list(SUITES)}")
    return DATASETS_DIR / f"{suite}.yaml"


def load_suite(
    suite: str,
    *,
    judge: models.Model | str | None = None,
    only: tuple[str, ...] = (),
) -> CoachDataset:
    """The suite's dataset; ``only`` keeps the cases whose name contains one of its strings."""
    dataset = CoachDataset.from_file(dataset_path(suite), custom_evaluator_types=EVALUATOR_TYPES)
    if dataset.name != suite:
        raise ValueError(f"{dataset_path(suite)}: name is {dataset.name!r}, expected {suite!r}")
    if only:
        dataset.cases = [c for c in dataset.cases if any(s in (c.name or "") for s in only)]
    if judge is not None:
        for case in dataset.cases:
            rubric = (case.metadata or {}).get("rubric")
            if rubric:
                case.evaluators.append(CoachJudge(rubric=str(rubric), model=judge))
    return dataset


def case_counts() -> dict[str, int]:
    """Number of cases per suite."""
    return {suite: len(load_suite(suite).cases) for suite in SUITES}
