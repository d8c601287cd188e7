"""Bytes to text: BOM, header charset, <meta>, detection, in that order."""
from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scraper.encoding import charset_from_content_type, decode_html, utf8_html
from scraper.extract import extract

CZECH = "Žluťoučký kůň úpěl ďábelské ódy"
JAPANESE = "東京の天気は晴れ、気温は二十度です①"  # ① is in cp932, not in strict Shift_JIS


def page(text: str, head: str = "") -> str:
    return f"<html><head>{head}<title>{text}</title></head><body><p>{text}</p></body></html>"


def test_windows_1250_declared_only_in_meta():
    meta = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1250">'
    text, encoding = decode_html(page(CZECH, meta).encode("cp1250"), "text/html")
    assert CZECH in text and encoding == "cp1250"


def test_html5_meta_charset():
    text, _ = decode_html(page(CZECH, '<meta charset="windows-1250">').encode("cp1250"), None)
    assert CZECH in text


def test_shift_jis_declared_only_in_the_header_decodes_as_browsers_do():
    text, encoding = decode_html(page(JAPANESE).encode("cp932"), "text/html; charset=Shift_JIS")
    assert JAPANESE in text and encoding == "cp932"


def test_utf8_bom_wins_over_a_wrong_header():
    body = codecs.BOM_UTF8 + page(CZECH).encode("utf-8")
    text, encoding = decode_html(body, "text/html; charset=iso-8859-1")
    assert text.startswith("<html>") and CZECH in text and encoding == "utf-8"


def test_header_wins_over_meta():
    meta = '<meta charset="utf-8">'
    text, _ = decode_html(page(CZECH, meta).encode("cp1250"), "text/html; charset=windows-1250")
    assert CZECH in text


def test_utf8_served_with_a_latin1_default_is_utf8():
    """A common server default (AddDefaultCharset ISO-8859-1) in front of a UTF-8 page."""
    for content_type, head in (("text/html; charset=iso-8859-1", '<meta charset="utf-8">'),
                               ("text/html; charset=ISO-8859-1", ""),
                               ("text/html", '<meta charset="windows-1252">')):
        text, encoding = decode_html(page(CZECH, head).encode("utf-8"), content_type)
        assert CZECH in text and encoding == "utf-8"


_WORD = st.text(alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzàáâäçèéêëìíîïñòóôöùúûüýÿ"),
                min_size=1)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_WORD, st.sampled_from("“”‘’–—…€")), min_size=1))
def test_real_windows_1252_text_stays_windows_1252(tokens):
    """The exception above never takes windows-1252 text for UTF-8: lower-case letters
    (E0-FF) lead sequences that a space, a letter or a lead byte cannot continue, and
    punctuation (80-9F) after a space continues nothing."""
    words = " ".join(tokens)
    body = page(words).encode("cp1252")
    text, _ = decode_html(body, "text/html; charset=iso-8859-1")
    assert words in text


def test_undeclared_utf8_and_undeclared_legacy_are_detected():
    assert CZECH in decode_html(page(CZECH).encode("utf-8"))[0]
    assert CZECH in decode_html(page(CZECH * 4).encode("cp1250"))[0]


def test_labels_map_as_in_browsers():
    assert charset_from_content_type("text/html; charset=ISO-8859-1") == "cp1252"
    assert charset_from_content_type('text/html; charset="shift_jis"') == "cp932"
    assert charset_from_content_type("text/html; charset=nonsense") is None


@pytest.mark.parametrize("body", [b"", b"\xff\xfe\x00", b"\x80\x81\x82" * 100])
def test_never_raises(body):
    text, encoding = decode_html(body, "text/html; charset=utf-8")
    assert isinstance(text, str) and encoding


def test_a_utf8_page_goes_to_the_parser_as_it_came():
    body = page(CZECH, '<meta charset="utf-8">').encode("utf-8")
    assert utf8_html(body, "text/html; charset=utf-8") is body
    assert utf8_html(body, None) is body  # (no header: the <meta> says it)
    assert utf8_html(codecs.BOM_UTF8 + body, "text/html; charset=iso-8859-1") == body


# Pages the parser must get as `decode_html` reads them: legacy charsets named in the header
# or a <meta>, UTF-8 with broken sequences, UTF-16 with its BOM, UTF-8 behind a Latin-1
# default, undeclared legacy bytes.
_BODIES = [
    (page(CZECH, '<meta charset="windows-1250">').encode("cp1250"), None),
    (page(JAPANESE).encode("cp932"), "text/html; charset=Shift_JIS"),
    (page(CZECH).encode("utf-8")[:-20] + b"\xc5\x80\xff" + b"</p></body></html>", "text/html; charset=utf-8"),
    (codecs.BOM_UTF16_LE + page(CZECH).encode("utf-16-le"), None),
    (page(CZECH).encode("utf-8"), "text/html; charset=iso-8859-1"),
    (page(CZECH * 4).encode("cp1250"), None),
]


@pytest.mark.parametrize("body, content_type", _BODIES)
def test_the_parser_reads_what_decoding_reads(body, content_type):
    assert utf8_html(body, content_type) == decode_html(body, content_type)[0].encode("utf-8")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300), st.sampled_from([None, "text/html", "text/html; charset=utf-8",
                                                 "text/html; charset=iso-8859-1"]))
def test_the_parser_reads_what_decoding_reads_whatever_the_bytes(body, content_type):
    expected = decode_html(body, content_type)[0].encode("utf-8", errors="ignore")
    assert utf8_html(body, content_type) == expected


def test_extracting_bytes_decodes_them_by_their_header():
    body = page(CZECH).encode("cp1250")
    article = extract(body, "https://example.org/a", "text/html; charset=windows-1250")
    assert article.title == CZECH and CZECH in article.body_text
