"""The share URL, the canonical URL and the shortlink of a page.

The share URL is the address the page offers for sharing, in this order:
1. a copy-link box: a text input (or read-only textarea) holding the permalink, or a copy
   button carrying it in `data-clipboard-text` / `data-url`; one that matches the
   canonical or og:url wins, else one on the page's own site;
2. `<link rel=canonical>`;  3. `og:url`;  4. JSON-LD `url` / `mainEntityOfPage`;
5. the URL a share button (Facebook, X, LinkedIn...) passes to its service;
6. the page's own (http/https) URL: with nothing else on offer, that is what a reader shares.
Every URL is made absolute against the page URL and `<base href>`. The shortlink
(`rel=shortlink`, WordPress's `/?p=123`) is kept apart and never becomes the share URL,
not even when a copy box holds it.
This module only reads the tree.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ._jsonld import is_type, json_ld_items
from ._links import PageAddress
from ._markup import (ancestors, in_region, is_hidden, markup_words, name_attributes, name_words,
                      stray_first)
from .document import Document, attr

_SHORTLINK = 'link[rel~="shortlink" i][href], link[rel~="shorturl" i][href]'
_OG_URL = 'meta[property="og:url" i][content]'
# Elements that may hold the page's own address for copying.
# (Each selector costs a pass over the page: keep the list short.)
_COPY_SOURCES = "input[value], textarea[readonly], [data-clipboard-text], [data-url]"
# Weighed per page, at most, in page order: each may cost walks up the tree, and a page of
# thousands of inputs or data-url cards is a trap or a listing, not an article's copy box.
_MAX_COPY_SOURCES = 500
_TEXT_INPUT_TYPES = frozenset(("text", "url", ""))
# A copy box in a video player or an embed widget shares the media, not the page.
_MEDIA_WORDS = frozenset(("video", "player", "embed", "media", "gallery", "audio", "podcast",
                          "jwplayer", "vjs", "slideshow", "lightbox"))
# Query parameters share services take the shared address in.
_SHARED_URL_PARAMS = ("u", "url", "link", "href", "text", "body")
_SHARE_SERVICES = ("facebook.com/sharer", "facebook.com/share.php", "twitter.com/intent",
                   "twitter.com/share", "x.com/intent", "x.com/share", "linkedin.com/share",
                   "linkedin.com/cws/share", "reddit.com/submit", "pinterest.com/pin/create",
                   "wa.me/", "api.whatsapp.com/send", "t.me/share", "vk.com/share.php",
                   "getpocket.com/save", "tumblr.com/share", "xing.com/spi/shares",
                   "line.me/R/msg", "b.hatena.ne.jp/entry")


@dataclass
class ShareUrls:
    share_url: str | None = None
    canonical_url: str | None = None
    shortlink: str | None = None


def extract_share_urls(doc: Document) -> ShareUrls:
    tree = doc.tree
    canonical = _web_url(doc, doc.canonical_href())
    shortlink_node, og_node = _shortlink_and_og_url(tree)
    shortlink = _web_url(doc, attr(shortlink_node, "href"))
    og_url = _web_url(doc, attr(og_node, "content"))
    share = (_copy_box(doc, canonical, og_url, shortlink) or canonical or og_url
             or _json_ld_url(doc) or _shared_by_buttons(doc) or _web_url(doc, doc.address))
    return ShareUrls(share_url=share, canonical_url=canonical, shortlink=shortlink)


def _shortlink_and_og_url(tree: LexborHTMLParser) -> tuple[LexborNode | None, LexborNode | None]:
    """The first shortlink <link> and og:url <meta>, as `head_first` finds each: both asked
    of <head> in one selector (one walk of it costs less than two)."""
    shortlink = og_url = None
    head = tree.head
    if head is not None:
        for node in head.css(f"{_SHORTLINK}, {_OG_URL}"):
            if node.tag == "link":
                shortlink = node if shortlink is None else shortlink
            elif og_url is None:
                og_url = node
    if shortlink is None:
        shortlink = stray_first(tree, _SHORTLINK)
    if og_url is None:
        og_url = stray_first(tree, _OG_URL)
    return shortlink, og_url


def _web_url(doc: Document, href: str | None) -> str | None:
    """`href` made absolute, if that gives a web (http/https) address."""
    url = doc.absolute(href)
    if not url:
        return None
    scheme = urlsplit(url).scheme.lower()
    if scheme in ("http", "https"):
        return url
    return None


def _copy_box(doc: Document, canonical: str | None, og_url: str | None,
              shortlink: str | None) -> str | None:
    """The address a copy-link box or copy button offers, preferring the page's own."""
    own_site: str | None = None
    preferred = page = None  # (made for the first address offered: most pages offer none)
    name_attributes(doc.tree, ("data-clipboard-text", "data-url"))  # (most pages lack them)
    for node in doc.tree.css(_COPY_SOURCES)[:_MAX_COPY_SOURCES]:
        url = _copy_value(doc, node)
        if not url or url == shortlink or _is_shortlink(url):
            continue
        if preferred is None or page is None:  # (both made at once, for the first offer)
            preferred = PageAddress(canonical, og_url)
            page = PageAddress(doc.address, canonical, og_url)
        if preferred.sites and preferred.is_self(url):
            return url
        if own_site is None and page.same_site(url):
            own_site = url
    return own_site


