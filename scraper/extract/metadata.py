"""Article metadata: authors, dates, language, site name, description, tags, main image.

Read from what the page declares, strongest source first: JSON-LD (an Article,
NewsArticle, BlogPosting... item, also inside @graph, with authors given as
names, objects, lists or @id references), then OpenGraph and article:* tags,
Twitter cards, plain <meta name>, microdata (itemprop), <time datetime> and
<html lang>. Dates come out as ISO 8601. It never guesses from the visible
text: a value the page does not declare stays empty (the language included).
"""
from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any, Iterable, Iterator, NamedTuple

from ._byline import SiteKeys, clean_names, is_site, name_key, site_keys
from ._index import page_index
from ._jsonld import BROKEN, parsed_json
from ._links import site_of
from .document import Document, text_of

# JSON-LD types that are an article (schema.org's Article and its subtypes).
_ARTICLE_TYPES = frozenset((
    "article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
    "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "askpublicnewsarticle",
    "liveblogposting", "techarticle", "scholarlyarticle", "report",
    "socialmediaposting", "satiricalarticle", "advertisercontentarticle", "review",
    "discussionforumposting", "medicalscholarlyarticle", "apireference",
))
_PAGE_TYPES = frozenset(("webpage", "itempage", "collectionpage", "profilepage", "qapage"))

# <meta> keys, best first, for each field.
_PUBLISHED = ("article:published_time", "og:article:published_time", "datepublished",
              "publishdate", "publish-date", "pubdate", "date", "dc.date.issued", "dcterms.issued",
              "dc.date", "dcterms.date", "dc.date.created", "dcterms.created", "sailthru.date",
              "parsely-pub-date", "citation_publication_date", "citation_date", "og:published_time",
              "article.published", "published_time", "release_date")
_MODIFIED = ("article:modified_time", "og:article:modified_time", "datemodified", "og:updated_time",
             "dc.date.modified", "dcterms.modified", "last-modified", "lastmod",
             "article.updated", "modified_time")
_AUTHOR = ("author", "article:author", "dc.creator", "dcterms.creator", "sailthru.author",
           "parsely-author", "citation_author", "byl")
_DESCRIPTION = ("description", "og:description", "twitter:description", "dc.description",
                "dcterms.description")
_SITE_NAME = ("og:site_name", "application-name", "apple-mobile-web-app-title")
_IMAGE = ("og:image", "og:image:secure_url", "og:image:url", "twitter:image", "twitter:image:src",
          "image", "thumbnailurl")
_TAGS = ("article:tag", "news_keywords", "keywords", "parsely-tags", "sailthru.tags")
_SECTION = ("article:section", "parsely-section", "category")
_LANGUAGE = ("content-language", "language", "dc.language")
_LOCALE = ("og:locale",)
# The <meta> keys some field reads: a page's other <meta>s (viewport, robots, image sizes...)
# are not kept.
_META_KEYS = frozenset(_PUBLISHED + _MODIFIED + _AUTHOR + _DESCRIPTION + _SITE_NAME + _IMAGE
                       + _TAGS + _SECTION + _LANGUAGE + _LOCALE)

# Microdata properties read (others, such as articleBody, are not metadata).
_ITEMPROPS = frozenset(("datepublished", "datemodified", "author", "creator", "keywords", "image",
                        "description"))

_METADATA_NODES = ("meta[content], script[type], time[datetime], [itemprop], "
                   "link[rel~=image_src], a[rel~=author]")
# The body's JSON-LD scripts come from the page's index (_index), found in the pass the
# other parts make: one selector less on the walk of the whole body.
_BODY_NODES = "meta[content], time[datetime], [itemprop], link[rel~=image_src], a[rel~=author]"


@dataclass
class Metadata:
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    modified: str | None = None
    language: str | None = None
    site_name: str | None = None
    description: str | None = None
    tags: list[str] = field(default_factory=list)
    image: str | None = None


@dataclass
class _Declared:
    """What the page declares in its metadata elements."""

    meta: dict[str, list[str]] = field(default_factory=dict)  # <meta> key (_META_KEYS) -> values
    items: dict[str, list[str]] = field(default_factory=dict)  # itemprop -> values
    ld: list[dict] = field(default_factory=list)  # JSON-LD objects, @graph members included
    times: list[str] = field(default_factory=list)  # <time datetime> values
    rel_authors: list[str] = field(default_factory=list)
    image_src: str | None = None
    lang: str | None = None
    head_scripts: set[int] = field(default_factory=set)  # the JSON-LD scripts read in the head
    author_scope: int | None = None  # the microdata item the authors read belong to (see _scope)
    # The site's keys (see _site), with the names they were made from.
    site: tuple[tuple[str, ...], SiteKeys] | None = None

    def first(self, keys: Iterable[str]) -> str | None:
        for key in keys:
            values = self.meta.get(key)
            if values:
                return values[0]
        return None


