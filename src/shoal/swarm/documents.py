"""Input documents: files, directories, stdin, plain strings.

A document is kept whole and verbatim (its text is what every citation points into);
its id is a hash of name and text so the same input is stored once and a resumed run
can check it is reading the same thing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from shoal.errors import InputError

TEXT_SUFFIXES = {
    ".txt", ".md", ".markdown", ".rst", ".text", ".log", ".csv", ".tsv", ".ini", ".cfg",
    ".conf", ".toml", ".yaml", ".yml", ".json", ".jsonl", ".xml", ".html", ".htm", ".tex",
    ".org", ".adoc", "",
}  # fmt: skip
"""What a directory's files are read as documents by (a file named on its own is read
whatever its name, if it is UTF-8 text)."""


@dataclass(frozen=True)
class Document:
    name: str
    text: str

    @cached_property
    def id(self) -> str:
        digest = hashlib.sha256(self.name.encode() + b"\0" + self.text.encode())
        return digest.hexdigest()[:32]


def decode(data: bytes, name: str) -> str:
    """UTF-8 text or a clear error; binary data is refused, not guessed at."""
    if b"\0" in data[:8192]:
        raise InputError(f"{name}: looks like a binary file (NUL bytes); give a .txt or .md file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name}: not UTF-8 text (byte {exc.start} is {data[exc.start]:#x}); "
            "convert it to UTF-8 first"
        ) from exc
    return text.replace("\r\n", "\n")


def load_path(path: Path) -> list[Document]:
    """A file is one document; a directory gives one document per text file inside it."""
    if not path.exists():
        raise InputError(f"{path}: no such file or directory")
    if path.is_dir():
        files = sorted(
            p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES
        )
        # hidden files and folders are skipped, judged below the directory given (so
        # `../docs` or `./notes` still reads what is in them)
        files = [
            p for p in files if not any(part.startswith(".") for part in p.relative_to(path).parts)
        ]
        if not files:
            raise InputError(
                f"{path}: no text files (.txt, .md, .csv, .log, ...) in this directory"
            )
        return [_read(p, str(p.relative_to(path))) for p in files]
    return [_read(path, path.name)]


def _read(path: Path, name: str) -> Document:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from exc
    text = decode(data, name)
    if not text.strip():
        raise InputError(f"{name}: the file is empty")
    return Document(name, text)


def joined(docs: list[Document]) -> str:
    """Several documents as one text, each under a header line with its name."""
    if len(docs) == 1:
        return docs[0].text
    return "\n\n".join(f"=== {d.name} ===\n{d.text}" for d in docs)
