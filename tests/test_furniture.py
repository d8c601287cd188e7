"""The words of class names and ids that name page furniture (furniture.furniture_words)."""
from __future__ import annotations

import pytest

from scraper.extract.furniture import furniture_words


@pytest.mark.parametrize("names, words", [
    ("inlinegallery rightsidebar", {"gallery", "sidebar"}),  # anywhere in a name
    ("share-bar", {"share"}),  # at the start of a word
    ("preshare", set()),  # ...and only there
    ("x-sharing-tools", {"sharing"}),
    ("read-more readmore more-stories", {"read-more", "readmore", "more-stories"}),
    ("author-bio authorbox", {"author-bio", "authorbox"}),
    ("nav navy", {"nav"}),  # short words only whole
    ("dateline-top", {"dateline"}),  # the longer word when the shorter is not whole
    ("ads adsense", {"ads"}),
    ("tag tags tag-x", {"tag", "tags"}),  # WordPress' tag-x names the post's tag, not a box
    ("button buttons btn-primary", {"button", "buttons", "btn"}),
    ("newsCaption", {"caption"}),  # camel case humps split words
    ("has-sidebar no-ads", set()),  # a state of the element, not what it is
    ("social-embed", set()),  # a quoted post: the article's own
    ("sidebar entry-content", set()),  # one name naming the article's text: a wrapper
    ("sponsored-by sponsor-logo", {"sponsored", "sponsor"}),
])
def test_furniture_words(names, words):
    assert furniture_words(names) == words
