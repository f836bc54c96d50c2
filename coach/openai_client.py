"""The ``AsyncOpenAI`` client of the coach's OpenAI models, without per-request re-walks.

The ``openai`` SDK prepares every Chat Completions request by walking its arguments against
their ``TypedDict`` types (``async_maybe_transform``: type introspection on every message,
part and tool definition, on every request, growing with the history) and builds every
streamed chunk with its lenient recursive constructor (``construct_type``). For the chat
messages and tool definitions pydantic-ai builds, the walk changes nothing: no field of
those types has an alias or a format, pydantic-ai puts no ``Omit`` inside them and passes
lists of plain dicts. So :class:`CoachOpenAI` changes two things and nothing else:

- ``chat.completions.create`` hands ``messages`` and ``tools`` to the SDK through
  ``extra_body`` (the SDK's documented way to send body fields as they are; the same
  workaround as anthropic-sdk-python issue 1195). They are passed as empty lists to the
  typed arguments, so the body keeps its keys in the same order and the JSON sent is
  byte for byte the one the SDK would have built (``tests/coach/test_openai_client.py``
  compares them). Fields the caller put in ``extra_body`` still win, as in the SDK.
- A streamed ``ChatCompletionChunk`` is validated by pydantic-core in one call; a chunk
  that does not validate (an OpenAI-compatible server sending something off the schema)
  goes through the SDK's own lenient constructor as before.

Everything else (retries, timeouts, errors, usage, tool calls, the stream's lifecycle) is
the SDK's and pydantic-ai's unchanged code.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property
from typing import Any, TypeVar

import httpx2
import pydantic
from openai import AsyncOpenAI, Omit, omit
from openai.resources.chat import AsyncChat
from openai.resources.chat.completions import AsyncCompletions
from openai.types.chat import ChatCompletionChunk

_T = TypeVar("_T")


class _Completions(AsyncCompletions):
    async def create(  # type: ignore[override]
        self,
        *,
        messages: Iterable[Any],
        tools: Iterable[Any] | Omit = omit,
        extra_body: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> Any:
        """The SDK's ``create`` with ``messages`` and ``tools`` sent as they are."""
        body: dict[str, Any] = {"messages": list(messages)}
        if not isinstance(tools, Omit):
            body["tools"] = list(tools)
        if extra_body:
            body.update(extra_body)
        return await super().create(
            messages=[],
            tools=omit if isinstance(tools, Omit) else [],
            extra_body=body,
            **kwargs,
        )


class _Chat(AsyncChat):
    @cached_property
    def completions(self) -> AsyncCompletions:
        """Chat Completions, sending messages and tools as they are."""
        return _Completions(self._client)


class CoachOpenAI(AsyncOpenAI):
    """``AsyncOpenAI`` with the two shortcuts of the module docstring."""

    @cached_property
    def chat(self) -> AsyncChat:
        """The chat resources, with the pass-through ``completions``."""
        return _Chat(self)

    def _process_response_data(
        self, *, data: object, cast_to: type[_T], response: httpx2.Response
    ) -> _T:
        if cast_to is ChatCompletionChunk and type(data) is dict:
            try:
                chunk: Any = ChatCompletionChunk.model_validate(data)
                return chunk  # type: ignore[no-any-return]
            except pydantic.ValidationError:
                pass
        return super()._process_response_data(data=data, cast_to=cast_to, response=response)