def extract_metadata(doc: Document) -> Metadata:
    found, summary = _declared(doc)
    article, by_id, site, authors, published = summary
    return Metadata(
        authors=authors,
        published=published,
        modified=_modified(article, found),
        language=_language(found, article),
        site_name=_site_name(article, by_id, found),
        description=_plain(found.first(_DESCRIPTION) or _clean(article.get("description"))
                           or _first(found.items.get("description"))),
        tags=_tags(article, found, site),
        image=_image(doc, found, article, by_id),
    )


class _Summary(NamedTuple):
    """What the declared metadata says of the article: worked out once, it both decides
    whether the body is read and gives the result."""

    article: dict  # the JSON-LD article ({} when none)
    by_id: dict[str, dict]  # the JSON-LD items by @id
    site: SiteKeys  # the keys of the site's names (see _byline.site_keys)
    authors: list[str]
    published: str | None


def _summary(doc: Document, found: _Declared) -> _Summary:
    article = _ld_article(found.ld)
    by_id = {item["@id"]: item for item in found.ld if isinstance(item.get("@id"), str)}
    site = _site(doc, found, article, by_id)
    return _Summary(article, by_id, site, _authors(article, by_id, found, site),
                    _published(article, found))


def _site(doc: Document, found: _Declared, article: dict, by_id: dict[str, dict]) -> SiteKeys:
    """The keys of the names the site goes by (see _byline.site_keys)."""
    names = tuple(name for k in _SITE_NAME for name in found.meta.get(k, ())) \
        + tuple(_ld_names(article.get("publisher"), by_id))
    if found.site is not None and found.site[0] == names:  # (asked again after the body is read)
        return found.site[1]
    keys = site_keys(names, site_of(doc.address) or None)
    found.site = (names, keys)
    return keys


def _published(article: dict, found: _Declared) -> str | None:
    declared = (article.get("datePublished"), article.get("dateCreated"), found.first(_PUBLISHED),
                *found.items.get("datepublished", ()))
    # (A later <time> may be a comment's: only the first one makes a date more precise.)
    return _precise(_first_date(*declared, *found.times), (*declared, *found.times[:1]))


def _modified(article: dict, found: _Declared) -> str | None:
    declared = (article.get("dateModified"), found.first(_MODIFIED),
                *found.items.get("datemodified", ()))
    return _precise(_first_date(*declared), declared)


_OFFSET = re.compile(r"[+-]\d\d:\d\d$")


def _precise(date: str | None, values: tuple) -> str | None:
    """`date` as the most precise source giving the same moment says it: a day alone takes
    the time another gives that day (not midnight: a day written as a time), a time without
    its offset the offset another gives that same time."""
    if date is None or (len(date) > 10 and _OFFSET.search(date)):
        return date
    for value in values:
        precise = _iso_date(value)
        if not precise or len(precise) == 10:
            continue
        if len(date) == 10:
            if precise.startswith(date) and precise[11:19] != "00:00:00":
                return precise
        elif precise[:19] == date[:19] and _OFFSET.search(precise):
            return precise
    return date


def _declared(doc: Document) -> tuple[_Declared, _Summary]:
    """What the head declares, and what the body does when the head names no author or date;
    with its summary.

    Reading the head alone is several times cheaper than walking the whole page.
    """
    found = _Declared()
    tree = doc.tree
    if tree.root is not None:
        found.lang = _clean(tree.root.attributes.get("lang"))
    if tree.head is not None:
        _read(doc, found, tree.head.css(_METADATA_NODES))
    summary = _summary(doc, found)
    if tree.body is not None and not (summary.authors and summary.published is not None):
        _read(doc, found, tree.body.css(_BODY_NODES))
        found.ld.extend(_body_ld(doc, found))
        summary = _summary(doc, found)
    elif not any(_types(item) & _ARTICLE_TYPES for item in found.ld):
        # The article's JSON-LD may sit in the body (a theme prints it with the post), and
        # it outweighs the head's <meta>s.
        body_ld = _body_ld(doc, found)
        if any(_types(item) & _ARTICLE_TYPES for item in body_ld):
            found.ld.extend(body_ld)
            summary = _summary(doc, found)
    return found, summary


def _body_ld(doc: Document, found: _Declared) -> list[dict]:
    """The JSON-LD objects of the scripts outside the head, in page order."""
    return [item for script in page_index(doc).json_ld if script.mem_id not in found.head_scripts
            for item in _ld_objects(doc, script.text())]


