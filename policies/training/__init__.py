"""Training the learned safety layer (never imported at run time).

Scripts, run in a scratch venv with ``requirements.txt`` (torch, transformers, onnx)::

    python -m policies.training.dataset --import-from /work/corpus   # data/dataset.jsonl
    python -m policies.training.train                                # fine-tune, export, int8
    python -m policies.training.evaluate                             # figures for docs/safety.md

See docs/safety.md for the data, the split and the figures.
"""
