"""Hypothesis strategies for hostile HTML: what the web sends an extractor.

Two families of pages, both drawn through `pages()`:

- random trees of real tags and attributes (the ones the extractor looks at:
  rel, class, id, form semantics, <meta>, JSON-LD) with text in many scripts;
- mutations of the real-shaped pages in `fixtures/*.html`: truncated, cut,
  unclosed, nested, stuffed with huge attributes or broken JSON-LD.

Either may then be encoded to bytes in a right or wrong charset, with stray
bytes spliced in. Sizes come from a `Sizes`, so the test suite draws small
pages and the long fuzzing profile (benchmarks/fuzz.py) bigger ones. This
module only generates input; what must hold of the output is in invariants.py.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from html import escape
from pathlib import Path

from hypothesis import strategies as st

from scraper.encoding import decode_html

FIXTURES = Path(__file__).parent / "fixtures"


@dataclass(frozen=True)
class Sizes:
    """How big a drawn page may get."""

    max_leaves: int = 25  # text and void nodes in a random tree
    max_depth: int = 300  # deliberately nested divs, tables, lists...
    max_attr_chars: int = 20_000  # one huge attribute value
    max_mutations: int = 4  # edits applied to one fixture


SUITE = Sizes()


@dataclass(frozen=True)
class Page:
    """One input for extract(): the HTML, the page URL, and how it was made."""

    html: str | bytes
    url: str | None
    origin: str

    def __repr__(self) -> str:  # hypothesis prints this on failure: keep it readable
        html = repr(self.html[:2_000]) + (f"... ({self.size:,} in all)" if self.size > 2_000 else "")
        return f"Page(origin={self.origin!r}, url={self.url!r}, html={html})"

    @property
    def size(self) -> int:
        return len(self.html)

    @property
    def size_text(self) -> str:
        return f"{self.size:,} {'characters' if isinstance(self.html, str) else 'bytes'}"


# -- text ------------------------------------------------------------------

SCRIPTS = [
    "Zdieľaj tento článok", "Ďalšie Články", "Posledný Príspevok", "Pridaj komentár",
    "Größe über Straße", "Привет, мир", "Γειά σου Κόσμε", "مرحبا بالعالم", "שלום עולם",
    "你好，世界", "こんにちは世界", "안녕하세요 세계", "नमस्ते दुनिया", "สวัสดีชาวโลก",
    "👍🏽🇸🇰👨‍👩‍👧", "e\u0301\u0301\u0301", "a\u200bb\u200dc\u2060", "\u202eevil\u202c",
    "\ufeffbom", "\xa0\u3000\u2028\u2029", "\r\n\t\f\v", "\x00nul\x00", "\ud800\udfff",
    "&amp; &nbsp; &#0; &#xD800; &#x110000; &bogus; &#x;", "< > ]]> <!-- --> <![CDATA[x]]>",
]

texts = st.one_of(
    st.sampled_from(SCRIPTS),
    st.text(max_size=40),  # any code point but surrogates, controls included
    st.lists(st.sampled_from(SCRIPTS), min_size=2, max_size=6).map(" ".join),
)

# -- URLs ------------------------------------------------------------------

ODD_URLS = [
    "", " ", "#", "#respond", "?p=1", "/", "//", "///x", ".", "../../up", "relative/path",
    "//other.example/x", "http://example.org/a", "HTTPS://EXAMPLE.ORG:443/A?b=1#c",
    "https://user:pass@example.org/", "http://example.org:99999/", "http://[::1", "http://[::1]:8080/a",
    "http://", "https:", "http:/x", "http:x", "http://exa mple.org/", "http://example.org/%zz",
    "http://xn--ls8h.la/", "http://příklad.sk/článok", "ftp://files.example.org/a",
    "file:///etc/passwd", "javascript:alert(1)", "JaVaScRiPt:alert(1)", " \t\njavascript:x",
    "\x01javascript:x", "java\tscript:x", "data:text/html,<b>x</b>", "mailto:a@example.org",
    "tel:+421", "about:blank", "blob:https://example.org/x", "ws://example.org/", "\\\\server\\share",
    "http:\\\\example.org\\a", "https://example.org/" + "a" * 300,
]

urls = st.one_of(
    st.sampled_from(ODD_URLS),
    st.builds(
        lambda scheme, host, port, path: f"{scheme}{host}{port}{path}",
        st.sampled_from(["http://", "https://", "//", "", "HTTP://", "https:///", "mailto:"]),
        st.sampled_from(["example.org", "news.example.sk", "127.0.0.1", "[2001:db8::1]", "xn--p1ai", "", "ex%41mple.org"]),
        st.sampled_from(["", ":80", ":8080", ":0", ":-1", ":abc"]),
        st.one_of(st.just("/"), texts.map(lambda t: "/" + t)),
    ),
    texts,
)

page_urls = st.one_of(
    st.sampled_from([
        "https://example.org/2025/05/some-article/", "http://news.example.sk/clanok?id=5&x=y",
        "https://example.org", "http://[::1]:8080/a/b", "https://příklad.sk/článok/",
        "https://user:secret@example.org/a",
    ]),
    st.none(),
)

# -- attributes ------------------------------------------------------------

CLASSES = [
    "entry-title", "post-title", "entry-content", "post-content", "nav-previous", "nav-next",
    "nav-links", "post-navigation", "post-navigation__prev", "post-navigation__next", "nav-title",
    "meta-nav", "related", "related-posts", "jp-relatedposts", "read-next", "sharedaddy", "share",
    "cs-share", "comment-form", "comment-respond", "comment-notes", "logged-in-as", "required",
    "screen-reader-text", "widget", "menu", "sidebar", "footer", "byline", "author", "hentry",
]
IDS = ["commentform", "respond", "reply-title", "comments", "content", "main", "primary", "comment",
       "author", "email", "url", 'x"]', "a\\", "1abc", "a b", "-", "'", "[", "#x", "}"]
RELS = ["prev", "next", "canonical", "shortlink", "bookmark", "author", "tag", "category tag",
        "nofollow noopener", "prev next", "PREV", "  next  ", "Next", "amphtml", "alternate"]
TYPES = ["text", "email", "url", "hidden", "submit", "button", "checkbox", "radio", "image", "reset",
         "search", "TEXT", "application/ld+json", "text/javascript", "module", "nonsense"]
META_KEYS = ["og:title", "og:url", "og:site_name", "og:image", "og:description", "og:locale",
             "article:published_time", "article:modified_time", "article:tag", "article:author",
             "description", "author", "keywords", "twitter:title", "datePublished", "headline"]
CHARSETS = ["utf-8", "UTF8", "windows-1250", "iso-8859-2", "latin1", "shift_jis", "euc-kr",
            "gb2312", "koi8-r", "utf-16", "utf-7", "x-user-defined", "rot13", "base64", "hex",
            "bz2", "zlib", "idna", "punycode", "undefined", "unicode_escape", "", "bogus", "utf-8\x00"]
DATES = ["2025-05-14T08:12:00+02:00", "2025-05-14", "14. mája 2025", "0000-00-00", "yesterday",
         "2025-13-45T99:99", "9" * 40]


def tokens(values: list[str]) -> st.SearchStrategy[str]:
    """A space-separated attribute value: one known token, or known tokens mixed with random text."""
    return st.sampled_from(values) | st.lists(st.sampled_from(values) | texts, min_size=1, max_size=3).map(" ".join)


ATTRIBUTES = {
    "class": tokens(CLASSES), "id": st.one_of(st.sampled_from(IDS), texts), "rel": tokens(RELS),
    "href": urls, "src": urls, "action": urls, "value": st.one_of(urls, texts),
    "content": st.one_of(texts, urls, st.sampled_from(DATES)), "name": st.one_of(st.sampled_from(
        ["comment", "author", "email", "url", "comment_post_ID", "_wp_nonce", "ak_hp_x", "", " "] + META_KEYS), texts),
    "type": st.sampled_from(TYPES), "for": st.one_of(st.sampled_from(IDS), texts),
    "property": st.sampled_from(META_KEYS), "itemprop": st.sampled_from(
        ["articleBody", "headline", "author", "datePublished", "name", "description"]),
    "datetime": st.sampled_from(DATES), "lang": st.sampled_from(["sk", "en-US", "ja", "", "x" * 100]),
    "charset": st.sampled_from(CHARSETS), "method": st.sampled_from(["post", "GET", "dialog", "", "delete"]),
    "placeholder": texts, "required": st.just(""), "aria-required": st.sampled_from(["true", "false"]),
    "style": st.just("display:none"), "onclick": st.just("alert(1)"), "data-x": texts,
}


@cache
def huge_values(sizes: Sizes) -> st.SearchStrategy[str]:
    """A long attribute value, built by repetition (drawing it char by char would be slow)."""
    return st.builds(lambda chunk, n: chunk * n, st.sampled_from(["a", "ž", "/x", "&amp;", "\ud800", "é "]),
                     st.integers(1_000, max(1_000, sizes.max_attr_chars // 2)))


@cache
def attributes(sizes: Sizes) -> st.SearchStrategy[str]:
    """Rendered attributes, quoted, single-quoted, bare or broken."""
    def render(pairs: list[tuple[str, str]], quote: str) -> str:
        out = []
        for name, value in pairs:
            value = escape(value) if quote == '"' else value
            out.append(f" {name}={quote}{value}{quote}" if quote != "bare" else f" {name}={value}")
        return "".join(out)

    pair = st.one_of(
        st.sampled_from(sorted(ATTRIBUTES)).flatmap(lambda name: st.tuples(st.just(name), ATTRIBUTES[name])),
        st.tuples(st.sampled_from(["href", "class", "value", "content", "data-x"]), huge_values(sizes)),
    )
    return st.builds(render, st.lists(pair, max_size=4), st.sampled_from(['"', '"', "'", "bare"]))


# -- elements --------------------------------------------------------------

CONTAINERS = ["div", "span", "p", "a", "article", "main", "section", "header", "footer", "nav", "aside",
              "h1", "h2", "h3", "ul", "ol", "li", "table", "tr", "td", "th", "tbody", "blockquote",
              "form", "label", "button", "select", "option", "textarea", "script", "style", "noscript",
              "template", "title", "figure", "pre", "b", "em", "strong", "font", "svg", "math", "x-widget",
              "time", "small", "iframe", "object", "plaintext", "xmp"]
VOIDS = ["input", "meta", "link", "img", "br", "hr", "base", "source"]
STRAY = ["<div>", "<table>", "<td>", "<form id=commentform>", "<form>", "<!--", "<script>", "<textarea>",
         "<title>", "<select>", "<a href=", "'", '"', "&", "</body>", "</html>", "<html>", "<body>",
         "<svg><foreignObject>", "<math><mi>", "<template>", "<![CDATA[", "<?php echo 1 ?>", "<!DOCTYPE x>",
         "</p></p></p>", "</form>", "</table>", "<p", "=\"", "<button><form><button>"]


@cache
def elements(sizes: Sizes) -> st.SearchStrategy[str]:
    """A random tree of real tags; some left unclosed, as the web does."""
    leaf = st.one_of(
        texts.map(escape),
        texts,  # unescaped: may open tags of its own
        st.builds(lambda tag, attrs: f"<{tag}{attrs}>", st.sampled_from(VOIDS), attributes(sizes)),
        st.sampled_from(STRAY),
    )

    def element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.builds(
            lambda tag, attrs, inner, closed: f"<{tag}{attrs}>{''.join(inner)}" + (f"</{tag}>" if closed else ""),
            st.sampled_from(CONTAINERS), attributes(sizes), st.lists(children, max_size=4),
            st.booleans() | st.just(True))  # most elements closed, some left open

    return st.recursive(leaf, element, max_leaves=sizes.max_leaves)


@cache
def nested(sizes: Sizes) -> st.SearchStrategy[str]:
    """A deep stack of the same wrapper: nested divs, tables, lists, forms, inline tags."""
    wrappers = ["<div>", "<div class=entry-content>", "<table><tr><td>", "<ul><li>", "<form>",
                "<blockquote>", "<span>", "<b><i>", "<section><article>", "<a href=/x rel=next>"]

    def render(open_tags: str, depth: int, inner: str, closed: bool) -> str:
        return open_tags * depth + inner + (_closing(open_tags) * depth if closed else "")

    return st.builds(render, st.sampled_from(wrappers), st.integers(1, sizes.max_depth),
                     texts.map(lambda t: f"<p>{escape(t)}</p>"), st.booleans())


def _closing(open_tags: str) -> str:
    return "".join(f"</{tag}>" for tag in reversed(re.findall(r"<(\w+)", open_tags)))


@cache
def json_ld() -> st.SearchStrategy[str]:
    """A JSON-LD <script>: plausible schema.org shapes, random JSON, and broken JSON."""
    keys = st.sampled_from(["@context", "@type", "@graph", "@id", "headline", "name", "author", "datePublished",
                            "dateModified", "keywords", "inLanguage", "description", "image", "url", "publisher"])
    scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), texts,
                        st.sampled_from(["NewsArticle", "Article", "BlogPosting", "Person", "WebPage"] + DATES))
    values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=4),
                          max_leaves=12)
    articles = st.fixed_dictionaries({"@type": st.sampled_from(["NewsArticle", ["Article", "NewsArticle"], "BlogPosting"])},
                                     optional={key: values for key in ["author", "datePublished", "dateModified",
                                                                       "headline", "keywords", "@graph"]})
    documents = st.one_of(articles, values, st.fixed_dictionaries({"@graph": st.lists(articles | values, max_size=3)}))
    raw = st.one_of(
        documents.map(lambda doc: json.dumps(doc, ensure_ascii=False)),
        documents.map(json.dumps),
        st.sampled_from([
            '{"@type": "NewsArticle", "author": {"name": "\\ud800"}, "headline": "\\udfff"}',
            '{"@type": "NewsArticle", "datePublished": NaN, "dateModified": Infinity}',
            '{"@type": "Article", "author": [' + "1" * 5000 + "]}",
            '{"@type": "Article", "datePublished": 1e999}',
            '{"@type": "Article",}', "{'@type': 'Article'}", "// comment\n{}", '{"a": "</script><p>x"}',
            '{"@type": "Article", "author": {"name": "x"}, "author": null}', "[" * 5000 + "]" * 5000,
            '{"@graph":' * 3000 + "{}" + "}" * 3000, "\x00", "",
        ]),
        st.integers(500, 20_000).map(  # past the JSON parser's recursion limit
            lambda n: '{"@type": "NewsArticle", "author": ' + "[" * n + '"x"' + "]" * n + "}"),
    )
    truncated = raw.flatmap(lambda text: st.integers(0, len(text)).map(lambda cut: text[:cut]))
    return st.one_of(raw, truncated).map(lambda text: f'<script type="application/ld+json">{text}</script>')


@cache
def comment_forms(sizes: Sizes) -> st.SearchStrategy[str]:
    """Comment forms: textareas, labelled and unlabelled inputs, hidden fields, forms inside forms."""
    field = st.one_of(
        st.builds(lambda name, id_, label: f'<label for="{escape(id_)}">{escape(label)} <span class="required">*</span>'
                  f'</label><textarea id="{escape(id_)}" name="{escape(name)}" required></textarea>',
                  ATTRIBUTES["name"], ATTRIBUTES["id"], texts),
        st.builds(lambda type_, name, value: f'<input type="{type_}" name="{escape(name)}" value="{escape(value)}">',
                  st.sampled_from(TYPES), ATTRIBUTES["name"], texts),
        st.builds(lambda attrs: f"<input{attrs}>", attributes(sizes)),
        st.just("<textarea>"), st.just("<select name=s><option>a<option>b</select>"),
    )
    opening = st.sampled_from(['<form id="commentform" class="comment-form" action="/wp-comments-post.php" method="post">',
                               '<div id="respond"><form>', "<form class=comment-form action=javascript:void(0)>",
                               "<form id=commentform><form id=commentform>", '<form action="" method="">'])
    return st.builds(lambda head, fields, close: head + "".join(fields) + close,
                     opening, st.lists(field, max_size=6), st.sampled_from(["</form>", "", "</form></form>"]))


NAVIGATION = [
    '<a rel="{rel}" href="{url}">{text}</a>', '<link rel="{rel}" href="{url}">',
    '<nav class="navigation post-navigation"><div class="nav-links"><div class="nav-previous"><a href="{url}" rel="prev">'
    '<span class="meta-nav">{text}</span> <span class="post-title">{text}</span></a></div></div></nav>',
    '<div class="nav-next"><a href="{url}" rel="next">{text}</a></div>',
    '<div class="post-navigation__prev"><a href="{url}"><h3>{text}</h3></a></div>',
    '<div class="post-navigation__next"><a href="{url}">{text}</a></div>',
    '<section class="related-posts"><ul><li><a href="{url}">{text}</a></li><li><a href="{url}">{text}</a></li></ul></section>',
    '<div class="read-next"><article><h3><a href="{url}">{text}</a></h3></article></div>',
]
SHARING = [
    '<link rel="canonical" href="{url}">', '<link rel="shortlink" href="{url}">', '<meta property="og:url" content="{url}">',
    '<div class="share"><input type="text" readonly value="{url}"></div>', '<input type="url" value="{url}">',
    '<input value="{url}">', '<meta property="og:image" content="{url}">', '<base href="{url}">',
]


@cache
def linking() -> st.SearchStrategy[str]:
    """The markup navigation and share extraction key on, pointing at odd URLs."""
    return st.builds(lambda template, rel, url, text: template.format(rel=escape(rel), url=escape(url), text=escape(text)),
                     st.sampled_from(NAVIGATION + SHARING), tokens(RELS), urls, texts)


@cache
def snippets(sizes: Sizes) -> st.SearchStrategy[str]:
    return st.one_of(elements(sizes), nested(sizes), json_ld(), comment_forms(sizes), linking(),
                     st.sampled_from(STRAY))


@cache
def random_documents(sizes: Sizes) -> st.SearchStrategy[str]:
    """A whole page around random parts: doctype, head with metadata, body; any of them may be missing."""
    head_part = st.one_of(
        st.builds(lambda key, value: f'<meta property="{key}" content="{escape(value)}">',
                  st.sampled_from(META_KEYS), ATTRIBUTES["content"]),
        linking(),
        st.builds(lambda charset: f'<meta charset="{charset}">', st.sampled_from(CHARSETS)),
        st.builds(lambda title: f"<title>{escape(title)}</title>", texts),
        json_ld(),
    )
    return st.builds(
        lambda doctype, lang, head, body: f'{doctype}<html lang="{lang}"><head>{"".join(head)}</head>'
                                          f'<body>{"".join(body)}</body></html>',
        st.sampled_from(["<!DOCTYPE html>", "", "<!DOCTYPE html PUBLIC '-//W3C//DTD XHTML 1.0 Strict//EN'>"]),
        ATTRIBUTES["lang"], st.lists(head_part, max_size=5), st.lists(snippets(sizes), min_size=1, max_size=4))


# -- mutations of the fixture pages -----------------------------------------

@cache
def _fixture_texts() -> dict[str, str]:
    return {path.name: decode_html(path.read_bytes())[0] for path in sorted(FIXTURES.glob("*.html"))}


@st.composite
def mutated_fixtures(draw, sizes: Sizes) -> tuple[str, str]:
    """(page, how it was made): a fixture page with a few random edits."""
    fixtures = _fixture_texts()
    name = draw(st.sampled_from(sorted(fixtures)))
    text = fixtures[name]
    done = []
    for _ in range(draw(st.integers(1, sizes.max_mutations))):
        mutation = draw(st.sampled_from(sorted(MUTATIONS)))
        text = MUTATIONS[mutation](draw, text, sizes)
        done.append(mutation)
    return text, f"{name}: {', '.join(done)}"


def _position(draw, text: str) -> int:
    return draw(st.integers(0, len(text)))


def _truncate(draw, text: str, sizes: Sizes) -> str:
    return text[:_position(draw, text)]


def _cut(draw, text: str, sizes: Sizes) -> str:
    start = _position(draw, text)
    return text[:start] + text[draw(st.integers(start, len(text))):]


def _duplicate(draw, text: str, sizes: Sizes) -> str:
    start = _position(draw, text)
    end = draw(st.integers(start, min(len(text), start + 5_000)))
    return text[:end] + text[start:end] * draw(st.integers(1, 5)) + text[end:]


def _insert(draw, text: str, sizes: Sizes) -> str:
    at = _position(draw, text)
    return text[:at] + draw(snippets(sizes)) + text[at:]


def _unclose(draw, text: str, sizes: Sizes) -> str:
    """Drop some closing tags, so elements run on to the end of the page."""
    closing = list(re.finditer(r"</\w+\s*>", text))
    if not closing:
        return text
    drop = set(draw(st.lists(st.integers(0, len(closing) - 1), max_size=20)))
    return "".join(piece for i, piece in enumerate(re.split(r"(</\w+\s*>)", text)) if not (i % 2 and i // 2 in drop))


def _retarget(draw, text: str, sizes: Sizes) -> str:
    """Give some rel/class/id/href/name/for attributes the values extractors key on, or garbage."""
    found = list(re.finditer(r"""\b(rel|class|id|href|name|for|type|property|content)=(["'])(.*?)\2""", text))
    if not found:
        return text
    for match in sorted(draw(st.lists(st.sampled_from(found), min_size=1, max_size=8, unique_by=lambda m: m.start())),
                        key=lambda m: m.start(), reverse=True):
        name = match.group(1)
        value = draw(st.one_of(ATTRIBUTES.get(name, texts), huge_values(sizes)))
        text = text[:match.start()] + f'{name}="{escape(value)}"' + text[match.end():]
    return text