def _read(doc: Document, found: _Declared, nodes: list) -> None:
    for node in nodes:
        tag = node.tag
        attrs = node.attributes
        if tag == "meta":
            key = attrs.get("property") or attrs.get("name") or attrs.get("itemprop") \
                or attrs.get("http-equiv")
            if key:
                key = key.strip().lower()
                if key in _META_KEYS:
                    value = _clean(attrs.get("content"))
                    if value:
                        found.meta.setdefault(key, []).append(value)
            continue
        if tag == "script":
            if (attrs.get("type") or "").strip().lower().startswith("application/ld+json"):
                found.ld.extend(_ld_objects(doc, node.text()))
                found.head_scripts.add(node.mem_id)
            continue
        if tag == "time" and attrs.get("datetime"):
            found.times.append(attrs["datetime"])
        if tag == "link":
            found.image_src = found.image_src or _clean(attrs.get("href"))
            continue
        if tag == "a" and "author" in (attrs.get("rel") or "").split():
            if _scope(node) is not _FOREIGN:
                found.rel_authors.append(text_of(node))
        props = [name for name in (attrs.get("itemprop") or "").lower().split()
                 if name in _ITEMPROPS]
        if props:
            if "author" in props or "creator" in props:
                # Only one item's authors: a related post's or a comment's are not the page's.
                scope = _scope(node)
                if scope is _FOREIGN or found.author_scope not in (None, scope):
                    continue
                found.author_scope = scope
            value = _item_value(node, attrs)
            if value:
                for name in props:
                    found.items.setdefault(name, []).append(value)


_FOREIGN = -1  # (the scope of what belongs to another article)


def _scope(node) -> int:
    """The microdata item an element's property belongs to (its nearest ancestor with
    `itemscope`; 0 for the page), or _FOREIGN when it lies in another article than the page's:
    an <aside> (HTML: content aside from the article, such as related posts) or an <article>
    inside another (HTML: a comment, an embedded or related post)."""
    scope = 0
    articles = 0
    parent = node.parent
    while parent is not None and parent.tag != "body":
        tag = parent.tag
        if tag == "aside":
            return _FOREIGN
        if tag == "article":
            articles += 1
            if articles > 1:
                return _FOREIGN
        if not scope and "itemscope" in parent.attrs:
            scope = parent.mem_id
        parent = parent.parent
    return scope


def _item_value(node, attrs: dict[str, str | None]) -> str | None:
    """A microdata property's value, as the microdata spec reads it from each element."""
    for name in ("content", "datetime", "href", "src"):
        value = _clean(attrs.get(name))
        if value:
            return value
    if "itemscope" in attrs:  # a Person or Organization: its name
        name = node.css_first("[itemprop~=name]")
        return _clean(attrs.get("content")) if name is None else (
            _clean(name.attributes.get("content")) or text_of(name) or None)
    text = text_of(node)
    return text if 0 < len(text) <= 300 else None


# --- JSON-LD -----------------------------------------------------------------------------

_TRAILING_COMMA = re.compile(r",\s*([\]}])")


def _ld_objects(doc: Document, text: str) -> list[dict]:
    """Every object in one JSON-LD script, @graph members and nested lists flattened."""
    data = parsed_json(doc, text)  # (what JSON parses strictly, this reads the same)
    if data is BROKEN:
        data = _lenient_json(text)
        if data is BROKEN:
            return []
    objects: list[dict] = []
    pending: list[Any] = [data]
    while pending and len(objects) < 500:
        item = pending.pop()
        if isinstance(item, list):
            pending.extend(reversed(item))
        elif isinstance(item, dict):
            objects.append(item)
            graph = item.get("@graph")
            if isinstance(graph, (list, dict)):
                pending.append(graph)
    return objects


def _lenient_json(text: str) -> Any:
    """JSON as hand-written JSON-LD has it: in an HTML comment, with control characters
    in strings or trailing commas; BROKEN when even so it is none."""
    text = text.strip()
    if text.startswith("<!--"):
        text = text[4:].rsplit("-->", 1)[0]
    try:
        return json.loads(text, strict=False)
    except RecursionError:  # nested deeper than Python's stack: no metadata there
        return BROKEN
    except ValueError:
        try:  # hand-written JSON-LD often has trailing commas
            return json.loads(_TRAILING_COMMA.sub(r"\1", text), strict=False)
        except (ValueError, RecursionError):
            return BROKEN


def _types(item: dict) -> set[str]:
    kind = item.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.rsplit("/", 1)[-1].lower() for k in kinds if isinstance(k, str)}


