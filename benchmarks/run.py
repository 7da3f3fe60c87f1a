"""`make bench`: ingest, query and serving benchmarks on this machine, printed as one table and
written to benchmarks/results/latest.json.

    python -m benchmarks.run [--copies 100] [--clients 20] [--load-seconds 60] [--no-server]

Everything runs on 127.0.0.1 in temporary folders; the real reports come from the reports dir
(../shared/reports by default, ASSISTANT_REPORTS_DIR to change it)."""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from assistant.service import build_service
from assistant.settings import Settings
from benchmarks.load import run_load
from benchmarks.local_servers import assistant_server, chroma_server
from benchmarks.synthetic import embed_originals, renamed_embedded, write_scaled_corpus
from benchmarks.targets import check_targets
from benchmarks.timing import peak_rss_mb, rss_mb, summarize_ms, time_each
from evals.comparisons import COMPARISON_CASES
from evals.runner import DRAFTING_CASES, QUESTIONS, load_jsonl
from ingest.parser import parse_report
from ingest.sources import expand_paths, load_source
from vectorstore.embeddings import companion_of
from vectorstore.passages import passages_for, sentences_for

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "latest.json"
PARTS = ("queries", "local", "scaled", "serving")


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class Stopwatch:
    """Wraps a callable and adds up the seconds spent in it."""

    def __init__(self, call):
        self.call, self.seconds, self.calls = call, 0.0, 0

    def __call__(self, *args, **kwargs):
        started = time.perf_counter()
        try:
            return self.call(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - started
            self.calls += 1


# -- ingest --------------------------------------------------------------------------------------
def bench_ingest(settings: Settings) -> tuple[dict, object]:
    service = build_service(settings)
    started = time.perf_counter()
    embedder = service.embedder()
    model_load = time.perf_counter() - started
    embedder.embed_documents(["warm-up"])  # first-call set-up, outside every timer below
    companion = companion_of(embedder)
    if companion is not None:
        companion.embed_documents(["warm-up"])

    files = expand_paths([settings.ingest.reports_dir])
    started = time.perf_counter()
    parsed = [parse_report(load_source(path)) for path in files]
    parse_seconds = time.perf_counter() - started

    embed = embedder.embed_documents = Stopwatch(embedder.embed_documents)
    companion_embed = None
    if companion is not None:
        companion_embed = companion.embed_documents = Stopwatch(companion.embed_documents)
    store = service.store.write_report = Stopwatch(service.store.write_report)
    started = time.perf_counter()
    outcomes = service.ingest()
    ingest_seconds = time.perf_counter() - started
    if any(o.status != "ingested" for o in outcomes):
        raise RuntimeError(f"cold ingest did not ingest every file: {[o.to_dict() for o in outcomes]}")
    del embedder.embed_documents
    del service.store.write_report
    if companion is not None:
        del companion.embed_documents
        embed.seconds += companion_embed.seconds  # both models' calls are the embedding time

    # The texts ingest embeds: every passage and every sentence.
    texts = [p.text for report in parsed for paragraph in report.paragraphs
             for p in passages_for(paragraph, settings.ingest.chunk_tokens, settings.ingest.chunk_overlap_sentences)]
    texts += [s.text for report in parsed for paragraph in report.paragraphs for s in sentences_for(paragraph)]
    started = time.perf_counter()
    embedder.model.encode(texts, batch_size=embedder.batch_size, normalize_embeddings=True,
                          convert_to_numpy=True, show_progress_bar=False)
    if companion is not None:  # and every whole paragraph, by the companion
        companion.model.encode([p.text for report in parsed for p in report.paragraphs],
                               batch_size=companion.batch_size, normalize_embeddings=True,
                               convert_to_numpy=True, show_progress_bar=False)
    raw_embed = time.perf_counter() - started
    embedded_texts = len(texts) + (sum(len(report.paragraphs) for report in parsed) if companion is not None else 0)

    started = time.perf_counter()
    again = service.ingest()
    reingest = time.perf_counter() - started
    if any(o.status != "unchanged" for o in again):
        raise RuntimeError(f"re-ingest of unchanged files was not a no-op: {[o.status for o in again]}")

    # Time ingest spends outside the embedding model (parsing, chunking, hashing, store writes),
    # against the time inside it; the raw run says how close the model calls come to the CPU's limit.
    beyond = ingest_seconds - embed.seconds
    return {
        "reports": len(files), "paragraphs": sum(len(p.paragraphs) for p in parsed), "embedded_texts": embedded_texts,
        "model_load_s": round(model_load, 2), "parse_s": round(parse_seconds, 3),
        "ingest_s": round(ingest_seconds, 2), "embed_in_ingest_s": round(embed.seconds, 2),
        "store_s": round(store.seconds, 2), "other_s": round(ingest_seconds - embed.seconds - store.seconds, 2),
        "raw_embed_s": round(raw_embed, 2), "raw_embed_texts_per_s": round(embedded_texts / raw_embed, 1),
        "ingest_texts_per_s": round(embedded_texts / ingest_seconds, 1),
        "ingest_to_raw_ratio": round(ingest_seconds / raw_embed, 3),
        "beyond_embedding_s": round(beyond, 2), "beyond_embedding_share": round(beyond / embed.seconds, 3),
        "embed_in_ingest_to_raw_ratio": round(embed.seconds / raw_embed, 3),
        "reingest_unchanged_s": round(reingest, 3),
        "companion_embed_in_ingest_s": round(companion_embed.seconds, 2) if companion_embed else None,
    }, service


# -- queries -------------------------------------------------------------------------------------
def bench_queries(service) -> dict:
    questions = [q["question"] for q in load_jsonl(QUESTIONS, ("question",))]
    cases = load_jsonl(DRAFTING_CASES, ("observation",))
    embedder = service.embedder()
    companion = companion_of(embedder)

    def embed_query_everywhere(question: str) -> None:  # what a search must embed, at the least
        embedder.embed_query(question)
        if companion is not None:
            companion.embed_query(question)

    time_each(embedder.embed_query, questions[:10])  # warm
    first_only = summarize_ms(time_each(embedder.embed_query, questions))
    time_each(embed_query_everywhere, questions[:10])
    floor = summarize_ms(time_each(embed_query_everywhere, questions))
    time_each(service.search, questions)  # warm the corpus cache and the query paths
    search = summarize_ms(time_each(service.search, questions))
    ask_extractive = lambda question: service.ask(question, engine="extractive")  # noqa: E731
    time_each(ask_extractive, questions[:10])
    ask = summarize_ms(time_each(ask_extractive, questions))
    draft = summarize_ms(time_each(lambda c: service.draft(c["observation"], exclude_report=c.get("exclude_report"),
                                                           engine="extractive"), cases))
    return {"questions": len(questions), "drafting_cases": len(cases), "embed_query": floor,
            "embed_query_first_model": first_only, "embedders": 2 if companion is not None else 1,
            "search": search, "search_to_floor_p50": round(search["p50_ms"] / floor["p50_ms"], 2),
            "ask_extractive": ask, "draft_extractive": draft, "compare_one_theme": bench_compare(service)}


def comparison_themes() -> list[str]:
    return [case["theme"] for case in load_jsonl(COMPARISON_CASES, ("theme",))]


def bench_compare(service, themes: list[str] | None = None) -> dict:
    """One-theme comparisons across every stored report (the extractive judgements), one per
    theme of the comparison eval cases, after one warm-up."""
    themes = themes or comparison_themes()
    compare_extractive = lambda theme: service.compare(theme, engine="extractive")  # noqa: E731
    compare_extractive(themes[0])
    return summarize_ms(time_each(compare_extractive, themes))


# -- the local language model -------------------------------------------------------------------
def bench_local(service, questions_n: int, drafts_n: int) -> dict:
    """Time to the first token and to the full answer for ask and draft with the local engine,
    prompt sizes, and the engine's decode rate beside raw llama-cpp on the same prompts."""
    from benchmarks.local_llm import bench_local_engine

    return bench_local_engine(service, load_jsonl(QUESTIONS, ("question", "gold")), load_jsonl(DRAFTING_CASES, ("observation",)),
                              questions_n, drafts_n)


# -- the 100x corpus -----------------------------------------------------------------------------
@contextmanager
def _store_settings(base: Settings, folder: Path, backend: str):
    if backend == "server":
        with chroma_server(folder / "chroma-server") as (host, port):
            yield base.model_copy(update={"data_dir": folder / "data", "store": base.store.model_copy(
                update={"chroma_host": host, "chroma_port": port})})
    else:
        yield base.model_copy(update={"data_dir": folder / "data"})


def bench_scaled(settings: Settings, embedder, originals: list, copies: int, backend: str, folder: Path,
                 compare_themes: int = 8) -> dict:
    questions = [q["question"] for q in load_jsonl(QUESTIONS, ("question",))]
    with _store_settings(settings, folder / backend, backend) as scaled_settings:
        service = build_service(scaled_settings, embedder=embedder)
        started = time.perf_counter()
        paragraphs = write_scaled_corpus(
            service.store, originals, copies, embedder.name,
            progress=lambda done, total: done % 20 == 0 and say(f"{backend}: wrote {done}/{total} reports"))
        write_seconds = time.perf_counter() - started
        started = time.perf_counter()
        service.search(questions[0])  # builds the lexical index and caches over the whole corpus
        first_search = time.perf_counter() - started
        time_each(service.search, questions[:10])
        search = summarize_ms(time_each(service.search, questions))
        # What a worker pays to see a report another worker just ingested: one more report is
        # written, and the next search refreshes the lexical index and caches.
        extra = renamed_embedded(originals[0], f"{originals[0].parsed.report.report_id}-extra")
        service.store.write_report(extra, embedder.name)
        started = time.perf_counter()
        found = service.search(questions[0], k=50, report_ids=[extra.parsed.report.report_id])
        refresh = time.perf_counter() - started
        if not found:
            raise RuntimeError("the report written last was not found by the next search")
        compare = bench_compare(service, comparison_themes()[:compare_themes])
    return {"backend": backend, "copies": copies, "reports": copies * len(originals), "paragraphs": paragraphs,
            "passages": copies * sum(len(o.passages) for o in originals),
            "sentences": copies * sum(len(o.sentences) for o in originals), "write_s": round(write_seconds, 1),
            "first_search_s": round(first_search, 2), "search": search,
            "refresh_after_one_more_report_s": round(refresh, 2), "compare_one_theme": compare}


# -- the serving process -------------------------------------------------------------------------
def bench_serving(data_dir: Path, folder: Path, clients: int, seconds: float) -> dict:
    """A real `assistant serve` over a copy of the benchmark store: memory idle and under load."""
    served = folder / "served-data"
    shutil.copytree(data_dir, served)
    # The load test measures the retrieval service: answers come from the extractive engine (the
    # local model answers one request at a time; its figures are in the "local" part).
    env = os.environ | {"ASSISTANT_DATA_DIR": str(served), "ASSISTANT_LLM__ENGINE": "extractive"}
    with assistant_server(env, folder / "serve.log") as (url, process):
        questions = [q["question"] for q in load_jsonl(QUESTIONS, ("question",))]
        idle = rss_mb(process.pid)
        say(f"load: {clients} clients for {seconds:.0f} s on {url}")
        load = run_load(url, questions, clients=clients, seconds=seconds)
        return {"rss_ready_mb": idle, "peak_rss_mb": peak_rss_mb(process.pid), "load": load}


# -- report --------------------------------------------------------------------------------------
def _git_commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def table(results: dict) -> str:
    rows = [("figure", "measured", "target", "met")]
    for check in results["targets"]:
        rows.append((check["name"], check["measured"], check["target"], "yes" if check["met"] else "NO"))
    ingest = results["ingest"]
    rows += [
        ("cold ingest: model load / parse / embed / store / other (s)",
         f"{ingest['model_load_s']} / {ingest['parse_s']} / {ingest['embed_in_ingest_s']} / {ingest['store_s']} / "
         f"{ingest['other_s']}", "", ""),
        ("raw sentence-transformers, same texts", f"{ingest['raw_embed_s']} s ({ingest['raw_embed_texts_per_s']} texts/s)",
         "", ""),
        ("cold ingest (both reports, model loaded)", f"{ingest['ingest_s']} s, {ingest['ingest_to_raw_ratio']}x raw; "
         f"its model calls {ingest['embed_in_ingest_to_raw_ratio']}x raw", "", ""),
    ]
    if "queries" in results:
        queries = results["queries"]
        rows += [
            ("search p50/p95/p99 (ms)", _percentiles(queries["search"]), "", ""),
            (f"one-query embedding p50, {queries.get('embedders', 1)} embedder(s) (ms)",
             queries["embed_query"]["p50_ms"], "", ""),
            ("ask p50/p95/p99 (ms)", _percentiles(queries["ask_extractive"]), "", ""),
            ("draft p50/p95/p99 (ms)", _percentiles(queries["draft_extractive"]), "", ""),
            ("compare, one theme, all reports p50/p95/p99 (ms)", _percentiles(queries["compare_one_theme"]), "", ""),
        ]
    if "local" in results:
        local = results["local"]
        rows += [
            (f"local {local['model']}: ask first token p50/p95 (s)", _seconds(local["ask_first_token"]), "", ""),
            ("local ask full answer p50/p95 (s)", _seconds(local["ask_total"]), "", ""),
            ("local draft first token / full p50 (s)",
             f"{local['draft_first_token']['p50_s']} / {local['draft_total']['p50_s']}", "", ""),
            ("local prompt tokens per ask p50 / max", f"{local['ask_prompt_tokens_p50']} / {local['ask_prompt_tokens_max']}",
             "", ""),
            ("local decode tokens/s: engine / raw llama-cpp (same prompts)",
             f"{local['engine_decode_tps']} / {local['raw_decode_tps']} = {local['decode_ratio']}", "", ""),
            ("process RSS with the model loaded (MB)", local["rss_with_model_mb"], "", ""),
        ]
    for scaled in results.get("scaled", []):
        rows.append((f"{scaled['copies']}x corpus on {scaled['backend']}: search p50/p95/p99 (ms)",
                     _percentiles(scaled["search"]), "", ""))
        rows.append((f"{scaled['copies']}x on {scaled['backend']}: write / first search / refresh after a new report (s)",
                     f"{scaled['write_s']} / {scaled['first_search_s']} / {scaled['refresh_after_one_more_report_s']}",
                     "", ""))
        rows.append((f"{scaled['copies']}x on {scaled['backend']}: compare, one theme, {scaled['reports']} reports "
                     "p50/p95/p99 (ms)", _percentiles(scaled["compare_one_theme"]), "", ""))
    if "serving" in results:
        load = results["serving"]["load"]
        rows.append((f"load: {load['clients']} clients, {load['seconds']} s", f"{load['requests']} requests, "
                     f"{load['errors']} errors, {load['throughput_rps']} req/s, p95 {load['all'].get('p95_ms')} ms", "", ""))
        rows.append(("serving RSS ready / peak (MB)",
                     f"{results['serving']['rss_ready_mb']} / {results['serving']['peak_rss_mb']}", "", ""))
    widths = [max(len(str(row[i])) for row in rows) for i in range(4)]
    lines = [" | ".join(str(cell).ljust(width) for cell, width in zip(row, widths)) for row in rows]
    lines.insert(1, "-+-".join("-" * width for width in widths))
    return "\n".join(lines)


def _seconds(summary: dict) -> str:
    return f"{summary['p50_s']} / {summary['p95_s']}"


def _percentiles(summary: dict) -> str:
    return f"{summary['p50_ms']} / {summary['p95_ms']} / {summary['p99_ms']}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=100, help="Size of the synthetic corpus, in copies of the real reports.")
    parser.add_argument("--clients", type=int, default=20, help="Concurrent clients in the load test.")
    parser.add_argument("--load-seconds", type=float, default=60.0, help="Length of the load test.")
    parser.add_argument("--no-server", action="store_true", help="Skip the synthetic corpus on a `chroma run` server.")
    parser.add_argument("--local-questions", type=int, default=20, help="Eval questions asked of the local model.")
    parser.add_argument("--local-drafts", type=int, default=6, help="Drafting cases drafted by the local model.")
    parser.add_argument("--out", type=Path, default=RESULTS, help="Where to write the JSON results.")
    parser.add_argument("--parts", default=",".join(PARTS),
                        help=f"Comma-separated parts to run (default all: {','.join(PARTS)}); cold ingest always runs.")
    args = parser.parse_args(argv)
    parts = {part.strip() for part in args.parts.split(",") if part.strip()}
    unknown = parts - set(PARTS)
    if unknown:  # before the minutes of ingest, not after
        parser.error(f"unknown part(s) {', '.join(sorted(unknown))}; parts are {', '.join(PARTS)}")

    base = Settings()
    folder = Path(tempfile.mkdtemp(prefix="report-assistant-bench-"))
    settings = base.model_copy(update={"data_dir": folder / "data"})
    results: dict = {"date": datetime.datetime.now().isoformat(timespec="seconds"), "commit": _git_commit(),
                     "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                 "platform": platform.platform()}}
    try:
        say(f"cold ingest of {settings.ingest.reports_dir}")
        results["ingest"], service = bench_ingest(settings)
        if "queries" in parts:
            say("search, ask and draft latency over the eval set")
            results["queries"] = bench_queries(service)
        if "local" in parts:
            say(f"local model: {args.local_questions} questions and {args.local_drafts} drafts")
            results["local"] = bench_local(service, args.local_questions, args.local_drafts)
        if "scaled" in parts:
            results["scaled"] = []
            parsed = [parse_report(load_source(path)) for path in expand_paths([settings.ingest.reports_dir])]
            originals = embed_originals(parsed, service.embedder(), settings)
            for backend in ("embedded",) + (() if args.no_server else ("server",)):
                say(f"{args.copies}x synthetic corpus on the {backend} store")
                results["scaled"].append(bench_scaled(settings, service.embedder(), originals, args.copies, backend, folder))
        if "serving" in parts:
            say("serving process: memory and the load test")
            results["serving"] = bench_serving(settings.data_dir, folder, args.clients, args.load_seconds)
        results["targets"] = check_targets(results)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(table(results))
    print(f"\nwritten to {args.out}")
    return 0 if all(check["met"] for check in results["targets"]) else 1


if __name__ == "__main__":
    raise SystemExit(main())
