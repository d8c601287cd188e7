"""Honeypots: form fields set as traps for bots, which a person never sees or fills.

A field is a trap when its own markup hides it (an inline style, `hidden`, `aria-hidden`),
when a class hides it whatever the page's CSS says (`hidden`, `sr-only`, `honeypot`...),
when a rule in the page's own <style> hides one of its blocks, when it is taken out of
the tab order (`tabindex=-1`), or when its label asks to leave it blank, in any language.
Akismet's `ak_hp_textarea`, Antispam Bee's trap textarea and Drupal's Honeypot field are
all caught by the first test. Only reads the tree.
"""
from __future__ import annotations

import re

from selectolax.lexbor import LexborNode

from ._field_label import CONTROLS
from ._lexicon import asks_to_leave_blank
from ._markup import ancestors, is_hidden, names_of
from .document import Document, attr

_HIDING_CLASSES = frozenset(("hidden", "hide", "honeypot", "hp", "trap", "invisible", "d-none",
                             "display-none", "nodisplay", "screen-reader-text", "sr-only",
                             "visually-hidden", "visuallyhidden", "ohnohoney"))
_HIDING_RULE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|left\s*:\s*-\d{3,}"
                          r"|top\s*:\s*-\d{3,}|clip\s*:\s*rect\(\s*[01]px", re.I)
_SELECTOR_NAME = re.compile(r"[.#]([A-Za-z_][\w-]*)")


class Honeypots:
    """The traps of one form (the page's <style> is read once, for all its fields)."""

    def __init__(self, doc: Document, form: LexborNode) -> None:
        self.form = form
        self.hidden_by_css = _names_hidden_by_page_css(doc, form)
        # A form whose only textareas are hidden hides its editor until a script swaps in
        # a rich one (wpDiscuz): that textarea is the comment, not a trap.
        self.shows_a_textarea = any(not is_hidden(t, form) for t in form.css("textarea"))

    def is_trap(self, node: LexborNode, label: str | None) -> bool:
        if node.tag == "textarea" and not self.shows_a_textarea:
            return False
        if is_hidden(node, self.form):
            return True
        if (attr(node, "tabindex") or "").strip() == "-1":
            return True
        for element in (node, *ancestors(node, self.form)):
            names = names_of(element)
            if not _HIDING_CLASSES.isdisjoint(names) or self.hidden_by_css.intersection(names):
                return True
        texts = (label, attr(node, "placeholder"), attr(node, "aria-label"))
        return any(asks_to_leave_blank(text) for text in texts if text)


def _names_hidden_by_page_css(doc: Document, form: LexborNode) -> set[str]:
    """Classes and ids of this form's blocks that the page's own <style> hides.

    One regex pass per stylesheet finds the hiding declarations; only the selectors of
    those rules are read, and only names the form uses are kept.
    """
    used = set()
    for node in form.css(CONTROLS):
        for element in (node, *ancestors(node, form)):
            used.update(names_of(element))
    hidden: set[str] = set()
    if not used:
        return hidden
    for style in doc.tree.css("style"):
        css = style.text() or ""
        for match in _HIDING_RULE.finditer(css):
            start = css.rfind("{", 0, match.start())
            if start == -1 or css.rfind("}", 0, match.start()) > start:
                continue  # the declaration is not inside a rule
            selectors = css[max(css.rfind("}", 0, start), css.rfind("*/", 0, start)) + 1:start]
            for name in _SELECTOR_NAME.findall(selectors):
                if name in used:
                    hidden.add(name)
    return hidden
