"""Request bodies of the HTTP API, with the bounds that make bad input a 422 and examples for
the OpenAPI schema. Responses are the core's own to_dict() shapes (the same JSON as the CLI)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ingest.models import PARAGRAPH_KINDS

Kind = Literal[PARAGRAPH_KINDS]  # type: ignore[valid-type]
ReportId = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,99}$", max_length=100)


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Literal["user", "assistant"]
    content: str = Field(max_length=20_000)


class Filters(BaseModel):
    model_config = ConfigDict(extra="forbid")
    report_ids: list[str] | None = Field(None, max_length=50, description="Only these reports.")
    kinds: list[Kind] | None = Field(None, max_length=len(PARAGRAPH_KINDS), description="Only these paragraph kinds.")

    def to_core(self) -> dict:
        return {"report_ids": self.report_ids, "kinds": self.kinds}


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"question": "How long do children wait for CAMHS in Sefton?"},
        {"question": "and in Leicester?", "history": [
            {"role": "user", "content": "How long do children wait for CAMHS in Sefton?"},
            {"role": "assistant", "content": "Sefton (2018):\n- Children ... [sefton-2018#5.1.14]"}]},
    ]})
    question: str = Field(min_length=1, max_length=2000, description="The question.")
    history: list[Message] = Field(default_factory=list, max_length=100,
                                   description="Earlier messages, oldest first; follow-ups resolve against them.")
    filters: Filters | None = None
    k: int | None = Field(None, ge=1, le=30, description="Paragraphs retrieved as context.")
    engine: str | None = Field(None, max_length=50, description="extractive (default), openai or ollama.")
    conversation_id: str | None = Field(
        None, max_length=64, description="Keep this turn in a stored conversation: `new` starts one, an id continues "
        "it (its stored turns are the history, so `history` must be empty). The answer carries the conversation_id.")


class RenameRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=1, max_length=120, description="The conversation's new title.")


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"question": "How bad is tooth decay in Leicester?", "answer": "… 51% … [leicester-city-2016#1.9]",
         "citation_id": "leicester-city-2016#1.9", "verdict": "right"}]})
    question: str = Field(min_length=1, max_length=2000, description="The question that was answered.")
    answer: str = Field(min_length=1, max_length=50_000, description="The answer, with its [report#para] markers.")
    verdict: Literal["right", "wrong paragraph", "unsupported claim"]
    citation_id: str | None = Field(None, max_length=200, description="A citation of the answer (none: the whole answer).")
    note: str = Field("", max_length=2000)
    conversation_id: str | None = Field(None, max_length=64)


class DraftRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"observation": "Midwives do not offer antenatal home visits to assess the home environment.",
         "area": "Testshire", "provider": "Testshire Hospitals NHS Trust", "exclude_report": "sefton-2018"}]})
    observation: str = Field(min_length=1, max_length=4000, description="What the inspector observed.")
    area: str | None = Field(None, max_length=200)
    provider: str | None = Field(None, max_length=200, description="Who the suggested recommendation is for.")
    exclude_report: str | None = Field(None, max_length=100, description="A stored report not to use as precedent.")
    engine: str | None = Field(None, max_length=50)


class CompareRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"themes": ["initial health assessments for children in care"]},
        {"themes": ["early help", "governance"], "report_ids": ["leicester-city-2016", "sefton-2018"]}]})
    themes: list[Annotated[str, Field(min_length=1, max_length=300)]] = Field(
        min_length=1, max_length=50, description="Themes (matrix columns): free text or a "
                              "section of the reports (early help, child protection, governance, ...).")
    report_ids: list[str] | None = Field(None, max_length=1000, description="Reports (rows); default: all stored.")
    engine: str | None = Field(None, max_length=50, description="Engine writing the cells' judgements (default: "
                               "the server's); `extractive` for judgements built from report sentences only.")


class RecurringRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"text": "domestic abuse enquiry by midwives"}]})
    text: str = Field(min_length=1, max_length=4000, description="A theme or an observation.")
    report_ids: list[str] | None = Field(None, max_length=1000, description="Reports to look in; default: all.")


class SearchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"query": "waiting times for CAMHS", "k": 5, "report_ids": ["sefton-2018"], "kinds": ["finding"]}]})
    query: str = Field(min_length=1, max_length=2000)
    k: int = Field(5, ge=1, le=50)
    report_ids: list[str] | None = Field(None, max_length=50)
    kinds: list[Kind] | None = Field(None, max_length=len(PARAGRAPH_KINDS))


class ContentPart(BaseModel):
    """One part of a message's content; only text parts are read, and they need a string text."""

    model_config = ConfigDict(extra="allow")
    type: str = Field(max_length=50)
    text: str | None = Field(None, max_length=20_000)

    @model_validator(mode="after")
    def _text_parts_have_text(self):
        if self.type == "text" and self.text is None:
            raise ValueError("a text content part needs a string `text`")
        return self


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: Literal["system", "user", "assistant", "developer", "tool"]
    content: str | list[ContentPart] | None = Field(None)


class ChatCompletionRequest(BaseModel):
    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [
        {"model": "report-assistant", "messages": [{"role": "user", "content": "What did inspectors find about supervision in Sefton?"}]}]})
    model: str = Field("report-assistant", max_length=100)
    messages: list[ChatMessage] = Field(min_length=1, max_length=101)
    stream: bool = False
