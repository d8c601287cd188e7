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
# /search/label/x, Drupal's /taxonomy/term/12 (optionally paged): the directory before the
# last segment.
_LISTING_DIRECTORIES = frozenset((
    "tag", "tags", "category", "categories", "topic", "topics", "author", "authors", "label",
    "kategorie", "kategoria", "categoria", "categorie", "rubrique", "rubrik", "rubrika",
    "schlagwort", "etiqueta", "tema", "temat", "theme", "thema", "term"))
# A link with a path from a host (`https://host/…`, `//host/…`) or from the root (`/…`):
# host (without port), path, query.
_LINK = re.compile(r"(?:(?:https?:)?//([a-zA-Z0-9.-]+)(?::\d*)?)?(/[^?#\s]*|(?=[?#]|$))"
                   r"(?:\?([^#\s]*))?(?:#\S*)?\Z")
_NOT_WEB = re.compile(r"(?:javascript|mailto|tel|data|sms|callto|whatsapp|fb-messenger):", re.I)
_ID = re.compile(r"\d{5,}")  # a number longer than a year
_PAGE_PARAMS = frozenset(("page", "paged", "pg", "seite", "pagina", "strana", "strona",
                          "start", "offset", "cpage", "pagenum", "pageno", "page_no", "pn"))
# A page number in a query: '2', or Drupal's one per pager on the page, '0,1' ('0,,1').
_PAGE_NUMBER = re.compile(r"\d+(?:,+\d+)*")


def origin_of(url: str | None) -> str | None:
    """'https://host:port' of a plain web address (no user), else None."""
    plain = _PLAIN_ORIGIN.match(url or "")
    return plain.group(0) if plain else None


def plain_absolute(origin: str | None, href: str) -> str | None:
    """`href` made absolute by string work alone, where that is exact: a plain web address
    as it stands, or a path from the root joined to `origin` (the page's base); None when
    it takes a full resolution (relative paths, dot segments, spaces, odd schemes)."""
    if "/." in href or not href.isprintable() or " " in href:
        return None
    if href.startswith(("https://", "http://")):
        return href if _PLAIN_HOST.match(href) else None
    if origin and href.startswith("/") and not href.startswith("//") and "\\" not in href:
        return origin + href
    return None


def without_fragment(href: str) -> str:
    """The document a link leads to: '…/story/#comments' is '…/story/'."""
    return href.split("#", 1)[0]


# The host of a plain web address (no user, no IPv6), read without parsing the whole URL.
_PLAIN_HOST = re.compile(r"https?://([a-z0-9.-]+)(?::\d*)?(?:[/?#]|$)", re.I)
_PLAIN_URL = re.compile(r"(https?)://([a-zA-Z0-9.-]+(?::\d*)?)([^?#\s]*)(?:\?([^#\s]*))?(?:#(\S*))?\Z")
_PLAIN_ORIGIN = re.compile(r"https?://[a-z0-9.-]+(?::\d+)?(?=[/?#]|$)", re.I)


