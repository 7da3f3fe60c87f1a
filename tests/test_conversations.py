"""Conversations kept on the server: per user, surviving a restart, concurrent writers losing
nothing, exported with their references."""

from __future__ import annotations

import threading

import pytest
from docx import Document

from assistant.conversations import ConversationStore, conversation_docx, conversation_markdown, title_from
from assistant.errors import ConversationStoreError, InvalidInputError, NotFoundError

CITATION = {"id": "sefton-2018#1.3", "report_title": "Sefton (2018)", "quote": "Midwives visit at home.",
            "start": 0, "end": 23}


def test_turns_survive_reopening_the_database_and_stay_with_their_owner(tmp_path):
    store = ConversationStore(tmp_path / "c.sqlite3")
    first = store.create("ann", title_from("Do midwives visit at home in Sefton?"))
    store.add_turn("ann", first["id"], "Do midwives visit at home in Sefton?", "Yes [sefton-2018#1.3].",
                   "Yes [1].", [CITATION])
    store.add_turn("ann", first["id"], "and in Leicester?", "No.", "No.", [])

    reopened = ConversationStore(tmp_path / "c.sqlite3")  # a server restart
    conversation = reopened.get("ann", first["id"])
    assert conversation["title"] == "Do midwives visit at home in Sefton?" and conversation["turns"] == 2
    assert [t["question"] for t in conversation["messages"]] == ["Do midwives visit at home in Sefton?",
                                                                  "and in Leicester?"]
    assert reopened.history(conversation)[1] == {"role": "assistant", "content": "Yes [sefton-2018#1.3]."}
    assert reopened.list_for("bob") == []
    with pytest.raises(NotFoundError):
        reopened.get("bob", first["id"])  # another user's conversation is not found, not shown
    with pytest.raises(NotFoundError):
        reopened.delete("bob", first["id"])
    assert reopened.get("ann", first["id"])["turns"] == 2


def test_rename_delete_and_clear_errors(tmp_path):
    store = ConversationStore(tmp_path / "c.sqlite3")
    conversation = store.create("local", "First")
    assert store.rename("local", conversation["id"], "  Dental decay  ")["title"] == "Dental decay"
    with pytest.raises(InvalidInputError, match="title is empty"):
        store.rename("local", conversation["id"], " ")
    with pytest.raises(InvalidInputError, match="limit is 120"):
        store.rename("local", conversation["id"], "x" * 121)
    store.delete("local", conversation["id"])
    assert store.list_for("local") == []
    with pytest.raises(NotFoundError):
        store.add_turn("local", conversation["id"], "q", "a", "a", [])


def test_concurrent_writers_lose_no_turn(tmp_path):
    store = ConversationStore(tmp_path / "c.sqlite3")
    conversation = store.create("local", "Busy")

    def write(worker: int) -> None:
        other = ConversationStore(tmp_path / "c.sqlite3")  # as another API worker would
        for n in range(25):
            other.add_turn("local", conversation["id"], f"q{worker}-{n}", "a", "a", [])

    threads = [threading.Thread(target=write, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    questions = [t["question"] for t in store.get("local", conversation["id"])["messages"]]
    assert len(questions) == 100 and len(set(questions)) == 100


def test_a_damaged_database_is_a_clear_error(tmp_path):
    path = tmp_path / "c.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(ConversationStoreError, match="c.sqlite3"):
        ConversationStore(path)


def test_exports_carry_the_answers_and_each_reference_once(tmp_path):
    store = ConversationStore(tmp_path / "c.sqlite3")
    conversation = store.create("local", "Home visits")
    store.add_turn("local", conversation["id"], "Do midwives visit?", "Yes [sefton-2018#1.3].", "Yes [1].", [CITATION])
    store.add_turn("local", conversation["id"], "Really?", "Yes [sefton-2018#1.3].", "Yes [1].", [CITATION])
    stored = store.get("local", conversation["id"])
    markdown = conversation_markdown(stored)
    assert markdown.startswith("# Home visits") and markdown.count("sefton-2018#1.3`") == 1
    assert "**Question:** Really?" in markdown and "\u201cMidwives visit at home.\u201d" in markdown
    text = "\n".join(p.text for p in Document(conversation_docx(stored, tmp_path / "c.docx")).paragraphs)
    assert "Question: Do midwives visit?" in text and text.count("sefton-2018#1.3 Sefton (2018)") == 1


def test_titles_are_cut_at_a_word():
    assert title_from("  How   long  ") == "How long"
    long = title_from("How long do children in care in Sefton wait for their first health assessment after entering care?")
    assert len(long) <= 61 and long.endswith("\u2026") and not long[:-1].endswith(" ")


def test_the_api_keeps_conversations_per_key_and_follow_ups_read_them(real_service, tmp_path):
    import httpx

    from assistant.api import create_app
    from assistant.service import build_service
    from assistant.settings import Settings
    from tests.live_server import live_server

    settings = Settings(data_dir=tmp_path / "data", api={"api_keys": "ann-key,bob-key"})
    service = build_service(settings, store=real_service.store, embedder=real_service.embedder())
    with live_server(create_app(service)) as url:
        ann = httpx.Client(base_url=url, timeout=120, headers={"X-API-Key": "ann-key"})
        bob = httpx.Client(base_url=url, timeout=120, headers={"X-API-Key": "bob-key"})
        first = ann.post("/v1/ask", json={"question": "How long do children wait for CAMHS in Sefton?",
                                          "conversation_id": "new"})
        assert first.status_code == 200, first.text
        cid = first.json()["conversation_id"]
        follow = ann.post("/v1/ask", json={"question": "and in Leicester?", "conversation_id": cid}).json()
        assert "CAMHS" in follow["resolved_question"]["text"]  # resolved against the stored turn
        assert [c["turns"] for c in ann.get("/v1/conversations").json()] == [2]
        assert bob.get("/v1/conversations").json() == []
        assert bob.get(f"/v1/conversations/{cid}").status_code == 404
        assert ann.post("/v1/ask", json={"question": "q?", "conversation_id": cid,
                                         "history": [{"role": "user", "content": "x"}]}).status_code == 422
        assert ann.patch(f"/v1/conversations/{cid}", json={"title": "CAMHS waits"}).json()["title"] == "CAMHS waits"
        markdown = ann.get(f"/v1/conversations/{cid}/export", params={"format": "md"})
        assert markdown.headers["content-type"].startswith("text/markdown") and "# CAMHS waits" in markdown.text
        assert "## References" in markdown.text
        docx = ann.get(f"/v1/conversations/{cid}/export", params={"format": "docx"})
        (tmp_path / "c.docx").write_bytes(docx.content)
        assert Document(tmp_path / "c.docx").paragraphs[0].text == "CAMHS waits"
        assert ann.delete(f"/v1/conversations/{cid}").status_code == 200
        assert ann.get("/v1/conversations").json() == []
