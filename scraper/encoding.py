"""Bytes to text for HTML pages: BOM, then header charset, then <meta>, then detection.

httpx's `response.text` falls back to UTF-8 when the header names no charset,
and Lexbor assumes UTF-8 too, so a windows-1250 or Shift_JIS page declared only
in <meta> comes out garbled. Decoding is done here, once, for both.

A byte-order mark wins over the header, as in every browser (WHATWG "decode"):
a server that says iso-8859-1 about a file saved with a UTF-8 BOM is wrong, the
file is not. Labels are mapped the way browsers map them (iso-8859-1 means
windows-1252, shift_jis means Microsoft's cp932...), because pages are written
for browsers. One exception to the order: a page declared windows-1252 (or
iso-8859-1, us-ascii: a common server default) whose bytes are valid UTF-8,
non-ASCII included, is UTF-8. Real windows-1252 text almost never forms valid
UTF-8 sequences ('café' is 63 61 66 E9, and E9 must be followed by two
continuation bytes), while UTF-8 pages served with a Latin-1 default are common,
and decoding them as declared would archive mojibake ('ÄŒÃ­tanie' for 'Čítanie').
This module never raises: undecodable bytes become U+FFFD.
"""
from __future__ import annotations

import codecs
import re

# The media types of an HTML page, as a Content-Type names them.
HTML_TYPES = ("text/html", "application/xhtml+xml")

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# How far into the page a <meta> charset is looked for. WHATWG's prescan stops
# at 1024 bytes; real pages put long scripts first, so look further.
_META_WINDOW = 8192
_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([a-zA-Z0-9_\-:.]+)""", re.IGNORECASE
)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([a-zA-Z0-9_\-:.]+)""", re.IGNORECASE)
# WHATWG label -> the Python codec that decodes what browsers decode for it.
_ALIASES = {
    "iso-8859-1": "windows-1252", "latin1": "windows-1252", "latin-1": "windows-1252",
    "us-ascii": "windows-1252", "ascii": "windows-1252", "iso-8859-9": "windows-1254",
    "shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932",
    "ms_kanji": "cp932", "windows-31j": "cp932", "csshiftjis": "cp932",
    "euc-kr": "cp949", "ks_c_5601-1987": "cp949",
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030",
    "big5": "big5hkscs", "tis-620": "cp874", "iso-8859-11": "cp874",
}


_NOT_CHARSETS = frozenset({"idna", "punycode", "undefined", "unicode-escape", "raw-unicode-escape",
                           "unicode_escape", "raw_unicode_escape"})


def charset_from_content_type(content_type: str | None) -> str | None:
    """The codec named by a Content-Type header, or None when absent or unknown."""
    if not content_type:
        return None
    match = _HEADER_CHARSET.search(content_type)
    return _known(match.group(1)) if match else None


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode an HTML body; returns (text, encoding used). Never raises."""
    encoding, bom = _encoding(body, content_type)
    try:
        return body[bom:].decode(encoding, errors="replace"), encoding
    except (LookupError, UnicodeError):  # a codec that cannot decode bytes to text at all
        encoding = _detect(body)
        return body.decode(encoding, errors="replace"), encoding


def utf8_html(body: bytes, content_type: str | None = None) -> bytes:
    """The page in UTF-8, which the HTML parser reads: `decode_html`'s text, encoded.

    A page that is valid UTF-8 already is its own answer, byte-order mark aside: encoding
    the decoded text back costs twice as much as decoding it, which validating takes.
    """
    encoding, bom = _encoding(body, content_type)
    if encoding == "utf-8":
        data = body[bom:] if bom else body
        if data.isascii():
            return data
        try:
            data.decode("utf-8")
            return data
        except UnicodeDecodeError:
            pass  # (repaired as decode_html repairs it: U+FFFD for each bad sequence)
    return decode_html(body, content_type)[0].encode("utf-8", errors="ignore")


def _encoding(body: bytes, content_type: str | None) -> tuple[str, int]:
    """The codec to decode `body` with, and the length of its byte-order mark (0 without)."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return encoding, len(bom)
    encoding = charset_from_content_type(content_type) or _meta_charset(body)
    if encoding is None:
        encoding = _detect(body)
    elif encoding == "cp1252" and _is_utf8(body):
        encoding = "utf-8"
    return encoding, 0


def _is_utf8(body: bytes) -> bool:
    """Valid UTF-8 with something beyond ASCII in it."""
    if body.isascii():
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _meta_charset(body: bytes) -> str | None:
    match = _META_CHARSET.search(body[:_META_WINDOW])
    if match is None:
        return None
    encoding = _known(match.group(1).decode("ascii", "ignore"))
    # A page that claims UTF-16 in an ASCII-compatible <meta> is really UTF-8.
    return "utf-8" if encoding and encoding.startswith("utf-16") else encoding


def _known(label: str) -> str | None:
    label = label.strip().strip("\"'").lower()
    label = _ALIASES.get(label, label)
    try:
        codec = codecs.lookup(label)
    except LookupError:
        return None
    # rot13, base64, zlib... are codecs but no charset; idna and punycode name hosts, not pages.
    if not getattr(codec, "_is_text_encoding", True) or codec.name in _NOT_CHARSETS:
        return None
    return codec.name


def _detect(body: bytes) -> str:
    try:
        body.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # imported late: it is slow to import

    best = from_bytes(body[:65536]).best()
    return best.encoding if best is not None else "windows-1252"