def _copy_value(doc: Document, node: LexborNode) -> str | None:
    """The absolute URL `node` offers for copying, or None when it is not a copy box."""
    attrs = node.attributes
    if node.tag == "input":
        if (attrs.get("type") or "").strip().lower() not in _TEXT_INPUT_TYPES:
            return None
        value = attrs.get("value")
    elif node.tag == "textarea":
        value = node.text()
    elif attrs.get("data-clipboard-text") is not None:
        # A copy button may copy 'Title https://…': the address is its one URL-like word.
        found = [w for w in (attrs.get("data-clipboard-text") or "").split()
                 if w.startswith(("http://", "https://"))]
        value = found[0] if len(found) == 1 else None
    else:  # data-url and friends are everywhere (cards, lazy loaders); only a copy control counts
        if not _is_copy_control(node):
            return None
        value = attrs.get("data-url")
    value = (value or "").strip()
    if not value.startswith(("http://", "https://", "//", "/")) or any(c.isspace() for c in value):
        return None
    if in_region(node, _MEDIA_WORDS) or is_hidden(node) or any(
            p.tag in ("figure", "video", "audio") or (p.tag == "form" and _submits(p))
            for p in ancestors(node)):
        return None  # a media player's or a real form's field, or nothing a reader sees
    return _web_url(doc, value)


def _is_shortlink(url: str) -> bool:
    """A post-id address such as WordPress's `https://site/?p=123`: a shortlink, not a permalink."""
    parts = urlsplit(url)
    if parts.path not in ("", "/"):
        return False
    try:
        params = parse_qsl(parts.query)
    except ValueError:
        return False
    return len(params) == 1 and params[0][0] in ("p", "page_id") and params[0][1].isdigit()


def _submits(form: LexborNode) -> bool:
    """Whether a form sends something (a submit control or a textarea to fill in)."""
    return form.css_first('[type=submit], button:not([type]), textarea:not([readonly])') is not None


def _is_copy_control(node: LexborNode) -> bool:
    """A button or link whose class, id or data attributes say copy/clipboard."""
    words = set(markup_words(node))
    for name in node.attributes:
        if name.startswith("data-"):
            words.update(name_words(name[5:]))
    return not words.isdisjoint(("copy", "clipboard"))


def _json_ld_url(doc: Document) -> str | None:
    """`mainEntityOfPage` or `url` of the page's article in JSON-LD, else of its WebPage."""
    items = json_ld_items(doc)
    for wanted in (("Article", "BlogPosting", "Report"), ("WebPage",)):
        for item in items:
            if not is_type(item, *wanted):
                continue
            for key in ("mainEntityOfPage", "url", "@id"):
                value = item.get(key)
                if isinstance(value, dict):
                    value = value.get("@id") or value.get("url")
                if isinstance(value, str):  # without its fragment: '…/post/#webpage'
                    url = _web_url(doc, value.split("#")[0])
                    if url:
                        return url
    return None


def _shared_by_buttons(doc: Document) -> str | None:
    """The page URL that share buttons hand to their services (`sharer.php?u=...`)."""
    page = None
    for anchor in doc.tree.css("a[href*=share i], a[href*=intent i], a[href*=submit i], "
                               "a[href*=send i], a[href*=pin i], a[href*=save i]"):
        href = anchor.attributes.get("href") or ""
        if not any(service in href for service in _SHARE_SERVICES):
            continue
        try:
            params = parse_qsl(urlsplit(href).query)
        except ValueError:
            continue
        for name, value in params:
            if name.lower() in _SHARED_URL_PARAMS:
                candidate = value.strip().split()[-1] if value.strip() else ""
                url = _web_url(doc, candidate) if candidate.startswith(("http://", "https://")) else None
                if url is None:
                    continue
                page = page or PageAddress(doc.address)
                if page.same_site(url):
                    return url
    return None