@lru_cache(maxsize=1024)  # a page asks about the same few hosts hundreds of times
def site_of(url: str | None) -> str:
    """The host without `www.` and port: the unit a site spans for same-site checks."""
    plain = _PLAIN_HOST.match(url or "")
    if plain:
        host = plain.group(1).lower()
    else:
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

    @property
    def first_page(self) -> str:
        """The path without a page number: /article on /article/2 (else the path itself)."""
        return _SMALL_PAGE_SUFFIX.sub("", self.path + "/")


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
        # What `_on_site` asks of a host, asked of every link: is it a sub-domain of one of
        # the sites (ends with '.site'), or one above one of them (what follows a dot in it)?
        self._below = tuple(f".{site}" for site in self.sites)
        self._above = {site[i + 1:] for site in self.sites for i in _places(site, ".")}
        # Asked of every link: this page (site, path, query), and the sections above it
        # (site, path of a directory it is in).
        self._selves = {(own.site, own.path, own.query) for own in self._own}
        self._sections = {(own.site, own.path[:i]) for own in self._own
                          for i in _places(own.path, "/") if i}
        self._first_pages = [(own, own.first_page) for own in self._own]
        self._shapes = {_shape(own.path) for own in self._own}
        self._origin = next(filter(None, map(origin_of, urls)), None)
        self._articles: dict[tuple[str, bool], bool] = {}  # a page asks about a link many times
        # The page numbers this page's own addresses carry ('?page=1' on page 1 of a listing
        # or in a news site's article addresses): links carrying the same are no other page.
        self._own_pages = {(name.lower(), value) for own in self._own if own.query
                           for name, value in parse_qsl(own.query)}

    def same_site(self, href: str) -> bool:
        """Whether `href` is on this page's site (sub-domains count); True when none is known."""
        return self._on_site(site_of(href))

    def on_own_host(self, href: str) -> bool:
        """Whether `href` is on one of this page's own hosts (`www.` aside), not another
        sub-domain of the site; True when none is known."""
        return not self.sites or site_of(href) in self.sites

    def _on_site(self, host: str) -> bool:
        if not self.sites or host in self.sites:
            return True
        return host.endswith(self._below) or host in self._above

    def is_article(self, href: str | None, other_sites: bool = False) -> bool:
        """Whether an absolute `href` may lead to another article: a web address that is not
        this page nor a page of it, not a section above it, the home page or a tag/category
        listing, and (unless `other_sites`) on this site."""
        if not href or not href.startswith(("http://", "https://")):
            return False
        known = self._articles.get((href, other_sites))
        if known is None:
            known = self._articles[href, other_sites] = self._weigh(href, other_sites)
        return known

    def _weigh(self, href: str, other_sites: bool) -> bool:
        parts = _split(href)
        if parts is None:
            return False
        site = site_of(href)
        if not other_sites and not self._on_site(site):
            return False
        path, query = parts.path.rstrip("/"), parts.query
        return not (self._is_self(site, path, query) or self._is_section(site, path, query)
                    or _listing_path(parts.path) or self._pages(href, parts, site, path))

    def article_key(self, href: str) -> str | None:
        """A first look at a link as written, by string work alone (a page holds hundreds):
        None when it surely leads to no other article of the site (a fragment, a script, a
        mail address, another site, the home page, this page, a section above it, a
        listing), else a key its spellings share (absolute or from the root, `www.` or not,
        any fragment). A path from the root is taken on this page's site; a relative one
        may be anything and is its own key. Pages of this one are told by `is_article`,
        once the link is resolved."""
        plain = _LINK.match(href.strip())
        if plain is None:  # no path from a host or from the root
            href = href.strip()
            if not href or href[0] == "#" or _NOT_WEB.match(href):
                return None
            return without_fragment(href)
        host, path, query = plain.groups("")
        if not host:  # on the site of the address links resolve against, the first given
            site = self._own[0].site if self._own else ""
        else:
            site = host.lower()
            site = site[4:] if site.startswith("www.") else site
            if self.sites and site not in self.sites and not (
                    site.endswith(self._below) or site in self._above):
                return None  # (`_on_site`, spelled out: asked of every link)
        trimmed = path.rstrip("/")  # (this page or a section above it: _is_self, _is_section)
        if (site, trimmed, query) in self._selves or (
                (site, trimmed) in self._sections if trimmed else not query):
            return None
        return None if _listing_path(path) else f"{site}{path}?{query}"

    def is_self(self, href: str) -> bool:
        """Whether `href` is this very page (scheme, `www.`, trailing slash and fragment aside)."""
        parts = _split(href)
        return parts is not None and self._is_self(site_of(href), parts.path.rstrip("/"),
                                                   parts.query)

    def _is_self(self, site: str, path: str, query: str) -> bool:
        return (site, path, query) in self._selves

    def is_section(self, href: str) -> bool:
        """Whether `href` is the home page or a section above this page (/science above
        /science/2019/11/8/...): a listing, never another article."""
        parts = _split(href)
        return parts is not None and self._is_section(site_of(href), parts.path.rstrip("/"),
                                                      parts.query)

    def _is_section(self, site: str, path: str, query: str) -> bool:
        if not path:
            return not query
        return (site, path) in self._sections

    def same_shape(self, href: str) -> bool:
        """Whether `href`'s path is shaped like this page's, as a sibling article's is: as
        many segments, numbers in the same ones (/2025/03/slug/ and /2025/02/other/), and
        an id in the last one where the page has one (/news-275350-slug, not /news.html)."""
        parts = _split(href)
        if parts is None:
            return False
        return _shape(parts.path) in self._shapes

    @staticmethod
    def is_listing(href: str) -> bool:
        """Whether `href` is a tag, category or author listing (by the CMS's URL convention)."""
        parts = _split(href)
        return parts is not None and _listing_path(parts.path)

    def is_pagination(self, href: str) -> bool:
        """Whether `href` pages through comments, a listing, or this article itself.

        Page 2 of this article (`/article/2/`, `?page=2`) is pagination; so is
        `/comment-page-2/` or `?cpage=2` anywhere, and a listing's `/page/2/`.
        """
        parts = _split(href)
        return parts is not None and self._pages(href, parts, site_of(href),
                                                 parts.path.rstrip("/"))

    def _pages(self, href: str, parts: SplitResult, site: str, path: str) -> bool:
        if parts.query and "=" in parts.query and self._numbers_a_page(parts.query):
            return True
        lowered = href.lower()
        if ("comment" in lowered or "cp" in lowered) and _COMMENT_PAGE.search(href):
            return True
        if "/page/" in lowered and _LISTING_PAGE.search(parts.path):
            return True
        for own, base in self._first_pages:
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
            if base and base != own.path and (path == base or (
                    path.startswith(base + "/")
                    and _SMALL_PAGE_SUFFIX.fullmatch(path[len(base):] + "/"))):
                return True
        return False

    def _numbers_a_page(self, query: str) -> bool:
        """Whether a query asks for a numbered page ('?page=2', '?page=0,1') that this page
        is not: a page of a listing, a feed or this article, never another article (articles
        are not addressed by a page number)."""
        for name, value in parse_qsl(query):
            name = name.lower()
            if name in _PAGE_PARAMS and _PAGE_NUMBER.fullmatch(value) and (
                    name, value) not in self._own_pages:
                return True
        return False


