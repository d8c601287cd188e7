"""Bytes to text for HTML pages: header charset, then BOM, then <meta>, then detection.

httpx's `response.text` falls back to UTF-8 when the header names no charset,
and Lexbor assumes UTF-8 too, so a windows-1250 or Shift_JIS page declared only
in <meta> comes out garbled. Decoding is done here, once, for both.
"""
from __future__ import annotations

import codecs
import re

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([a-zA-Z0-9_\-:.]+)""", re.IGNORECASE
)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([a-zA-Z0-9_\-:.]+)""", re.IGNORECASE)
# WHATWG: these labels mean windows-1252 / a superset in every browser.
_ALIASES = {"iso-8859-1": "windows-1252", "latin1": "windows-1252", "latin-1": "windows-1252",
            "us-ascii": "windows-1252", "ascii": "windows-1252", "x-sjis": "shift_jis",
            "gb2312": "gb18030", "gbk": "gb18030"}


_NOT_CHARSETS = frozenset({"idna", "punycode", "undefined", "unicode-escape", "raw-unicode-escape",
                           "unicode_escape", "raw_unicode_escape"})


def charset_from_content_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    match = _HEADER_CHARSET.search(content_type)
    return _known(match.group(1)) if match else None


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode an HTML body; returns (text, encoding used). Never raises."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body[len(bom):].decode(encoding, errors="replace"), encoding
    encoding = charset_from_content_type(content_type) or _meta_charset(body)
    if encoding is None:
        encoding = _detect(body)
    try:
        return body.decode(encoding, errors="replace"), encoding
    except (LookupError, UnicodeError):  # a codec that cannot decode bytes to text at all
        encoding = _detect(body)
        return body.decode(encoding, errors="replace"), encoding


def _meta_charset(body: bytes) -> str | None:
    match = _META_CHARSET.search(body[:4096])
    return _known(match.group(1).decode("ascii", "ignore")) if match else None


def _known(label: str) -> str | None:
    label = label.strip().lower()
    label = _ALIASES.get(label, label)
    try:
        codec = codecs.lookup(label)
    except LookupError:
        return None
    # rot13, base64, zlib... are codecs but no charset; idna and punycode name hosts, not pages.
    name = codec.name
    if not getattr(codec, "_is_text_encoding", True) or name in _NOT_CHARSETS:
        return None
    # A page that claims UTF-16 in an ASCII-compatible <meta> is really UTF-8.
    return "utf-8" if name.startswith("utf-16") else name


def _detect(body: bytes) -> str:
    try:
        body.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # optional: fall back to the web's most common legacy charset
        return "windows-1252"
    best = from_bytes(body[:65536]).best()
    return best.encoding if best is not None else "windows-1252"