def _ld_article(items: list[dict]) -> dict:
    """The article item; a web page item when there is none (it often has the dates)."""
    page = None
    for item in items:
        kinds = _types(item)
        if kinds & _ARTICLE_TYPES:
            return item
        if page is None and kinds & _PAGE_TYPES:
            page = item
    return page or {}


def _resolve(value: Any, by_id: dict[str, dict]) -> Any:
    if (isinstance(value, dict) and set(value) <= {"@id", "@type"}
            and isinstance(value.get("@id"), str) and value["@id"] in by_id):
        return by_id[value["@id"]]
    return value


def _ld_names(value: Any, by_id: dict[str, dict]) -> list[str]:
    names = []
    for item in value if isinstance(value, list) else [value]:
        item = _resolve(item, by_id)
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, list):
            name = name[0] if name else None
        name = _clean(name)
        if name and not _is_url(name):
            names.append(name)
    return names


def _ld_url(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("url") or value.get("contentUrl") or value.get("@id")
    return _clean(value)


# --- fields ------------------------------------------------------------------------------

def _authors(article: dict, by_id: dict[str, dict], found: _Declared,
             site: SiteKeys) -> list[str]:
    """The first source's authors, their names cleaned (see _byline). The site's own name
    given as the author is no one's; a source that names only the site gives way to the next.
    A name the JSON-LD declares a Person stays, a blogger may sign with the blog's name; but
    not the name of the Organization it declares the publisher."""
    persons: set[str] | None = None
    for names in _author_sources(article, by_id, found):
        seen: set[str] = set()
        unique = []
        for declared in names:
            for name in clean_names(declared, site):
                if name.lower() in seen or len(name) > 200:
                    continue
                if is_site(name, site):
                    key = name_key(name)
                    if persons is None:
                        persons = _persons(article, by_id)
                    if key not in site or key not in persons:  # ('Blog Name GmbH' is no blogger)
                        continue
                seen.add(name.lower())
                unique.append(name)
        if unique:
            return unique
    return []


def _persons(article: dict, by_id: dict[str, dict]) -> set[str]:
    """The keys of the authors the JSON-LD declares a Person and not also the publisher."""
    persons = {name_key(name) for item in _ld_items(article.get("author"), by_id)
               if "person" in _types(item) for name in _ld_names(item, by_id)}
    if persons:
        publisher = article.get("publisher")
        publishers = publisher if isinstance(publisher, list) else [publisher]
        persons -= {name_key(name) for item in publishers
                    if not (isinstance(item, dict) and "person" in _types(_resolve(item, by_id)))
                    for name in _ld_names(item, by_id)}
    return persons


def _author_sources(article: dict, by_id: dict[str, dict], found: _Declared) -> Iterator[list[str]]:
    """The author names of each source that declares some, strongest first."""
    if "author" in article:
        yield _ld_names(article["author"], by_id)
    if "creator" in article:
        yield _ld_names(article["creator"], by_id)
    meta = found.meta
    for key in _AUTHOR:
        if key in meta:
            yield [value for value in meta[key] if not _is_url(value)]
    items = found.items
    for key in ("author", "creator"):
        if key in items:
            yield items[key]
    yield found.rel_authors


def _ld_items(value: Any, by_id: dict[str, dict]) -> list[dict]:
    items = (_resolve(item, by_id) for item in (value if isinstance(value, list) else [value]))
    return [item for item in items if isinstance(item, dict)]


def _language(found: _Declared, article: dict) -> str | None:
    lang = found.lang or found.first(_LANGUAGE) or found.first(_LOCALE) \
        or _clean(article.get("inLanguage"))
    # A locale's 'de_AT' is the language tag 'de-AT' (BCP 47), wherever it is written.
    return lang.split(",")[0].strip().replace("_", "-") or None if lang else None


def _image(doc: Document, found: _Declared, article: dict, by_id: dict[str, dict]) -> str | None:
    """The article's image: not the publisher's logo, which some templates give as the
    page's image when the article has none of its own."""
    image = found.first(_IMAGE) or _ld_url(article.get("image")) \
        or _first(found.items.get("image")) or found.image_src
    if image is None or not found.ld:  # (no JSON-LD, no logo declared)
        return doc.absolute(image)
    logos = _logos(article, by_id, found)
    for candidate in (image, _ld_url(article.get("image")), _first(found.items.get("image")),
                      found.image_src):
        if candidate and (not logos or candidate not in logos
                          and doc.absolute(candidate) not in logos):
            return doc.absolute(candidate)
    return None


def _logos(article: dict, by_id: dict[str, dict], found: _Declared) -> set[str]:
    """The logos the JSON-LD declares (an Organization's, the publisher's), as written."""
    logos = set()
    for item in (*found.ld, *_ld_items(article.get("publisher"), by_id)):
        logo = item.get("logo")
        if logo:
            url = _ld_url(logo)
            if url:
                logos.add(url)
    return logos


def _site_name(article: dict, by_id: dict[str, dict], found: _Declared) -> str | None:
    for key in _SITE_NAME:
        for name in found.meta.get(key, ()):
            if not _is_url(name):
                return name
    publisher = _ld_names(article.get("publisher"), by_id)
    return publisher[0] if publisher else None


def _tags(article: dict, found: _Declared, site: SiteKeys) -> list[str]:
    values: list[str] = []
    for key in _TAGS:
        values.extend(found.meta.get(key, ()))
    keywords = article.get("keywords")
    values.extend(keywords if isinstance(keywords, list) else [keywords] if keywords else [])
    values.extend(found.items.get("keywords", ()))
    for key in _SECTION:
        values.extend(found.meta.get(key, ()))
    section = article.get("articleSection")
    values.extend(section if isinstance(section, list) else [section] if section else [])
    tags: list[str] = []
    seen: set[str] = set()
    initials = site.initials
    for value in values:
        if not isinstance(value, str):
            continue
        if "&" in value:
            value = html.unescape(value)
        for tag in value.split(","):
            tag = " ".join(tag.split())
            if not tag or len(tag) > 100:
                continue
            folded = tag.lower()
            if folded in seen:
                continue
            first = folded[0]
            # (Most tags are words beginning with a letter none of the site's names begins with.)
            if not (first.isalpha() and first.isascii() and first not in initials
                    and "_" not in tag and ":" not in tag):
                if _machine_tag(tag) or not (tag[0].isalnum() or _HAS_ALNUM.search(tag)) \
                        or is_site(tag, site):
                    continue
            seen.add(folded)
            tags.append(tag)
    return tags


def _machine_tag(tag: str) -> bool:
    """A tag for the site's machinery rather than the reader: '@river', '_no-feed',
    '/article', '://about:blank', 'post-id:1913719', 'source:tagname:...', 'cat_neurology'.
    (A hashtag, '#climate', is a reader's tag.)"""
    return tag[0] in _MACHINE_STARTS or ("_" in tag and " " not in tag and tag[0] != "#") or (
        ":" in tag and _PREFIXED.match(tag) is not None)


_MACHINE_STARTS = frozenset("@_/:.\\|")
_PREFIXED = re.compile(r"[^\s:]+:[^\s:]")
_HAS_ALNUM = re.compile(r"[^\W_]")


# --- dates -------------------------------------------------------------------------------

_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})(?:T?(\d{2})(\d{2})(\d{2})?)?")


