"""The plain LangChain recipe, for comparison: 1000/200-character chunks of the report text,
embedded with the same model into Chroma, top-k chunks by similarity. A gold paragraph counts
as found when a retrieved chunk overlaps its characters in the source."""

from __future__ import annotations

import uuid

import numpy as np
from langchain_text_splitters import RecursiveCharacterTextSplitter

from ingest.sources import load_source


class PlainRecipeBaseline:
    def __init__(self, service):
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        self.embedder = service.embedder()
        self.paragraph_spans = {}  # citation id -> (report_id, start, end)
        client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
        self.collection = client.create_collection(f"baseline-{uuid.uuid4().hex[:8]}", embedding_function=None,
                                                   configuration={"hnsw": {"space": "cosine"}})
        splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200, add_start_index=True)
        for record in service.reports():
            source = load_source(record["source_file"])
            for paragraph in service.store.all_paragraphs([record["report_id"]]):
                self.paragraph_spans[paragraph.citation_id] = (record["report_id"], paragraph.source_start, paragraph.source_end)
            documents = splitter.create_documents([source.text])
            texts = [d.page_content for d in documents]
            vectors = self.embedder.embed_documents(texts)
            self.collection.add(
                ids=[f"{record['report_id']}:{i}" for i in range(len(texts))],
                documents=texts,
                embeddings=np.asarray(vectors, dtype=np.float32),
                metadatas=[{"report_id": record["report_id"], "start": d.metadata["start_index"],
                            "end": d.metadata["start_index"] + len(d.page_content)} for d in documents],
            )

    def chunk_hits(self, question: str, k: int) -> list[dict]:
        got = self.collection.query(query_embeddings=[self.embedder.embed_query(question)], n_results=k,
                                    include=["metadatas"])
        return got["metadatas"][0]

    def found_rank(self, question: str, gold: list[str], k: int = 10) -> int | None:
        """Rank (from 1) of the first chunk overlapping a gold paragraph, or None."""
        for rank, chunk in enumerate(self.chunk_hits(question, k), start=1):
            for gold_id in gold:
                report_id, start, end = self.paragraph_spans.get(gold_id, (None, 0, 0))
                if chunk["report_id"] == report_id and chunk["start"] < end and start < chunk["end"]:
                    return rank
        return None
