"""Limits that protect the service from careless or hostile callers, before any route runs:
request bodies are bounded while they are read (a small limit for JSON, the upload limit for
multipart uploads), and a client that keeps presenting wrong keys or passwords is made to wait."""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from assistant.api.problems import problem


class BodyLimit:
    """ASGI middleware: 413 problem+json when a body is over its limit, whether it says its
    length (refused before reading) or is sent chunked (refused as soon as the count passes)."""

    def __init__(self, app, json_limit: int, upload_limit: int):
        self.app, self.json_limit, self.upload_limit = app, json_limit, upload_limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        upload = headers.get(b"content-type", b"").lower().startswith(b"multipart/")
        limit, what = (self.upload_limit, "an upload") if upload else (self.json_limit, "a request body")
        length = headers.get(b"content-length", b"")
        if length.isdigit() and int(length) > limit:
            return await _too_large(what, limit, f"{int(length):,} bytes")(scope, receive, send)

        received, started, refused = 0, False, False

        async def counted_receive():
            # Past the limit: answer 413 at once and tell the app the client has gone, so it
            # stops reading (the rest of the body is never read into memory).
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit and not started:
                    refused = True
                    await _too_large(what, limit, f"over {limit:,} bytes")(scope, receive, send)
                    return {"type": "http.disconnect"}
            return message

        async def watched_send(message):
            nonlocal started
            if refused:
                return  # the 413 is sent; whatever the app says after is dropped
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except Exception:
            if not refused:
                raise


def _too_large(what: str, limit: int, size: str):
    return problem(413, "Request too large", f"{what} of {size}; the limit is {limit:,} bytes "
                   "(ASSISTANT_API__MAX_JSON_BYTES for JSON, ASSISTANT_API__MAX_UPLOAD_BYTES per uploaded file)")


@dataclass
class _Record:
    failures: int = 0
    locked_until: float = 0.0
    last: float = 0.0


class FailureBackoff:
    """Per client address: after `allowed` wrong keys or passwords in a row, every request from
    that address is refused (429 with Retry-After) for 1 s, then 2, 4 ... up to `longest` seconds
    per further failure, whatever key it carries (so guessing cannot go on at speed). A right key
    from an address that is not locked out is never delayed, and it clears the count."""

    def __init__(self, allowed: int = 10, longest: float = 300.0, forget_after: float = 900.0,
                 max_clients: int = 10_000):
        self.allowed, self.longest, self.forget_after, self.max_clients = allowed, longest, forget_after, max_clients
        self._records: OrderedDict[str, _Record] = OrderedDict()
        self._lock = threading.Lock()

    def retry_after(self, client: str) -> int | None:
        """Seconds the client must wait, or None when it may try."""
        with self._lock:
            record = self._records.get(client)
            now = time.monotonic()
            if record is None or now >= record.locked_until:
                return None
            return max(1, math.ceil(record.locked_until - now))

    def failed(self, client: str) -> None:
        with self._lock:
            now = time.monotonic()
            record = self._records.pop(client, None) or _Record()
            if now - record.last > self.forget_after:
                record = _Record()
            record.failures += 1
            record.last = now
            beyond = record.failures - self.allowed
            if beyond >= 0:
                record.locked_until = now + min(self.longest, 2.0 ** beyond)
            self._records[client] = record
            while len(self._records) > self.max_clients:
                self._records.popitem(last=False)

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._records.pop(client, None)


def client_address(request) -> str:
    """The address the connection comes from (proxies' forwarded-for headers are not trusted)."""
    return request.client.host if request.client else "unknown"
