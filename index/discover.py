"""Finding papers: walk files and folders, hash them, attach manifest metadata."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .meta import MANIFEST_NAMES, read_manifest
from .types import PaperMeta

SKIP_NAMES = {*MANIFEST_NAMES, ".DS_Store", "Thumbs.db"}


@dataclass
class Found:
    """A file to consider for indexing, with the root its source path is relative to."""

    path: Path
    root: Path

    @property
    def source(self) -> str:
        """The path shown in citations: relative to the folder that was indexed."""
        try:
            return self.path.relative_to(self.root).as_posix()
        except ValueError:
            return self.path.name


def file_hash(path: Path) -> str:
    """sha256 of a file's bytes: a paper's identity."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def discover(paths: list[Path]) -> list[Found]:
    """Every file under the given files and folders (hidden files and manifests skipped), sorted. A link that
    leads to no file (broken, or a loop) is kept, so indexing reports it as unreadable with its reason."""
    found: list[Found] = []
    for given in paths:
        given = given.resolve()
        if given.is_dir():
            for path in sorted(given.rglob("*")):
                rel_parts = path.relative_to(given).parts
                dangling = path.is_symlink() and not path.exists()
                if (path.is_file() or dangling) and path.name not in SKIP_NAMES and not any(p.startswith(".") for p in rel_parts):
                    found.append(Found(path, given))
        elif given.is_file():
            found.append(Found(given, given.parent))
        else:
            raise FileNotFoundError(f"no such file or folder: {given}")
    seen: set[Path] = set()
    unique = []
    for f in found:
        if f.path not in seen:
            seen.add(f.path)
            unique.append(f)
    return unique


def find_manifests(paths: list[Path], extra: list[Path] | None = None) -> dict[Path, PaperMeta]:
    """Manifest metadata by absolute file path: manifests inside the given folders, plus explicit ones."""
    out: dict[Path, PaperMeta] = {}
    manifests: list[Path] = []
    for given in paths:
        given = given.resolve()
        folder = given if given.is_dir() else given.parent
        for name in MANIFEST_NAMES:
            manifests.extend(sorted(folder.rglob(name)) if given.is_dir() else [folder / name])
    manifests.extend(extra or [])
    for manifest in manifests:
        if manifest.is_file():
            out.update(read_manifest(manifest))
    return out
