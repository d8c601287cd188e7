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
_BY_WORDS = frozenset(fold(word) for word in """
    by von par por door av af od przez от автор από tarafından oleh bởi
""".split())
_TAG = re.compile(r"<[^>]*>")
# Where a byline puts the outlet after the name.
_AFFILIATION = re.compile(r"\s+[|–—-]\s+|\s*[|,;]\s*|\s+/\s+")
_NOT_ALNUM = re.compile(r"[\W_]+")


def name_key(text: str) -> str:
    """A name's letters and digits, folded: 'STERN.de' and 'stern de' are one key."""
    return _NOT_ALNUM.sub("", fold(text))


def site_keys(names: Iterable[str], host: str | None) -> frozenset[str]:
    """The keys the site goes by: its declared names and its host ('www.' dropped)."""
    keys = {name_key(name) for name in names}
    if host:
        keys.add(name_key(host.lower().removeprefix("www.")))
    return frozenset(k for k in keys if len(k) >= 3)


def clean_name(name: str, site: frozenset[str]) -> str | None:
    """The person's name in an author field; None when nothing of a name is left."""
    if "<" in name:
        name = _TAG.sub(" ", name)
    if "&" in name:
        name = html.unescape(name)
    words = name.split()
    # A handle or an e-mail address beside the name.
    named = [word for word in words if "@" not in word]
    if named:
        words = named
    # 'By Jane Roe', 'by Roe', 'Analysis by Jane Roe'; not 'Alexa von Heyden', 'Von Miller'.
    if len(words) > 3 and fold(words[1]) in _BY_WORDS and _capitalised(words[2]):
        words = words[2:]
    elif (len(words) > 1 and fold(words[0]) in _BY_WORDS and _capitalised(words[1])
            and (len(words) > 2 or words[0].islower())):
        words = words[1:]
    name = " ".join(words)
    if site:
        name = _without_affiliation(name, site)
    name = name.strip(" ,;|-–—:")
    return name or None


def _capitalised(word: str) -> bool:
    first = word[0]
    return first.isupper() or not first.islower()  # (a script without case counts)


def _without_affiliation(name: str, site: frozenset[str]) -> str:
    """'Jane Roe | The Daily Example' -> 'Jane Roe' when The Daily Example is this site."""
    for match in _AFFILIATION.finditer(name):
        if match.start() == 0:
            continue
        rest = name_key(name[match.end():])
        if rest and any(k == rest or (len(k) >= 3 and rest.startswith(k))
                        or (len(k) >= 5 and k in rest) for k in site):
            return name[:match.start()]
    return name


def is_site(name: str, site: frozenset[str]) -> bool:
    """Whether an author name is the site's own name or address."""
    return name_key(name) in site
