"""The offline coach model, recording what each request carried (for the memory suite).

It is ``coach.offline_model``'s model with the same request and stream functions, wrapped
so that each request's instructions and messages are noted with
:func:`evals.context.record_request` before the model answers. The harness hands it to the
engine through the constructor's ``models`` mapping; behaviour is unchanged.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence

from pydantic_ai.messages import (
    ModelMessage,
    ModelRequest,
    ModelResponse,
    SystemPromptPart,
    TextPart,
    ToolCallPart,
    ToolReturnPart,
    UserPromptPart,
)
from pydantic_ai.models.function import AgentInfo, DeltaToolCalls, FunctionModel

from coach.offline_model import OFFLINE_MODEL_NAME, offline_request, offline_stream
from evals.context import record_request


def request_text(messages: Sequence[ModelMessage], instructions: str | None) -> str:
    """A request as text: the instructions, then every part of every message."""
    lines: list[str] = [instructions or ""]
    for message in messages:
        if isinstance(message, ModelRequest):
            for part in message.parts:
                if isinstance(part, SystemPromptPart | UserPromptPart):
                    content = part.content
                    lines.append(content if isinstance(content, str) else str(content))
                elif isinstance(part, ToolReturnPart):
                    lines.append(part.model_response_str())
        elif isinstance(message, ModelResponse):
            for rpart in message.parts:
                if isinstance(rpart, TextPart):
                    lines.append(rpart.content)
                elif isinstance(rpart, ToolCallPart):
                    lines.append(f"{rpart.tool_name}({json.dumps(rpart.args_as_dict())})")
    return "\n".join(line for line in lines if line)


def recording_offline_model() -> FunctionModel:
    """The offline model, recording each request in the current case's recorder.

    It is offered exactly the engine's toolset (a tool removed from the engine with
    ``CoachEngine(include_tools=...)`` is missing here too).
    """

    def request(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        record_request(request_text(messages, info.instructions))
        return offline_request(messages, info)

    async def stream(
        messages: list[ModelMessage], info: AgentInfo
    ) -> AsyncIterator[str | DeltaToolCalls]:
        record_request(request_text(messages, info.instructions))
        async for item in offline_stream(messages, info):
            yield item

    return FunctionModel(request, stream_function=stream, model_name=OFFLINE_MODEL_NAME)
