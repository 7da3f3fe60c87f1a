"""A scripted OpenAI-compatible chat server on 127.0.0.1 for LLM tests: the fake sits at the
network boundary, and the real client (LangChain's ChatOpenAI over the openai package) talks to
it over HTTP. Each completion request takes the next scripted reply; a reply is a string or a
function of the request's messages (to quote the paragraphs the request actually carried)."""

from __future__ import annotations

import json
import re
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

Reply = str | Callable[[list[dict]], str]

CONTEXT_ID = re.compile(r"^\[([a-z0-9-]+#[^\]\s]+)\][^\n]*\n(.+)$", re.M)


def context_paragraphs(messages: list[dict]) -> dict[str, str]:
    """citation id -> paragraph text, as the prompt presented them."""
    user = "\n".join(m["content"] for m in messages if m["role"] == "user")
    return {cid: text for cid, text in CONTEXT_ID.findall(user)}


class ScriptedLLM:
    def __init__(self, replies: list[Reply]):
        self.replies = list(replies)
        self.requests: list[dict] = []
        self._lock = threading.Lock()
        self.url = ""

    def next_reply(self, body: dict) -> str:
        with self._lock:
            self.requests.append(body)
            if not self.replies:
                raise AssertionError("the scripted LLM ran out of replies")
            reply = self.replies.pop(0)
        return reply(body["messages"]) if callable(reply) else reply


def _handler(script: ScriptedLLM):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # keep pytest output clean
            pass

        def do_GET(self):
            if self.path.rstrip("/").endswith("/models"):
                self._json({"object": "list", "data": [{"id": "scripted", "object": "model", "owned_by": "test"}]})
            else:
                self._json({"error": {"message": "not found"}}, 404)

        def do_POST(self):
            if not self.path.rstrip("/").endswith("/chat/completions"):
                self._json({"error": {"message": "not found"}}, 404)
                return
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            text = script.next_reply(body)
            created = int(time.time())
            if body.get("stream"):
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                pieces = [text[i:i + 7] for i in range(0, len(text), 7)]
                for index, piece in enumerate(pieces):
                    delta = {"content": piece} if index else {"role": "assistant", "content": piece}
                    self._event({"id": "chatcmpl-scripted", "object": "chat.completion.chunk", "created": created,
                                 "model": body.get("model"), "choices": [{"index": 0, "delta": delta, "finish_reason": None}]})
                self._event({"id": "chatcmpl-scripted", "object": "chat.completion.chunk", "created": created,
                             "model": body.get("model"), "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()
                return
            self._json({
                "id": "chatcmpl-scripted", "object": "chat.completion", "created": created, "model": body.get("model"),
                "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            })

        def _event(self, value: dict) -> None:
            self.wfile.write(f"data: {json.dumps(value)}\n\n".encode())
            self.wfile.flush()

        def _json(self, value: dict, status: int = 200) -> None:
            data = json.dumps(value).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


@contextmanager
def scripted_llm(replies: list[Reply]):
    """Serve the replies on 127.0.0.1 (a free port); yields the ScriptedLLM with .url (…/v1)."""
    script = ScriptedLLM(replies)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(script))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    script.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    try:
        yield script
    finally:
        server.shutdown()
        server.server_close()
