"""What an attacker or a careless caller tried, and what the service now does (real uvicorn on
127.0.0.1 over the real store): malformed chat content, huge JSON bodies (declared and chunked),
key and password guessing, an empty bearer beside a good key, filters naming unknown reports."""

from __future__ import annotations

import http.client
import math
import time

import httpx
import pytest

from assistant.api import create_app
from assistant.serving import create_served_app
from assistant.service import build_service
from tests.live_server import live_server

pytestmark = pytest.mark.slow

KEY = "right-key"


def _service(real_service, **api):
    settings = real_service.settings.model_copy(deep=True)
    for name, value in api.items():
        setattr(settings.api, name, value)
    return build_service(settings, store=real_service.store, embedder=real_service.embedder())


@pytest.fixture(scope="module")
def open_api(real_service):
    with live_server(create_app(_service(real_service, max_json_bytes=20_000))) as url:
        yield httpx.Client(base_url=url, timeout=60)


@pytest.mark.parametrize("content", [
    [{"type": "text", "text": 5}],
    [{"type": "text", "text": None}],
    [{"type": "text"}],
    [{"type": "text", "text": ["a", "list"]}],
    [5],
])
def test_malformed_chat_content_is_a_422_naming_the_field(open_api, content):
    for messages in ([{"role": "user", "content": content}],
                     [{"role": "user", "content": content}, {"role": "assistant", "content": "x"},
                      {"role": "user", "content": "What about Sefton?"}]):
        response = open_api.post("/v1/chat/completions", json={"messages": messages})
        assert response.status_code == 422, response.text
        assert "messages.0.content" in response.json()["detail"]


def test_json_bodies_over_the_limit_are_413_whether_declared_or_chunked(open_api):
    padding = "x" * 30_000
    declared = open_api.post("/v1/search", json={"query": "camhs", "padding": padding})
    assert declared.status_code == 413 and "20,000" in declared.json()["detail"]

    def chunks():
        yield b'{"query": "camhs", "padding": "'
        for _ in range(10_000):  # 10 MB if it were all read
            yield b"x" * 1_000
        yield b'"}'

    chunked = open_api.post("/v1/search", content=chunks(), headers={"Content-Type": "application/json"})
    assert chunked.status_code == 413 and chunked.headers["content-type"] == "application/problem+json"
    assert open_api.post("/v1/search", json={"query": "camhs", "k": 2}).status_code == 200  # small ones still work


def test_unknown_report_ids_in_filters_are_404_naming_them(open_api):
    search = open_api.post("/v1/search", json={"query": "camhs", "report_ids": ["nowhere-2020"]})
    assert search.status_code == 404 and "nowhere-2020" in search.json()["detail"]
    ask = open_api.post("/v1/ask", json={"question": "How long is the CAMHS wait?",
                                         "filters": {"report_ids": ["sefton-2018", "nowhere-2020"]}})
    assert ask.status_code == 404 and "nowhere-2020" in ask.json()["detail"] and "sefton-2018" in ask.json()["detail"]


def test_an_empty_bearer_beside_a_good_x_api_key_is_accepted(real_service):
    with live_server(create_app(_service(real_service, api_keys=KEY))) as url:
        host, port = url.removeprefix("http://").split(":")
        for empty in ("Bearer ", "Bearer", "bearer \t "):  # httpx refuses to send these; a raw client does
            connection = http.client.HTTPConnection(host, int(port), timeout=30)
            connection.request("GET", "/v1/reports", headers={"Authorization": empty, "X-API-Key": KEY})
            response = connection.getresponse()
            assert response.status == 200, (empty, response.read())
            connection.close()


def test_key_guessing_is_slowed_down_and_good_keys_are_not(real_service):
    with live_server(create_app(_service(real_service, api_keys=KEY, auth_failures_allowed=5))) as url:
        client = httpx.Client(base_url=url, timeout=30)
        for _ in range(3):  # good keys before any failure: answered at once, and never counted
            started = time.perf_counter()
            assert client.get("/v1/reports", headers={"X-API-Key": KEY}).status_code == 200
            assert time.perf_counter() - started < 2
        started = time.monotonic()
        codes = [client.get("/v1/reports", headers={"X-API-Key": f"guess-{i}"}).status_code for i in range(300)]
        elapsed = time.monotonic() - started
        assert codes[:5] == [401] * 5 and codes[5] == 429 and set(codes) == {401, 429} | set(codes[:5])
        # Once locked out, a guess is checked only after each wait of 1, 2, 4 ... s, so however slow
        # this machine is, m further guesses need at least 2**(m-1) - 1 seconds.
        checked_after_lockout = codes[5:].count(401)
        assert checked_after_lockout <= math.log2(elapsed + 1) + 1, (checked_after_lockout, elapsed)
        refused = client.get("/v1/reports", headers={"X-API-Key": KEY})
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1  # even a right key must wait
        assert client.get("/healthz").status_code == 200


def test_ui_password_guessing_is_slowed_down(real_service):
    app = create_served_app(_service(real_service, api_keys=KEY, auth_failures_allowed=3))
    with live_server(app) as url:
        client = httpx.Client(base_url=url, timeout=30)
        codes = [client.post("/ui/login", data={"username": "staff", "password": f"guess-{i}"}).status_code
                 for i in range(6)]
        assert codes[:3] == [400] * 3 and set(codes[3:]) == {429}, codes
        assert "retry-after" in client.post("/ui/login", data={"username": "staff", "password": KEY}).headers
