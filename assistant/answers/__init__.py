"""The answer and draft flows: retrieve, ground, run an engine, check its citations."""
