"""A form field's label and whether it is required, as the person filling it in reads them.

The label is the field's `<label for>` (or another element with `for`), else a wrapping
`<label>`, else the one label beside it, else `aria-label`, `aria-labelledby`, placeholder
or title; required markers (`*`, `※`, `<span class=required>`, '(Pflichtfeld)',
'(obligatoire)') are taken out of it and count as 'required', as do the `required` and
`aria-required` attributes and a `required` class. Only reads the tree.
"""
from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode, SelectolaxError

from ._lexicon import is_required_marker
from ._markup import ancestors, markup_words
from ._text import clean_text
from .document import Document, attr

BUTTON_TYPES = frozenset(("submit", "button", "image", "reset"))
CONTROLS = "input, textarea, select"
_REQUIRED_CLASS_WORDS = frozenset(("required", "mandatory", "req", "obligatory"))
_STAR = "*＊※"
_BRACKETED_END = re.compile(r"[\(\[（【]([^()\[\]（）【】]{1,40})[\)\]）】]\s*:?\s*$")


def control_kind(node: LexborNode) -> str:
    """The input's type (lower case, `text` when absent), or `textarea` / `select`."""
    if node.tag == "input":
        return (attr(node, "type") or "text").lower()
    return node.tag


def first_with(root: LexborNode | LexborHTMLParser, tag: str, name: str,
               value: str) -> LexborNode | None:
    """The first `tag` (or '' for any) under `root` whose attribute `name` is exactly `value`.

    Lexbor's selector parser rejects escaped quotes and some other characters, so such a
    value is matched by comparing attributes instead of building a selector.
    """
    if '"' not in value and "\\" not in value:
        try:
            return root.css_first(f'{tag}[{name}="{value}"]')
        except SelectolaxError:  # other characters its selector parser will not take
            pass
    return next((n for n in root.css(f"{tag}[{name}]") if n.attributes.get(name) == value), None)


def labels_by_target(form: LexborNode) -> dict[str, LexborNode]:
    """The form's <label for=…> elements by the id they name (one pass for all fields)."""
    labels: dict[str, LexborNode] = {}
    # Themes write some labels as other elements naming the field (Soledad's
    # `<span class="comment-form-cookies-text" for="wp-comment-cookies-consent">`).
    for label in form.css("label[for], span[for], div[for], p[for]"):
        labels.setdefault(label.attributes.get("for") or "", label)
    return labels


def label_for(doc: Document, form: LexborNode, node: LexborNode,
              labels: dict[str, LexborNode]) -> LexborNode | None:
    """The <label> of a field: the one whose `for` names it, else the one wrapping it."""
    node_id = attr(node, "id")
    if node_id:
        label = labels.get(node_id)
        if label is None:
            label = first_with(doc.tree, "label", "for", node_id)
        if label is not None:
            return label
    for parent in ancestors(node, form):
        if parent.tag == "label":
            return parent
    return None


def label_beside(node: LexborNode, form: LexborNode, traps: set[int]) -> LexborNode | None:
    """The one label sharing the field's block, when the field is that block's one real control.

    This also gives back a label whose `for` names a honeypot (Antispam Bee swaps ids with
    script: in the HTML, `<label for=comment>` points at the trap beside the real textarea).
    """
    parent = node.parent
    if parent is None or parent.mem_id == form.mem_id:
        return None
    controls = [c for c in parent.css(CONTROLS) if c.mem_id not in traps
                and control_kind(c) not in BUTTON_TYPES and control_kind(c) != "hidden"]
    labels = parent.css("label")
    if len(controls) == 1 and len(labels) == 1:
        return labels[0]
    return None


def label_text(label: LexborNode | None) -> tuple[str | None, bool]:
    """A label's text without its required marker, and whether it had one."""
    if label is None:
        return None, False
    marked = False

    def is_marker(element: LexborNode) -> bool:
        nonlocal marked
        if element.tag in ("input", "select", "textarea"):
            return True
        if not _REQUIRED_CLASS_WORDS.isdisjoint(markup_words(element)) or (
                element.tag == "abbr" and is_required_marker(attr(element, "title") or "*")):
            marked = True
            return True
        if is_required_marker(clean_text(element)):
            marked = True
            return True
        return False

    text, marked_in_text = _strip_marker_text(clean_text(label, is_marker))
    if not _REQUIRED_CLASS_WORDS.isdisjoint(markup_words(label)):
        marked = True  # Drupal marks the <label> itself: class="form-required"
    return text or None, marked or marked_in_text


def _strip_marker_text(text: str) -> tuple[str, bool]:
    """'Name *' -> 'Name'; 'E-Mail (Pflichtfeld)' -> 'E-Mail'; 'Mail (will not be published)' stays."""
    marked = False
    while True:
        stripped = text.strip()
        if stripped and (stripped[-1] in _STAR or stripped[0] in _STAR):
            text = stripped.strip(_STAR + " :")
            marked = True
            continue
        match = _BRACKETED_END.search(stripped)
        if match and is_required_marker(match.group(1)):
            text = stripped[:match.start()].rstrip(" :-–")
            marked = True
            continue
        return stripped.rstrip(" :"), marked


def plain_label(doc: Document, node: LexborNode) -> tuple[str | None, bool]:
    """For a field with no <label>: its aria-label, aria-labelledby, placeholder or title."""
    for name in ("aria-label", "aria-labelledby", "placeholder", "title"):
        value = attr(node, name)
        if value and name == "aria-labelledby":
            parts = [first_with(doc.tree, "", "id", ref) for ref in value.split()]
            value = " ".join(clean_text(part) for part in parts if part is not None)
        if value:
            text, marked = _strip_marker_text(" ".join(value.split()))
            if text:
                return text, marked
    return None, False


def is_required(node: LexborNode) -> bool:
    """The `required` or `aria-required` attribute, or a `required` class on the field or on
    a block holding only this field (form builders mark the row: `gfield_contains_required`)."""
    attrs = node.attributes
    if "required" in attrs or (attrs.get("aria-required") or "").strip().lower() == "true":
        return True
    if not _REQUIRED_CLASS_WORDS.isdisjoint(markup_words(node)):
        return True
    parent = node.parent
    return (parent is not None and parent.tag != "form"
            and not _REQUIRED_CLASS_WORDS.isdisjoint(markup_words(parent))
            and len(parent.css(CONTROLS)) == 1)
