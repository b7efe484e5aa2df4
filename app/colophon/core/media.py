"""Which kind of work a file is: image, audio, video, text, code, document or other.

The file's name decides first (the standard ``mimetypes`` table plus source-code extensions it
does not know); for a file without a telling name, its first bytes are compared with the
signatures of common formats.
"""

from __future__ import annotations

import mimetypes

KINDS = ("image", "audio", "video", "text", "code", "document", "other")

CODE_EXTENSIONS = frozenset(
    {
        ".py",
        ".pyi",
        ".ipynb",
        ".js",
        ".mjs",
        ".cjs",
        ".ts",
        ".tsx",
        ".jsx",
        ".java",
        ".kt",
        ".kts",
        ".scala",
        ".c",
        ".h",
        ".cc",
        ".cpp",
        ".cxx",
        ".hpp",
        ".hh",
        ".cs",
        ".go",
        ".rs",
        ".rb",
        ".php",
        ".pl",
        ".pm",
        ".swift",
        ".m",
        ".mm",
        ".r",
        ".jl",
        ".lua",
        ".sh",
        ".bash",
        ".zsh",
        ".fish",
        ".ps1",
        ".bat",
        ".sql",
        ".hs",
        ".ml",
        ".mli",
        ".clj",
        ".cljs",
        ".ex",
        ".exs",
        ".erl",
        ".dart",
        ".vue",
        ".svelte",
        ".css",
        ".scss",
        ".sass",
        ".less",
        ".toml",
        ".yaml",
        ".yml",
        ".json",
        ".xml",
        ".gradle",
        ".cmake",
        ".mk",
        ".asm",
        ".s",
        ".v",
        ".sv",
        ".vhd",
        ".zig",
        ".nim",
        ".f90",
        ".pas",
    }
)
CODE_NAMES = frozenset({"makefile", "dockerfile", "cmakelists.txt", "rakefile", "gemfile"})
DOCUMENT_MIMES = frozenset(
    {
        "application/pdf",
        "application/epub+zip",
        "application/rtf",
        "application/msword",
        "application/vnd.ms-excel",
        "application/vnd.ms-powerpoint",
        "application/postscript",
    }
)
DOCUMENT_PREFIXES = ("application/vnd.openxmlformats-officedocument", "application/vnd.oasis")

# (offset, signature, kind, mime) for files whose name says nothing.
SIGNATURES: tuple[tuple[int, bytes, str, str], ...] = (
    (0, b"\x89PNG\r\n\x1a\n", "image", "image/png"),
    (0, b"\xff\xd8\xff", "image", "image/jpeg"),
    (0, b"GIF8", "image", "image/gif"),
    (8, b"WEBP", "image", "image/webp"),
    (4, b"ftypavif", "image", "image/avif"),
    (4, b"ftypheic", "image", "image/heic"),
    (0, b"II*\x00", "image", "image/tiff"),
    (0, b"MM\x00*", "image", "image/tiff"),
    (8, b"WAVE", "audio", "audio/wav"),
    (0, b"ID3", "audio", "audio/mpeg"),
    (0, b"fLaC", "audio", "audio/flac"),
    (0, b"OggS", "audio", "audio/ogg"),
    (8, b"AVI ", "video", "video/x-msvideo"),
    (4, b"ftyp", "video", "video/mp4"),
    (0, b"\x1a\x45\xdf\xa3", "video", "video/x-matroska"),
    (0, b"%PDF-", "document", "application/pdf"),
)


def classify(name: str, head: bytes = b"") -> tuple[str, str | None]:
    """Return ``(kind, mime)`` for a file called ``name`` whose first bytes are ``head``."""
    lower = name.lower()
    suffix = lower[lower.rfind(".") :] if "." in lower else ""
    if suffix in CODE_EXTENSIONS or lower in CODE_NAMES:
        mime, _ = mimetypes.guess_type(lower, strict=False)
        return "code", mime or "text/plain"
    mime, _ = mimetypes.guess_type(lower, strict=False)
    if mime:
        kind = _kind_of_mime(mime)
        if kind != "other":
            return kind, mime
    for offset, signature, kind, sniffed in SIGNATURES:
        if head[offset : offset + len(signature)] == signature:
            return kind, sniffed
    if mime is None and head and _looks_like_text(head):
        return "text", "text/plain"
    return "other", mime


def _kind_of_mime(mime: str) -> str:
    major = mime.split("/", 1)[0]
    if major in ("image", "audio", "video"):
        return major
    if mime in DOCUMENT_MIMES or mime.startswith(DOCUMENT_PREFIXES):
        return "document"
    if major == "text":
        return "text"
    return "other"


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head[:4096].decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start > len(head[:4096]) - 4  # only a character cut at the end
    return True
