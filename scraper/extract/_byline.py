"""Author names as a reader files them, from what a page's metadata puts in its author fields.

A CMS often writes there what its byline shows around the name: a word introducing it
('By Jane Roe', 'von Jane Roe'), the outlet after it ('Jane Roe | The Daily Example',
'Jane Roe, example.com'), a handle or an e-mail address, even markup. These are cut by
their place and shape. The outlet itself given as the author (a site's account, its
newsroom as an Organization) names no one: it is no author.
"""
from __future__ import annotations

import html
import re
from typing import Iterable

from ._lexicon import fold

# Words that introduce a byline, in many languages; cut only before a capitalised name.
_BY_WORDS = frozenset("""
    by von par por door av af od przez от автор από tarafından oleh bởi
""".split())
_TAG = re.compile(r"<[^>]*>")
# Where a byline puts the outlet after the name.
_AFFILIATION = re.compile(r"\s+[|–—-]\s+|\s*[|,;]\s*|\s+/\s+")
_NOT_ALNUM = re.compile(r"[\W_]+")


def name_key(text: str) -> str:
    """A name's letters and digits, folded: 'STERN.de' and 'stern de' are one key."""
    return _NOT_ALNUM.sub("", fold(text))


class SiteKeys(frozenset):
    """The keys the site goes by, with their first letters (most names are told apart by
    these, without folding them)."""

    initials: frozenset[str]


def site_keys(names: Iterable[str], host: str | None) -> SiteKeys:
    """The keys the site goes by: its declared names and its host ('www.' dropped)."""
    keys = {name_key(name) for name in names}
    if host:
        keys.add(name_key(host.lower().removeprefix("www.")))
    site = SiteKeys(k for k in keys if len(k) >= 3)
    site.initials = frozenset(k[0] for k in site)
    return site


def clean_name(name: str, site: SiteKeys) -> str | None:
    """The person's name in an author field; None when nothing of a name is left."""
    if "<" in name:
        name = _TAG.sub(" ", name)
    if "&" in name:
        name = html.unescape(name)
    words = name.split()
    if "@" in name:  # a handle or an e-mail address beside the name
        words = [word for word in words if "@" not in word] or words
    # 'By Jane Roe', 'by Roe', 'Analysis by Jane Roe'; not 'Alexa von Heyden', 'Von Miller'.
    if len(words) > 3 and words[1].lower() in _BY_WORDS and _capitalised(words[2]):
        words = words[2:]
    elif (len(words) > 1 and words[0].lower() in _BY_WORDS and _capitalised(words[1])
            and (len(words) > 2 or words[0].islower())):
        words = words[1:]
    name = " ".join(words)
    if site and _AFFILIATION.search(name):
        name = _without_affiliation(name, site)
    name = name.strip(" ,;|-–—:")
    return name or None


def _capitalised(word: str) -> bool:
    first = word[0]
    return first.isupper() or not first.islower()  # (a script without case counts)


def _without_affiliation(name: str, site: SiteKeys) -> str:
    """'Jane Roe | The Daily Example' -> 'Jane Roe' when The Daily Example is this site."""
    for match in _AFFILIATION.finditer(name):
        if match.start() == 0:
            continue
        rest = name_key(name[match.end():])
        if rest and any(k == rest or (len(k) >= 3 and rest.startswith(k))
                        or (len(k) >= 5 and k in rest) for k in site):
            return name[:match.start()]
    return name


def is_site(name: str, site: SiteKeys) -> bool:
    """Whether a name (an author's, a tag) is the site's own name or address."""
    first = name[:1].lower()
    return (first in site.initials or not first.isascii()) and name_key(name) in site
