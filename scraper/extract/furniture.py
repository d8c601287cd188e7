"""Page furniture: the parts of a page that are not the article.

Navigation, share widgets, related and 'read next' blocks, comments, cookie
banners, newsletter boxes, author boxes, footers, ads, picture captions,
hover cards, hidden elements. Told apart by markup only: tags, ARIA roles,
hidden state, and the words of class and id attributes, which are the
vocabulary of the markup whatever the language of the page. It must never
look at the text a reader sees.
"""
from __future__ import annotations

import re
from functools import lru_cache

from selectolax.lexbor import LexborNode

from ._markup import tag_ids



FURNITURE_TAGS = frozenset(("nav", "aside", "footer", "header", "form", "figcaption", "dialog",
                            "address"))
# What a CSS query needs to find every element `is_furniture` may accept.
CANDIDATES = ("[class], [id], [role], [hidden], [aria-hidden], [style], [itemprop], "
              + ", ".join(sorted(FURNITURE_TAGS)))
# Its attribute names a page may well lack (class, id and style nearly every page has): made
# known to the document before walks of CANDIDATES (see _markup.name_attributes).
RARE_CANDIDATE_ATTRIBUTES = ("role", "hidden", "aria-hidden", "itemprop")

# Their classes describe the page or the post (tags, categories, layout), never a widget.
_PAGE_TAGS = frozenset(("html", "body", "main", "article"))
# Words inside a sentence are the sentence's, whatever their link's class says ("textTag").
_WORDING_TAGS = frozenset(("a", "b", "strong", "em", "i"))
_FURNITURE_TAG_IDS = tag_ids(FURNITURE_TAGS)
_PAGE_TAG_IDS = tag_ids(_PAGE_TAGS)
_WORDING_TAG_IDS = tag_ids(_WORDING_TAGS)
_ROLES = frozenset(("navigation", "complementary", "contentinfo", "banner", "search", "dialog",
                    "alertdialog", "menu", "menubar", "toolbar", "tooltip"))
# Microdata properties that say who wrote the article and when: the byline, not the text.
_ABOUT_THE_ARTICLE = frozenset(("author", "creator", "publisher", "datepublished", "datemodified",
                                "datecreated", "dateline", "commentcount", "interactionstatistic"))
_LONGEST_NAMES = 2000  # characters of class, id and style read: real ones are far shorter
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)

# Words that name furniture anywhere in a class or id word ("inlinegallery", "rightsidebar"),
_ANYWHERE = ("gallery", "slideshow", "carousel", "lightbox", "sidebar", "newsletter", "breadcrumb",
             "outbrain", "taboola", "advert", "sponsored", "cookie", "metadata")
# at the start of one ("share-bar", "sidebar-left"),
_AT_START = (
    "share", "sharing", "social", "sociable", "addthis", "related", "recommend", "read-?more",
    "more-?(?:stories|articles|news)",
    "comment", "disqus", "respond", "subscri", "signup", "promo", "consent", "gdpr", "widget",
    "navbar", "navigation", "pagination", "pager", "masthead", "sponsor", "trending", "popular",
    "most-?read", "recirc", "teaser", "toolbar", "paywall", "login", "signin", "donate",
    "disclaimer", "author-?(?:bio|box|info)", "popup", "modal", "caption", "credit", "rollover",
    "tooltip", "popover", "hovercard")
# and short words only as a whole word: "nav" but not "navy", "tags" but not WordPress' "tag-x".
_WHOLE = ("nav", "menu", "footer", "ad", "ads", "banner", "tags", "byline", "also", "date",
          "dateline", "timestamp", "author", "meta", "print", "follow", "skip", "btn", "buttons?")
_WHOLE_TAG = "tag(?![a-z0-9-])"


def _by_first_letter(anywhere: tuple[str, ...], at_start: list[str]) -> str:
    """One alternation of the words, tried in this order at each place (the first that fits
    is the word found), grouped by their first letter: the regex engine tries every
    alternative at every character of a name; grouped, it tries each letter, then the words
    of that letter only. The start of a word is asked past its first letter: no letter or
    digit before it (`.`, which re.DOTALL lets be any character, is that first letter)."""
    branches = []
    for letter in dict.fromkeys(word[0] for word in (*anywhere, *at_start)):
        rests = [word[1:] for word in anywhere if word[0] == letter]
        starting = [word[1:] for word in at_start if word[0] == letter]
        if starting:
            rests.append(r"(?<![a-z0-9].)(?:" + "|".join(starting) + ")")
        branches.append(f"{letter}(?:{'|'.join(rests)})")
    return "|".join(branches)