def _relink(draw, text: str, sizes: Sizes) -> str:
    """Point some of the page's links, share URLs and form actions at odd URLs."""
    def swap(match: re.Match) -> str:
        if not draw(st.booleans()):
            return match.group(0)
        return f'{match.group(1)}="{escape(draw(urls))}"'

    return re.sub(r"""\b(href|action|value|content)=(["'])(?:https?:|/)[^"']*\2""", swap, text)


def _stray_text(draw, text: str, sizes: Sizes) -> str:
    at = _position(draw, text)
    return text[:at] + draw(texts) + text[at:]


MUTATIONS = {
    "truncate": _truncate, "cut": _cut, "duplicate": _duplicate, "insert": _insert,
    "unclose": _unclose, "retarget": _retarget, "relink": _relink, "stray text": _stray_text,
}

# -- str or bytes ----------------------------------------------------------

ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-32", "cp1250", "windows-1252", "iso-8859-2",
             "koi8-r", "shift_jis", "euc-jp", "gb18030", "big5", "euc-kr", "latin-1"]


@st.composite
def as_input(draw, text: str) -> tuple[str | bytes, str]:
    """The page as str, or as bytes in some charset, possibly mislabelled, possibly with stray bytes."""
    if draw(st.booleans()):
        return text, "str"
    encoding = draw(st.sampled_from(ENCODINGS))
    if draw(st.booleans()):  # a <meta charset> that may lie
        text = f'<meta charset="{draw(st.sampled_from(CHARSETS))}">' + text
    handlers = ["replace", "xmlcharrefreplace"] + (["surrogatepass"] if encoding.startswith("utf") else [])
    data = text.encode(encoding, errors=draw(st.sampled_from(handlers)))
    how = f"bytes {encoding}"
    for _ in range(draw(st.integers(0, 3))):  # stray and invalid bytes
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=16) | st.sampled_from(
            [b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf", b"\x00" * 8, b"\xc3", b"\xed\xa0\x80", b"\x1b$B"])) + data[at:]
        how += " + stray bytes"
    return data, how


@st.composite
def pages(draw, sizes: Sizes = SUITE, with_url: bool = False) -> Page:
    """A page for extract(): a random document, a mutated fixture or plain noise, as str or bytes.

    `with_url` always gives it an http(s) page URL, so that every link can be made absolute.
    """
    url_strategy = page_urls.filter(bool) if with_url else page_urls
    family = draw(st.sampled_from(["random tree"] * 4 + ["fixture"] * 4 + ["noise"]))
    if family == "noise":  # not HTML at all
        html = draw(st.binary(max_size=2_000) | st.text(max_size=2_000))
        return Page(html=html, url=draw(url_strategy), origin=f"noise ({type(html).__name__})")
    if family == "random tree":
        text, origin = draw(random_documents(sizes)), "random tree"
    else:
        text, origin = draw(mutated_fixtures(sizes))
    html, how = draw(as_input(text))
    return Page(html=html, url=draw(url_strategy), origin=f"{origin} ({how})")
