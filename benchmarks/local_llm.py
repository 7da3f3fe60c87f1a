"""The local engine's speed: time to the first token and to the full answer for ask and draft,
prompt sizes, and its decode rate beside raw llama-cpp-python on the very same prompts."""

from __future__ import annotations

import os
import time

import numpy as np

from assistant.engines.local import ANSWER_GRAMMAR, STOP
from benchmarks.timing import rss_mb


def summarize_s(values: list[float]) -> dict:
    array = np.asarray([v for v in values if v is not None], dtype=float)
    if array.size == 0:
        return {"n": 0}
    p50, p95 = np.percentile(array, [50, 95])
    return {"n": int(array.size), "p50_s": round(float(p50), 2), "p95_s": round(float(p95), 2),
            "mean_s": round(float(array.mean()), 2)}


def _decode_rate(tokens: int, first: float | None, total: float) -> float | None:
    """Tokens per second after the first token (prefill excluded)."""
    if first is None or tokens < 2 or total <= first:
        return None
    return (tokens - 1) / (total - first)


def bench_local_engine(service, questions: list[dict], cases: list[dict], questions_n: int, drafts_n: int) -> dict:
    chosen = service.engine("local")
    engine = chosen.engine() if hasattr(chosen, "engine") else chosen
    if engine.name != "local":
        raise RuntimeError(f"the local engine is not available: {getattr(chosen, 'notice', '')}")
    model = engine.model
    llama = model.load()
    from llama_cpp import LlamaGrammar
    answerable = [q for q in questions if q["gold"] and not q.get("history")][:questions_n]

    first_tokens, totals, prompt_tokens, engine_rates, raw_rates = [], [], [], [], []
    for question in answerable:
        started = time.perf_counter()
        first = None
        for kind, _ in service.ask_stream(question["question"], engine="local"):
            if kind == "token" and first is None:
                first = time.perf_counter() - started
        totals.append(time.perf_counter() - started)
        first_tokens.append(first)
        stats = model.last_stats
        prompt_tokens.append(stats.prompt_tokens)
        engine_rates.append(_decode_rate(stats.completion_tokens, stats.first_token_seconds, stats.total_seconds))

        # Raw llama-cpp on the same prompt and the same output length, straight after.
        prepared = service.answerer.prepare(question["question"])
        messages, _sheet, _evidence = engine._answer_prompt(prepared.request)
        raw_started, raw_first, raw_tokens = time.perf_counter(), None, 0
        for chunk in llama.create_chat_completion(messages, stream=True, temperature=0.0, stop=STOP,
                                                  grammar=LlamaGrammar.from_string(ANSWER_GRAMMAR, verbose=False),
                                                  max_tokens=max(stats.completion_tokens, 2)):
            if chunk["choices"][0]["delta"].get("content"):
                raw_tokens += 1
                if raw_first is None:
                    raw_first = time.perf_counter() - raw_started
        raw_rates.append(_decode_rate(raw_tokens, raw_first, time.perf_counter() - raw_started))

    draft_first, draft_totals = [], []
    for case in cases[:drafts_n]:
        started = time.perf_counter()
        service.draft(case["observation"], exclude_report=case.get("exclude_report"), engine="local")
        draft_totals.append(time.perf_counter() - started)
        draft_first.append(model.last_stats.first_token_seconds)

    engine_tps = float(np.mean([r for r in engine_rates if r])) if any(engine_rates) else 0.0
    raw_tps = float(np.mean([r for r in raw_rates if r])) if any(raw_rates) else 0.0
    return {
        "model": model.label, "threads": model.settings.threads, "questions": len(answerable),
        "ask_first_token": summarize_s(first_tokens), "ask_total": summarize_s(totals),
        "ask_prompt_tokens_p50": int(np.median(prompt_tokens)) if prompt_tokens else 0,
        "ask_prompt_tokens_max": max(prompt_tokens, default=0),
        "draft_first_token": summarize_s(draft_first), "draft_total": summarize_s(draft_totals),
        "engine_decode_tps": round(engine_tps, 1), "raw_decode_tps": round(raw_tps, 1),
        "decode_ratio": round(engine_tps / raw_tps, 3) if raw_tps else 0.0,
        "rss_with_model_mb": rss_mb(os.getpid()),
    }
