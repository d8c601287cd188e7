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
# Words joining two names in a byline ('Jane Roe and John Doe'); only between two names of
# two words or more each (a particle inside one name, 'Ortega y Gasset', is never split).
_AND_WORDS = frozenset("and und et og och en és ve oraz и &".split())
_TAG = re.compile(r"<[^>]*>")
# Where a byline puts the outlet after the name.
_AFFILIATION = re.compile(r"\s+[|–—-]\s+|\s*[|,;]\s*|\s+/\s*|\s*/\s+")
_ADDRESS = re.compile(r"@|^/\w|://|^www\.")
_SEPARATORS = frozenset("|,;/–—-")  # (looking for one is cheaper than the pattern's search)
_DOMAIN = re.compile(r"\.[^\W\d_]{2,}$")
_NOT_ALNUM = re.compile(r"[\W_]+")


def name_key(text: str) -> str:
    """A name's letters and digits, folded: 'STERN.de' and 'stern de' are one key."""
    text = fold(text)
    return text.translate(_ASCII_NOT_ALNUM) if text.isascii() else _NOT_ALNUM.sub("", text)


_ASCII_NOT_ALNUM = {code: None for code in range(128) if not chr(code).isalnum()}


class SiteKeys:
    """The keys the site goes by (see `name_key`): its declared names and its host.

    Made when first asked: most names are told from the site's by their first letter
    alone (`initials`), and folding names costs more than that.
    """

    __slots__ = ("names", "initials", "_keys", "_domains")

    def __init__(self, names: Iterable[str], host: str | None) -> None:
        self.names = [name for name in names if name]
        if host:
            self.names.append(host.lower().removeprefix("www."))
        self.initials = frozenset(fold(name[0])[:1] for name in self.names)
        self._keys: frozenset[str] | None = None
        self._domains: tuple[str, ...] | None = None

    @property
    def keys(self) -> frozenset[str]:
        if self._keys is None:
            self._keys = frozenset(k for k in map(name_key, self.names) if len(k) >= 3)
        return self._keys

    @property
    def domains(self) -> tuple[str, ...]:
        """The names that are an address ('example.de'), in lower case."""
        if self._domains is None:
            self._domains = tuple({name.lower() for name in self.names
                                   if " " not in name and _DOMAIN.search(name)})
        return self._domains

    def __contains__(self, key: object) -> bool:
        return key in self.keys

    def __bool__(self) -> bool:
        return bool(self.names)


def site_keys(names: Iterable[str], host: str | None) -> SiteKeys:
    return SiteKeys(names, host)


def clean_names(name: str, site: SiteKeys) -> list[str]:
    """The people's names in an author field: one, or several a byline joins ('and', '&')."""
    name = clean_name(name, site)
    if name is None:
        return []
    words = name.split()
    if len(words) < 5:
        return [name]
    names = []
    start = 0
    for at in range(2, len(words) - 2):
        if (words[at].lower() in _AND_WORDS and at - start >= 2 and _name_like(words[start:at])
                and _name_like(words[at + 1:at + 3])):
            names.append(" ".join(words[start:at]))
            start = at + 1
    names.append(" ".join(words[start:]))
    return names


def clean_name(name: str, site: SiteKeys) -> str | None:
    """The person's name in an author field; None when nothing of a name is left."""
    if "<" in name:
        name = _TAG.sub(" ", name)
    if "&" in name:
        name = html.unescape(name)
    words = name.split()
    if "@" in name or "/" in name or "www." in name:
        # A handle, an e-mail or web address beside the name, or in its place ('/authors/x').
        words = [word for word in words if not _ADDRESS.search(word)]
    # A label before the name: 'Text: Jane Roe'.
    if len(words) > 2 and words[0].endswith(":") and len(words[0]) > 1 and _capitalised(words[1]):
        words = words[1:]
    words = _after_by_word(words)
    name = " ".join(words)
    if site and not _SEPARATORS.isdisjoint(name) and _AFFILIATION.search(name):
        name = _without_affiliation(name, site)
    name = name.strip(" ,;|-–—:")
    return name or None


def _after_by_word(words: list[str]) -> list[str]:
    # 'By Jane Roe', 'by Roe', 'Analysis by Jane Roe', 'All posts by Jane Roe'; not
    # 'Alexa von Heyden', 'Ursula von der Brügge', 'Von Miller'.
    for at in range(1, min(4, len(words) - 2)):  # (two words of a name at least after it)
        if words[at].lower() in _BY_WORDS and _capitalised(words[at + 1]):
            return words[at + 1:]
    if (len(words) > 1 and words[0].lower() in _BY_WORDS and _capitalised(words[1])
            and (len(words) > 2 or words[0].islower())):
        return words[1:]
    return words


def _name_like(words: list[str]) -> bool:
    """Words that may begin a person's name: capitalised, the first no abbreviation ('Co.')."""
    return not words[0].endswith(".") and all(_capitalised(word) for word in words)


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
                        or (len(k) >= 5 and k in rest) for k in site.keys):
            return name[:match.start()]
    return name


def is_site(name: str, site: SiteKeys) -> bool:
    """Whether a name (an author's, a tag) is the site's own name or address, also with
    what follows it ('Example.de GmbH', 'Example News, Hamburg, Germany')."""
    first = name[:1].lower()
    if not (first in site.initials or not first.isascii()):
        return False
    if name_key(name) in site:
        return True
    if site.domains and name.lower().startswith(site.domains):
        return True
    match = None if _SEPARATORS.isdisjoint(name) else _AFFILIATION.search(name)
    return match is not None and match.start() > 0 and name_key(name[:match.start()]) in site
