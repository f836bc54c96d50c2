"""A documented token estimate for budgeting model requests.

tiktoken would download its encodings at runtime (the network is closed in deployment and
CI), and the engine serves several model families anyway, so requests are budgeted with a
conservative estimate instead:

- text: ``ceil(characters / 4)``: about 4 characters per token for English with the
  GPT-family BPE tokenizers (OpenAI's rule of thumb); numbers and JSON punctuation
  tokenize denser, which the overheads below absorb;
- each message: +4 tokens (role and separators in the chat format);
- each part: +3 tokens (tool name / call id framing), and a tool call or return also
  counts its tool name and call id as text;
- each tool definition: its name, description and JSON schema as text, +8 tokens.

The estimate is the same function everywhere (budgeting, tests, the bench), so "every
request stays under the budget" is checked against one definition.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from typing import Any, Final

from pydantic_ai.messages import (
    ModelMessage,
    ModelRequest,
    RetryPromptPart,
    SystemPromptPart,
    TextPart,
    ThinkingPart,
    ToolCallPart,
    ToolReturnPart,
    UserPromptPart,
)
from pydantic_ai.tools import ToolDefinition

CHARS_PER_TOKEN: Final = 4
MESSAGE_OVERHEAD: Final = 4
PART_OVERHEAD: Final = 3
TOOL_OVERHEAD: Final = 8


def text_tokens(text: str) -> int:
    """Estimated tokens of ``text``."""
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def _part_text(part: Any) -> str:
    if isinstance(part, UserPromptPart):
        if isinstance(part.content, str):
            return part.content
        return " ".join(str(item) for item in part.content)
    if isinstance(part, SystemPromptPart | TextPart | ThinkingPart):
        return part.content
    if isinstance(part, ToolReturnPart):
        return f"{part.tool_name} {part.tool_call_id} {part.model_response_str()}"
    if isinstance(part, ToolCallPart):
        return f"{part.tool_name} {part.tool_call_id} {part.args_as_json_str()}"
    if isinstance(part, RetryPromptPart):
        return f"{part.tool_name or ''} {part.model_response()}"
    content = getattr(part, "content", None)
    return content if isinstance(content, str) else ""


def message_tokens(message: ModelMessage) -> int:
    """Estimated tokens of one message (instructions on a request are not counted here)."""
    return MESSAGE_OVERHEAD + sum(
        PART_OVERHEAD + text_tokens(_part_text(part)) for part in message.parts
    )


def messages_tokens(messages: Iterable[ModelMessage]) -> int:
    """Estimated tokens of a message list."""
    return sum(message_tokens(m) for m in messages)


def tool_definitions_tokens(tools: Iterable[ToolDefinition]) -> int:
    """Estimated tokens of the tool definitions sent with every request."""
    total = 0
    for tool in tools:
        schema = json.dumps(tool.parameters_json_schema, separators=(",", ":"))
        total += TOOL_OVERHEAD + text_tokens(f"{tool.name} {tool.description or ''} {schema}")
    return total


def request_tokens(
    messages: Sequence[ModelMessage], *, instructions: str | None, tools_tokens: int
) -> int:
    """Estimated size of a whole request: instructions, tool definitions and messages."""
    instr = MESSAGE_OVERHEAD + text_tokens(instructions) if instructions else 0
    return instr + tools_tokens + messages_tokens(messages)


def last_request_instructions(messages: Sequence[ModelMessage]) -> str | None:
    """The instructions the last request carries (what the model is sent with it)."""
    for message in reversed(messages):
        if isinstance(message, ModelRequest):
            return message.instructions
    return None