_WORD = re.compile(_by_first_letter(
    _ANYWHERE, [*_AT_START, *(word + "(?![a-z0-9])" for word in _WHOLE), _WHOLE_TAG]), re.DOTALL)
# Words that name the article's own text, or posts embedded in it as quotes: with them,
# "l-sidebar-fixed l-article-body" is a layout around the article, "social-embed" a quoted tweet.
_ARTICLE_TEXT = re.compile(
    r"(?<![a-z0-9])(?:(?:article|entry|post|story)[_-]*(?:body|content|text)(?![a-z0-9])|embed)")
_CAMEL_HUMP = re.compile(r"(?<=[a-z])(?=[A-Z])")  # "newsCaption" is "news-caption"
# Classes that tell a state or a layout of the element, not what it is: "has-sidebar", "no-ads";
# and hooks for scripts, which tell what a script does with it: "js-lightbox-gallery".
_STATE = re.compile(r"(?<![a-z0-9])(?:has|with|no|is|show|hide|enable|disable|js)[_-][a-z0-9_-]*")


def is_furniture(node: LexborNode) -> bool:
    """Whether the element is furniture by its tag, hidden state, microdata, role or names."""
    return furniture_by(node) is not None


def furniture_by(node: LexborNode) -> str | None:
    """What makes the element furniture: "markup" (tag, hidden state, microdata, role),
    "names" (the words of its class and id), or None when it is not furniture.

    Names are the weaker sign: page builders call every block a 'widget', recipes 'print' steps.
    """
    tag = node.tag_id  # (the tests by number: this runs for most elements of a page)
    if tag in _FURNITURE_TAG_IDS:
        return "markup"
    if tag in _PAGE_TAG_IDS:
        return None
    attrs = node.attributes
    if not attrs:
        return None
    if "hidden" in attrs or attrs.get("aria-hidden") == "true":
        return "markup"
    style = attrs.get("style")
    if style and _HIDDEN_STYLE.search(style[:_LONGEST_NAMES]):
        return "markup"
    prop = attrs.get("itemprop")
    if prop and prop.lower() in _ABOUT_THE_ARTICLE:
        return "markup"
    if tag in _WORDING_TAG_IDS or prop == "articleBody":
        return None
    if attrs.get("role") in _ROLES:
        return "markup"
    names = _names(attrs)  # (as names_of, from the attributes already read)
    if len(names) > 2 and furniture_words(names):
        return "names"
    return None


@lru_cache(maxsize=4096)
def furniture_words(names: str) -> frozenset[str]:
    """The words of class and id that name furniture ("share", "widget"); none when a word
    names the article's own text.

    Cached: pages repeat their class names. Each class name and the id is read on its own
    (no word spans two), and cached too: a site repeats its classes in ever new lists.
    """
    found: set[str] = set()
    for name in names.split():
        words = _name_furniture_words(name)
        if words is None:
            return frozenset()
        found |= words
    return frozenset(found)


@lru_cache(maxsize=8192)
def _name_furniture_words(name: str) -> frozenset[str] | None:
    """The furniture words of one class name or id; None when it names the article's text."""
    lowered = name.lower()
    if lowered != name:  # (only a name with capitals has humps: most have none)
        lowered = _CAMEL_HUMP.sub("-", name).lower()
    if "-" in lowered or "_" in lowered:  # (a state is a word and more, joined by one)
        lowered = _STATE.sub(" ", lowered)
    if ("body" in lowered or "content" in lowered or "text" in lowered or "embed" in lowered) \
            and _ARTICLE_TEXT.search(lowered):  # (each of its matches holds one of them)
        return None
    return frozenset(_WORD.findall(lowered))


def names_of(node: LexborNode) -> str:
    """Class and id of the element, as `furniture_words` reads them."""
    return _names(node.attributes)


def _names(attrs: dict[str, str | None]) -> str:
    return f"{attrs.get('class') or ''} {attrs.get('id') or ''}"[:_LONGEST_NAMES]