def _first_date(*values: Any) -> str | None:
    for value in values:
        date = _iso_date(value)
        if date:
            return date
    return None


def _iso_date(value: Any) -> str | None:
    """A date or date-time as ISO 8601, from the forms pages use; None when it is not one."""
    if isinstance(value, list):
        value = value[0] if value else None
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not value or len(value) > 64:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        parsed = None
    if parsed is None:
        try:
            parsed = parsedate_to_datetime(value)  # "Mon, 18 Nov 2019 19:09:03 GMT"
        except (TypeError, ValueError, IndexError, OverflowError):
            parsed = None
    if parsed is not None:
        return _format(parsed, has_time=len(value) > 10)
    match = _DATE.search(value) or (_COMPACT_DATE.fullmatch(value) if value.isdigit() else None)
    if match is None:
        return None
    year, month, day, hour, minute, second = (
        int(part) if part else None for part in match.groups())
    try:
        parsed = datetime(year, month, day, hour or 0, minute or 0, second or 0)
    except (TypeError, ValueError):
        return None
    return _format(parsed, has_time=hour is not None)


def _format(moment: datetime, has_time: bool) -> str | None:
    if not 1900 <= moment.year <= 2200:
        return None
    return moment.isoformat() if has_time else moment.date().isoformat()


# --- small helpers -----------------------------------------------------------------------

def _clean(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


_TAG = re.compile(r"<[^>]*>")


def _plain(value: str | None) -> str | None:
    """Text without the markup some sites leave in their descriptions."""
    return _clean(html.unescape(_TAG.sub(" ", value))) if value and "<" in value else value


def _first(values: list[str] | None) -> str | None:
    return values[0] if values else None


def _is_url(value: str) -> bool:
    return value.startswith(("http://", "https://", "//", "www."))
