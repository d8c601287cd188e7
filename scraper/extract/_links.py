"""What an href points at, relative to the page: same site, same document, its pagination.

Navigation must tell a link to another article from a link to page 2 of this one, to
page 2 of its comments, or to a listing's next page; share must tell the page's own
address from a foreign one. Both ask here. Pure string work on URLs: no tree, no I/O.
"""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

# A trailing path segment that pages through one document or a listing: /2/, /page/2/,
# /comment-page-2/, /seite-3, /strona/4 ...
_PAGE_SUFFIX = re.compile(r"/(?:[a-z]+[-_/])?\d{1,3}/?$")
_COMMENT_PAGE = re.compile(r"/comment-page-\d+|[?&]cpage=\d+|[?&](?:comments?_?page|cp)=\d+", re.I)
_LISTING_PAGE = re.compile(r"/page/\d+/?$", re.I)
# The same, with a page number short enough not to be an article id (/news/123/ is one).
_SMALL_PAGE_SUFFIX = re.compile(r"/(?:[a-z]+[-_/])?\d{1,2}/?$")
_PAGE_PARAMS = frozenset(("page", "paged", "pg", "seite", "pagina", "strana", "strona",
                          "start", "offset", "cpage", "pagenum", "pageno", "page_no", "pn"))


def site_of(url: str | None) -> str:
    """The host without `www.` and port: the unit a site spans for same-site checks."""
    try:
        host = (urlsplit(url or "").hostname or "").lower()
    except ValueError:
        return ""
    return host[4:] if host.startswith("www.") else host


def same_site(url: str, *others: str | None) -> bool:
    """Whether `url` is on the site of any of `others` (sub-domains count). True when none is known."""
    hosts = [site_of(other) for other in others if other]
    hosts = [host for host in hosts if host]
    if not hosts:
        return True
    host = site_of(url)
    return any(host == h or host.endswith("." + h) or h.endswith("." + host) for h in hosts)


def same_document(a: str | None, b: str | None) -> bool:
    """Whether two absolute URLs name the same document (scheme, `www.`, slash and fragment aside)."""
    return bool(a and b) and _key(a) == _key(b)


def _key(url: str) -> tuple[str, str, str]:
    try:
        parts = urlsplit(url)
    except ValueError:
        return ("", url, "")
    return (site_of(url), parts.path.rstrip("/") or "/", parts.query)


def is_pagination(href: str, *pages: str | None) -> bool:
    """Whether `href` pages through comments, a listing, or one of `pages` itself.

    `pages` are the page's own addresses (fetched URL, canonical). Page 2 of this article
    (`/article/2/`, `?page=2`) is pagination; so is `/comment-page-2/` or `?cpage=2`
    anywhere, and a listing's `/page/2/`.
    """
    if _COMMENT_PAGE.search(href) or _LISTING_PAGE.search(urlsplit(href).path):
        return True
    try:
        target = urlsplit(href)
    except ValueError:
        return False
    for page in pages:
        if not page:
            continue
        try:
            own = urlsplit(page)
        except ValueError:
            continue
        if site_of(href) != site_of(page):
            continue
        own_path, path = own.path.rstrip("/"), target.path.rstrip("/")
        if path == own_path:
            if target.query != own.query and _differs_by_page_number(target.query, own.query):
                return True
            continue
        if (own_path and path.startswith(own_path + "/")
                and _PAGE_SUFFIX.fullmatch(path[len(own_path):] + "/")):
            return True
        # On page 2 of an article, page 1 and page 3 are siblings: /article/1, /article/3.
        base = _SMALL_PAGE_SUFFIX.sub("", own_path + "/")
        if base and base != own_path and (path == base or (
                path.startswith(base + "/") and _SMALL_PAGE_SUFFIX.fullmatch(path[len(base):] + "/"))):
            return True
    return False


def _differs_by_page_number(query: str, own_query: str) -> bool:
    mine, theirs = dict(parse_qsl(own_query)), dict(parse_qsl(query))
    changed = {k for k in mine.keys() | theirs.keys() if mine.get(k) != theirs.get(k)}
    return bool(changed) and all(
        k.lower() in _PAGE_PARAMS and (theirs.get(k) or "").isdigit() for k in changed)
