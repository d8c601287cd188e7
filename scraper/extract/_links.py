"""What an href points at, relative to the page: same site, same document, its pagination.

Navigation must tell a link to another article from a link to page 2 of this one, to
page 2 of its comments, to a section above it or a listing's next page; share must tell
the page's own address from a foreign one. Both ask a `PageAddress`, built once per page
from its own URLs (as fetched, canonical...). Pure string work on URLs: no tree, no I/O.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import SplitResult, parse_qsl, urlsplit

# After an article's path: /2/, /page/2/, /seite-3 ... (a page of the same document)
_PAGE_SUFFIX = re.compile(r"/(?:[a-z]+[-_/])?\d{1,3}/?")
# The same, with a number short enough not to be an article id (/news/123/ is one).
_SMALL_PAGE_SUFFIX = re.compile(r"/(?:[a-z]+[-_/])?\d{1,2}/?$")
_COMMENT_PAGE = re.compile(r"/comment-page-\d+|[?&]cpage=\d+|[?&](?:comments?_?page|cp)=\d+", re.I)
_LISTING_PAGE = re.compile(r"/page/\d+/?$", re.I)
# A taxonomy listing by CMS convention: /tag/x/, /category/x/, /author/x/, Blogger's
# /search/label/x, Drupal's /taxonomy/term/12 (optionally paged).
_LISTING = re.compile(
    r"/(?:tags?|category|categories|topics?|authors?|label|kategorie|kategoria|categoria|"
    r"categorie|rubrique|rubrik|rubrika|schlagwort|etiqueta|tema|temat|theme|thema|term)"
    r"/[^/]+/?(?:page/\d+/?)?$", re.I)
_PAGE_PARAMS = frozenset(("page", "paged", "pg", "seite", "pagina", "strana", "strona",
                          "start", "offset", "cpage", "pagenum", "pageno", "page_no", "pn"))


def without_fragment(href: str) -> str:
    """The document a link leads to: '…/story/#comments' is '…/story/'."""
    return href.split("#", 1)[0]


@lru_cache(maxsize=1024)  # a page asks about the same few hosts hundreds of times
def site_of(url: str | None) -> str:
    """The host without `www.` and port: the unit a site spans for same-site checks."""
    try:
        host = (urlsplit(url or "").hostname or "").lower()
    except ValueError:
        return ""
    return host[4:] if host.startswith("www.") else host


@dataclass(frozen=True)
class _Own:
    site: str
    path: str  # without its trailing slash
    query: str


class PageAddress:
    """The addresses a page goes by, asked about the links found on it."""

    def __init__(self, *urls: str | None) -> None:
        self._own: list[_Own] = []
        for url in urls:
            parts = _split(url)
            if parts is not None and parts.hostname:
                own = _Own(site_of(url), parts.path.rstrip("/"), parts.query)
                if own not in self._own:
                    self._own.append(own)
        self.sites = {own.site for own in self._own}

    def same_site(self, href: str) -> bool:
        """Whether `href` is on this page's site (sub-domains count); True when none is known."""
        if not self.sites:
            return True
        host = site_of(href)
        return any(host == s or host.endswith("." + s) or s.endswith("." + host)
                   for s in self.sites)

    def is_article(self, href: str | None, other_sites: bool = False) -> bool:
        """Whether an absolute `href` may lead to another article: a web address that is not
        this page nor a page of it, not a section above it, the home page or a tag/category
        listing, and (unless `other_sites`) on this site."""
        if not href or not href.startswith(("http://", "https://")):
            return False
        if not other_sites and not self.same_site(href):
            return False
        return not (self.is_self(href) or self.is_pagination(href) or self.is_section(href)
                    or self.is_listing(href))

    def is_self(self, href: str) -> bool:
        """Whether `href` is this very page (scheme, `www.`, trailing slash and fragment aside)."""
        parts = _split(href)
        if parts is None:
            return False
        site, path = site_of(href), parts.path.rstrip("/")
        return any(o.site == site and o.path == path and o.query == parts.query for o in self._own)

    def is_section(self, href: str) -> bool:
        """Whether `href` is the home page or a section above this page (/science above
        /science/2019/11/8/...): a listing, never another article."""
        parts = _split(href)
        if parts is None:
            return False
        path = parts.path.rstrip("/")
        if not path and not parts.query:
            return True
        site = site_of(href)
        return bool(path) and any(o.site == site and o.path.startswith(path + "/")
                                  for o in self._own)

    @staticmethod
    def is_listing(href: str) -> bool:
        """Whether `href` is a tag, category or author listing (by the CMS's URL convention)."""
        parts = _split(href)
        return parts is not None and bool(_LISTING.search(parts.path))

    def is_pagination(self, href: str) -> bool:
        """Whether `href` pages through comments, a listing, or this article itself.

        Page 2 of this article (`/article/2/`, `?page=2`) is pagination; so is
        `/comment-page-2/` or `?cpage=2` anywhere, and a listing's `/page/2/`.
        """
        parts = _split(href)
        if parts is None:
            return False
        if _COMMENT_PAGE.search(href) or _LISTING_PAGE.search(parts.path):
            return True
        site, path = site_of(href), parts.path.rstrip("/")
        for own in self._own:
            if own.site != site:
                continue
            if path == own.path:
                if parts.query != own.query and _differs_by_page_number(parts.query, own.query):
                    return True
                continue
            if own.path and path.startswith(own.path + "/") and _PAGE_SUFFIX.fullmatch(
                    path[len(own.path):] + "/"):
                return True
            # On page 2 of an article, page 1 and page 3 are siblings: /article/1, /article/3.
            base = _SMALL_PAGE_SUFFIX.sub("", own.path + "/")
            if base and base != own.path and (path == base or (
                    path.startswith(base + "/")
                    and _SMALL_PAGE_SUFFIX.fullmatch(path[len(base):] + "/"))):
                return True
        return False


@lru_cache(maxsize=1024)  # one page's links; kept small, as it lives as long as a crawl
def _split(url: str | None) -> SplitResult | None:
    if not url:
        return None
    try:
        return urlsplit(url)
    except ValueError:
        return None


def _differs_by_page_number(query: str, own_query: str) -> bool:
    """Whether a query names another page of this one: it changes or drops page numbers
    only. Parameters it leaves out do not count ('?strona=2' from '?utm_source=fb')."""
    mine, theirs = dict(parse_qsl(own_query)), dict(parse_qsl(query))
    changed = {k for k in theirs if mine.get(k) != theirs[k]}
    if changed:
        return all(_is_page_param(k) and theirs[k].isdigit() for k in changed)
    dropped = set(mine) - set(theirs)
    return bool(dropped) and all(_is_page_param(k) for k in dropped)


def _is_page_param(name: str) -> bool:
    name = name.lower()
    return name in _PAGE_PARAMS or "page" in name