def _places(text: str, char: str) -> list[int]:
    """Where `char` stands in `text`, found by `str.find` (a loop over a long path's
    characters cost a third of building a `PageAddress`)."""
    places, i = [], text.find(char)
    while i != -1:
        places.append(i)
        i = text.find(char, i + 1)
    return places


@lru_cache(maxsize=1024)  # one page's links; kept small, as it lives as long as a crawl
def _split(url: str | None) -> SplitResult | None:
    if not url:
        return None
    plain = _PLAIN_URL.match(url)
    if plain:  # what urlsplit gives, read in one go (pages hold hundreds of links)
        return SplitResult(plain[1], plain[2], plain[3], plain[4] or "", plain[5] or "")
    try:
        return urlsplit(url)
    except ValueError:
        return None


def _listing_path(path: str) -> bool:
    """Whether a path is that of a tag, category or author listing (or a page of one)."""
    segments = path.lower().strip("/").split("/")
    if "" in segments:  # (a path of '//', or the root's)
        segments = [segment for segment in segments if segment]
    if len(segments) >= 4 and segments[-2] == "page" and segments[-1].isdigit():
        segments = segments[:-2]  # a page of the listing
    return len(segments) >= 2 and segments[-2] in _LISTING_DIRECTORIES


def _shape(path: str) -> tuple[bool, ...]:
    """For each segment of a path, whether it is a number; and whether the last holds an id."""
    segments = path.strip("/").split("/")
    return (*(segment.isdigit() for segment in segments), bool(_ID.search(segments[-1])))


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
