"""One shared model server for `assistant serve --workers N`: llama.cpp's OpenAI-compatible
server (`python -m llama_cpp.server`) over the hash-checked model file, on 127.0.0.1 at a free
port, started before the workers and stopped (by PID, its whole process group) after them.
Each worker then runs the local engine against it (served_model.py) instead of loading its own
copy of the model: one model in memory, requests served in turn."""

from __future__ import annotations

import sys
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Iterator

from assistant.engines.local import checked_model_file
from assistant.engines.local_models import ModelUnavailableError
from assistant.processes import free_port, local_process
from assistant.settings import LLMSettings


def server_command(llm: LLMSettings, model_file: Path, alias: str, port: int) -> list[str]:
    return [sys.executable, "-m", "llama_cpp.server", "--model", str(model_file), "--model_alias", alias,
            "--host", "127.0.0.1", "--port", str(port), "--n_ctx", str(llm.context_window),
            "--n_threads", str(llm.threads), "--n_batch", "512",
            # finish the request in hand when another arrives (the default interrupts it)
            "--interrupt_requests", "false"]


@contextmanager
def shared_model_server(llm: LLMSettings, log_path: Path, timeout: float = 180.0) -> Iterator[str]:
    """Run the server while the block runs; yields its OpenAI-compatible base URL (…/v1)."""
    try:
        import llama_cpp.server.app  # noqa: F401 - only to say clearly what is missing
    except ImportError as exc:
        raise ModelUnavailableError(
            f"the shared model server needs llama-cpp-python's server extras ({exc}); "
            "`make setup` installs them (pip install 'llama-cpp-python[server]')") from exc
    model_file, alias = checked_model_file(llm)
    port = free_port()
    url = f"http://127.0.0.1:{port}/v1"
    with ExitStack() as running:
        try:
            running.enter_context(local_process(server_command(llm, model_file, alias, port), f"{url}/models",
                                                log_path, timeout, die_with_parent=True))
        except RuntimeError as exc:  # it exited or never answered: the message says where its log is
            raise ModelUnavailableError(f"the shared model server did not start: {exc}") from exc
        yield url
