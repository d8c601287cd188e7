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

from ._field_label import BUTTON_TYPES, CONTROLS, control_kind
from ._lexicon import asks_to_leave_blank
from ._markup import ancestors, is_hidden, names_of
from .document import Document, attr

_HIDING_CLASSES = frozenset(("hidden", "hide", "honeypot", "hp", "trap", "invisible", "d-none",
                             "display-none", "nodisplay", "screen-reader-text", "sr-only",
                             "visually-hidden", "visuallyhidden", "ohnohoney"))
_HIDING_RULE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|left\s*:\s*-\d{3,}"
                          r"|top\s*:\s*-\d{3,}|clip\s*:\s*rect\(\s*[01]px", re.I)
_NAME_CHAR = re.compile(r"[\w-]")
_NOT_FILLED_IN = BUTTON_TYPES | {"hidden"}


class Honeypots:
    """The traps of one form. The page's <style> is read at most once, for all its fields,
    and only when a field's own markup has not already decided."""

    def __init__(self, doc: Document, form: LexborNode) -> None:
        self.doc = doc
        self.form = form
        self._hidden_by_css: set[str] | None = None
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
        blocks = (node, *ancestors(node, self.form))
        if any(not _HIDING_CLASSES.isdisjoint(names_of(element)) for element in blocks):
            return True
        hidden_by_css = self.hidden_by_css()
        if hidden_by_css and any(hidden_by_css.intersection(names_of(element))
                                 for element in blocks):
            return True
        texts = (label, attr(node, "placeholder"), attr(node, "aria-label"))
        return any(asks_to_leave_blank(text) for text in texts if text)

    def hidden_by_css(self) -> set[str]:
        if self._hidden_by_css is None:
            self._hidden_by_css = _names_hidden_by_page_css(self.doc, self.form)
        return self._hidden_by_css


def _names_hidden_by_page_css(doc: Document, form: LexborNode) -> set[str]:
    """Classes and ids of this form's fields, and of their blocks, that the page's own
    <style> hides.

    Only the names that matter are looked for: a page's style sheets run to tens of
    kilobytes and say little about its comment form. Each name is found by a plain
    search of the text, and only the rules whose selector holds it are read.
    """
    used = set()
    for node in form.css(CONTROLS):
        if not attr(node, "name") or control_kind(node) in _NOT_FILLED_IN:
            continue
        for element in (node, *ancestors(node, form)):
            used.update(names_of(element))
    hidden: set[str] = set()
    if not used:
        return hidden
    for style in doc.tree.css("style"):
        css = style.text() or ""
        for name in used - hidden:
            if name in css and _hides(css, name):
                hidden.add(name)
    return hidden


def _alone_in_compound(css: str, start: int, end: int) -> bool:
    """Whether the class or id at css[start:end] stands alone in its compound selector (but
    for a tag: `p.hp`): `.form-item.is-sent`, `.box:hover` or `.reply[hidden]` name a state
    the block may take, not the block as the page shows it."""
    if end < len(css) and css[end] in ".#[:":
        return False
    before = start
    while before > 0 and (_NAME_CHAR.match(css, before - 1) or css[before - 1] in ".#[]:()=\"'"):
        before -= 1
    return not any(c in ".#[:" for c in css[before:start])


def _hides(css: str, name: str) -> bool:
    """Whether a rule of `css` whose selector names the class or id `name` hides."""
    found = css.find(name)
    while found != -1:
        end = found + len(name)
        if (found > 0 and css[found - 1] in ".#"
                and (end == len(css) or not _NAME_CHAR.match(css, end))
                and _alone_in_compound(css, found - 1, end)):
            block = css.find("{", end)
            if block == -1:
                return False
            selector = css[end:block]
            # in a selector, not in a declaration (`url(#name)`) or a comment
            if ("}" not in selector and ";" not in selector and "*/" not in selector
                    and css.rfind("/*", 0, found) <= css.rfind("*/", 0, found)):
                close = css.find("}", block)
                if _HIDING_RULE.search(css, block, close if close != -1 else len(css)):
                    return True
        found = css.find(name, end)
    return False
