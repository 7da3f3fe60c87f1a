"""OpenAI-compatible chat completions over ask(): existing chat clients get the answer with
its citations as numbered footnotes in the content and as a structured `citations` field."""

from __future__ import annotations

import json
import time
import uuid

from assistant.api.problems import ApiProblem
from assistant.markers import HeldBackStream, number_markers

MODEL_ID = "report-assistant"


def models_list() -> dict:
    return {"object": "list", "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "report-assistant"}]}


def _text(content) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content parts (validated by the request model): keep the text ones
        return "".join(part.text or "" for part in content if part.type == "text")
    return ""


def question_and_history(messages) -> tuple[str, list[dict]]:
    """The last user message is the question; earlier user/assistant messages are the history
    (system prompts are ignored: the assistant's rules are its own)."""
    turns = [{"role": m.role, "content": _text(m.content)} for m in messages if m.role in ("user", "assistant")]
    if not turns or turns[-1]["role"] != "user" or not turns[-1]["content"].strip():
        raise ApiProblem(422, "Invalid request", "messages must end with a user message that has text content")
    return turns[-1]["content"], turns[:-1]


def with_footnotes(answer: dict) -> str:
    """Replace [report#para] markers with [1], [2] ... and append the numbered sources."""
    text, order = number_markers(answer["answer"])
    return text + sources_block(answer, order)


def sources_block(answer: dict, order: list[str]) -> str:
    """The numbered sources of a checked answer; a number the stream showed for an id the checks
    then removed says so rather than pointing at nothing."""
    if not order:
        return ""
    quotes: dict[str, str] = {}
    for citation in answer["citations"]:
        quotes.setdefault(citation["id"], citation["quote"])
    lines = [f"[{n}] {cid} ({_title(answer, cid)}): \u201c{quotes[cid]}\u201d" if cid in quotes
             else f"[{n}] {cid}: removed by the citation checks (not a supported citation)"
             for n, cid in enumerate(order, start=1)]
    return "\n\nSources:\n" + "\n".join(lines)


def _title(answer: dict, cid: str) -> str:
    return next((c["report_title"] for c in answer["citations"] if c["id"] == cid), cid.split("#")[0])


# What an answer carries beyond the chat message, under "report_assistant" (read_as: the
# question's slips of the keyboard, as typed -> as read).
ANSWER_EXTRAS = ("unsupported", "removed", "repaired", "engine", "answerable", "notice", "read_as")


def completion(answer: dict, model: str) -> dict:
    content = with_footnotes(answer)
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:24]}", "object": "chat.completion", "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
        "citations": answer["citations"],
        "report_assistant": {k: answer[k] for k in ANSWER_EXTRAS},
    }


class _MarkerNumbering(HeldBackStream):
    """Streamed text with [report#para] markers numbered [1], [2] ... as they arrive."""

    def __init__(self):
        self.order: list[str] = []
        super().__init__(lambda text: number_markers(text, self.order)[0], longest=80)


def streamed_chunks(events, model: str):
    """SSE lines of a completion streamed as the engine writes it: role, the text pieces with
    their markers numbered, then the sources of the checked answer, then a final chunk carrying
    the checked citations and the checked text (`report_assistant.content`), then [DONE]."""
    ident, created = f"chatcmpl-{uuid.uuid4().hex[:24]}", int(time.time())

    def chunk(delta: dict, finish: str | None = None, **extra) -> str:
        body = {"id": ident, "object": "chat.completion.chunk", "created": created, "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}
        return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"

    yield chunk({"role": "assistant", "content": ""})
    numbering = _MarkerNumbering()
    for kind, value in events:
        if kind == "token":
            text = numbering.feed(value)
            if text:
                yield chunk({"content": text})
            continue
        answer = value.to_dict()
        rest = numbering.flush()
        checked_text, order = number_markers(answer["answer"], numbering.order)
        tail = rest + sources_block(answer, order)
        if tail:
            yield chunk({"content": tail})
        extra = {k: answer[k] for k in ANSWER_EXTRAS}
        yield chunk({}, "stop", citations=answer["citations"],
                    report_assistant={**extra, "content": checked_text + sources_block(answer, order)})
    yield "data: [DONE]\n\n"
