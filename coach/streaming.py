"""Model streams handed straight to the turn, without pydantic-ai's per-event plumbing.

Streaming a model request through ``ModelRequestNode.stream()`` passes every chunk's event
through pydantic-ai's ``AgentStream``: a dozen nested async generators, per-event usage
checks and capability hooks, and anyio locks that each yield to the event loop. A turn
needs none of it per event (it has no per-event capability, and its token limit only
changes with the usage at the end of a response), and with a streaming model that work
cost more CPU than the model's own stream. :class:`StreamingTap` is a ``WrapperModel``
(pydantic-ai's extension point for models) that serves each request by streaming the
wrapped model and handing each event to a :class:`StreamSink` as it arrives; to the agent
graph the request is an ordinary one that returns the finished ``ModelResponse``. Retries,
fallback, usage, tool calls and the history are pydantic-ai's and the model's as before.
"""

from __future__ import annotations

from typing import Protocol

from pydantic_ai.messages import ModelMessage, ModelResponse, ModelResponseStreamEvent
from pydantic_ai.models import Model, ModelRequestParameters
from pydantic_ai.models.wrapper import WrapperModel
from pydantic_ai.settings import ModelSettings


class StreamSink(Protocol):
    """Receives each model response's stream."""

    async def response_started(self) -> None:
        """A model request is about to be sent."""

    async def response_event(self, event: ModelResponseStreamEvent) -> None:
        """An event of the response being streamed."""

    async def response_ended(self) -> None:
        """The response is complete."""


class StreamingTap(WrapperModel):
    """Serves every request by streaming ``wrapped`` into ``sink`` (see the module docstring)."""

    def __init__(self, wrapped: Model, sink: StreamSink) -> None:
        super().__init__(wrapped)
        self._sink = sink

    async def request(
        self,
        messages: list[ModelMessage],
        model_settings: ModelSettings | None,
        model_request_parameters: ModelRequestParameters,
    ) -> ModelResponse:
        """The wrapped model's streamed response, its events handed to the sink."""
        sink = self._sink
        await sink.response_started()
        async with self.wrapped.request_stream(
            messages, model_settings, model_request_parameters
        ) as stream:
            async for event in stream:
                await sink.response_event(event)
            response = stream.get()
        await sink.response_ended()
        return response
