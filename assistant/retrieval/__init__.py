"""Finding the paragraphs a question needs: query analysis, follow-up resolution and hybrid
(dense + BM25) search. Imports the vectorstore and ingest layers, nothing above it."""
