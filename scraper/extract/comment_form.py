"""The form that posts a new top-level comment, as metadata.

Which form: WordPress (`#commentform`, `.comment-form`, inside `#respond`, or posting to
`wp-comments-post.php`), Drupal (`comment-form`), or any form with a visible textarea
whose own markup (id, class, name, action) or enclosing block says 'comment' in some
language. Forms that say contact, newsletter, search, login or feedback are not comment
forms. With no such form in the HTML (a login gate, comments in an iframe) it is None.

What is kept: the action (absolute against the page and `<base href>`, an empty action
is the page itself, `javascript:` kept verbatim), the method (lower case, `get` when
absent), each user-facing field in document order with its name, type, label (its
`<label>`, else a wrapping label, `aria-label`, `aria-labelledby`, a lone label beside
it, placeholder, title; the required marker taken out) and whether it is required (the
`required` or `aria-required` attribute, a `required` class, or a marker such as `*`,
`<span class=required>` or '(Pflichtfeld)' in its label), the hidden inputs name -> value,
the notes text and the submit label. Honeypots are not fields: inputs hidden by inline
style, `hidden`/`aria-hidden`, a hiding class or a page `<style>` rule, taken out of the
tab order, or labelled 'leave this field blank'. This module only reads the tree.
"""
from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborNode

from ..models import CommentForm, FormField
from ._lexicon import asks_to_leave_blank, is_required_marker, says_comment
from ._links import PageAddress
from ._markup import ancestors, clean_text, is_hidden, markup_words, names_of
from .document import Document, attr

_NOT_COMMENT_FORM = frozenset((
    "contact", "newsletter", "subscribe", "subscription", "signup", "search", "login", "signin",
    "register", "registration", "feedback", "modal", "popup", "tip", "tips", "report", "poll",
    "survey", "quiz", "mailchimp", "mc4wp", "wpcf7", "grunion", "friend", "sendtofriend"))
_BUTTON_TYPES = frozenset(("submit", "button", "image", "reset"))
_CONTROLS = "input, textarea, select"
# Classes that hide an element whatever the page's CSS says.
_HIDING_CLASSES = frozenset(("hidden", "hide", "honeypot", "hp", "trap", "invisible", "d-none",
                             "display-none", "nodisplay", "screen-reader-text", "sr-only",
                             "visually-hidden", "visuallyhidden", "ohnohoney"))
_REQUIRED_CLASS_WORDS = frozenset(("required", "mandatory", "req", "obligatory"))
_NOTES_WORDS = frozenset(("notes", "note", "logged"))
_SUBMIT_WORDS = frozenset(("submit", "send", "post", "save", "publish"))
_HIDING_RULE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|left\s*:\s*-\d{3,}"
                          r"|top\s*:\s*-\d{3,}|clip\s*:\s*rect\(\s*[01]px", re.I)
_STAR = "*＊※"
_SELECTOR_NAME = re.compile(r"[.#]([A-Za-z_][\w-]*)")


def extract_comment_form(doc: Document) -> CommentForm | None:
    form = _find_form(doc)
    if form is None:
        return None
    hidden_by_css = _names_hidden_by_page_css(doc, form)
    labels = _labels_by_target(form)
    hidden: dict[str, str] = {}
    visible: list[tuple[LexborNode, str, str, LexborNode | None]] = []
    traps: set[int] = set()
    for node in form.css(_CONTROLS):
        name, kind = attr(node, "name"), _kind(node)
        if not name or kind in _BUTTON_TYPES:
            continue
        if kind == "hidden":
            hidden[name] = node.attributes.get("value") or ""
            continue
        label = _label_for(doc, form, node, labels)
        if _is_honeypot(node, form, clean_text(label) if label is not None else None, hidden_by_css):
            traps.add(node.mem_id)
            continue
        visible.append((node, name, kind, label))
    fields = []
    for node, name, kind, label in visible:
        if label is None or label.mem_id in traps:
            label = _label_beside(node, form, traps)
        text, marked = _strip_marker(label)
        if not text:
            text, marked_too = _plain_label(node)
            marked = marked or marked_too
        fields.append(FormField(name=name, type=kind, label=text,
                                required=_is_required(node) or marked))
    return CommentForm(
        action=_action(doc, form),
        method=(attr(form, "method") or "get").lower(),
        fields=fields,
        hidden=hidden,
        notes=_notes(form),
        submit=_submit(form),
        html_id=attr(form, "id"),
        title=_heading(form),
    )


# -- which form -----------------------------------------------------------------------------

def _find_form(doc: Document) -> LexborNode | None:
    best, best_score = None, 0
    for form in doc.tree.css("form"):
        if form.css_first("textarea") is None and attr(form, "id") != "commentform" and (
                "wp-comments-post" not in (attr(form, "action") or "")):
            continue  # every comment form has a textarea (WordPress's, once logged in, too)
        score = _score(form, _own_action(doc, form))
        if score > best_score:
            best, best_score = form, score
    return best


def _own_action(doc: Document, form: LexborNode) -> str:
    """The part of the action that says something about the form.

    An action back to the page itself only names the article (whose slug may say
    'contact' or 'comment'), so then only its fragment counts.
    """
    action = (attr(form, "action") or "").strip()
    target = _action(doc, form)
    if target and doc.url and not action.lower().startswith("javascript:") and PageAddress(
            doc.url).is_self(target):
        return urlsplit(target).fragment.lower()
    return action.lower()


def _score(form: LexborNode, action: str) -> int:
    """How surely `form` posts a comment: 0 for not at all."""
    names = " ".join(names_of(form)) + " " + (attr(form, "name") or "")
    if "wp-comments-post" in action or attr(form, "id") == "commentform":
        return 10
    textareas = [t for t in form.css("textarea") if not is_hidden(t, form)]
    if not textareas:
        return 0
    if _NOT_COMMENT_FORM & (markup_words(form) | _words_of(attr(form, "name"))
                            | _words_of(action)):
        return 0
    score = 0
    if says_comment(names) or says_comment(action):
        score += 6
    if any(says_comment(attr(t, "name")) or says_comment(attr(t, "id")) for t in textareas):
        score += 2
    for depth, parent in enumerate(ancestors(form)):
        if depth >= 6:
            break
        if not _NOT_COMMENT_FORM.isdisjoint(markup_words(parent)):
            return 0
        if says_comment(" ".join(names_of(parent))):
            score += 4
            break
    return score if score >= 4 else 0


def _words_of(value: str | None) -> set[str]:
    return set(re.split(r"[^a-z0-9]+", (value or "").lower())) - {""}


# -- fields ---------------------------------------------------------------------------------

def _kind(node: LexborNode) -> str:
    if node.tag == "input":
        return (attr(node, "type") or "text").lower()
    return node.tag


def _labels_by_target(form: LexborNode) -> dict[str, LexborNode]:
    labels: dict[str, LexborNode] = {}
    for label in form.css("label[for]"):
        labels.setdefault(label.attributes.get("for") or "", label)
    return labels


def _label_for(doc: Document, form: LexborNode, node: LexborNode,
               labels: dict[str, LexborNode]) -> LexborNode | None:
    """The <label> of a field: the one whose `for` names it, else the one wrapping it."""
    node_id = attr(node, "id")
    if node_id:
        label = labels.get(node_id)
        if label is None:
            label = doc.tree.css_first(f'label[for="{_css_string(node_id)}"]')
        if label is not None:
            return label
    for parent in ancestors(node, form):
        if parent.tag == "label":
            return parent
    return None


def _label_beside(node: LexborNode, form: LexborNode, traps: set[int]) -> LexborNode | None:
    """The one label sharing the field's block, when the field is that block's one real control.

    This also gives back a label whose `for` names a honeypot (Antispam Bee swaps ids with
    script: in the HTML, `<label for=comment>` points at the trap beside the real textarea).
    """
    parent = node.parent
    if parent is None or parent.mem_id == form.mem_id:
        return None
    controls = [c for c in parent.css(_CONTROLS) if c.mem_id not in traps
                and _kind(c) not in _BUTTON_TYPES and _kind(c) != "hidden"]
    labels = parent.css("label")
    if len(controls) == 1 and len(labels) == 1:
        return labels[0]
    return None


def _css_string(value: str | None) -> str:
    return (value or "").replace("\\", "\\\\").replace('"', '\\"')


def _strip_marker(label: LexborNode | None) -> tuple[str | None, bool]:
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
        match = re.search(r"[\(\[（【]([^()\[\]（）【】]{1,40})[\)\]）】]\s*:?\s*$", stripped)
        if match and is_required_marker(match.group(1)):
            text = stripped[:match.start()].rstrip(" :-–")
            marked = True
            continue
        return stripped.rstrip(" :"), marked


def _plain_label(node: LexborNode) -> tuple[str | None, bool]:
    """aria-label, aria-labelledby (by id, in the same form), placeholder or title."""
    for name in ("aria-label", "placeholder", "title"):
        value = attr(node, name)
        if value:
            text, marked = _strip_marker_text(" ".join(value.split()))
            if text:
                return text, marked
    return None, False


def _is_required(node: LexborNode) -> bool:
    attrs = node.attributes
    if "required" in attrs or (attrs.get("aria-required") or "").strip().lower() == "true":
        return True
    return not _REQUIRED_CLASS_WORDS.isdisjoint(markup_words(node))


def _is_honeypot(node: LexborNode, form: LexborNode, label: str | None,
                 hidden_by_css: set[str]) -> bool:
    """A trap for bots that a person never sees or fills."""
    if is_hidden(node, form):
        return True
    if (attr(node, "tabindex") or "").strip() == "-1":
        return True
    for element in (node, *ancestors(node, form)):
        names = names_of(element)
        if not _HIDING_CLASSES.isdisjoint(names) or hidden_by_css.intersection(names):
            return True
    texts = [label or "", attr(node, "placeholder") or "", attr(node, "aria-label") or ""]
    return any(asks_to_leave_blank(text) for text in texts if text)


def _names_hidden_by_page_css(doc: Document, form: LexborNode) -> set[str]:
    """Classes and ids of this form's blocks that the page's own <style> hides.

    One regex pass per stylesheet finds the hiding declarations; only the selectors of
    those rules are read, and only names the form uses are kept.
    """
    used = set()
    for node in form.css(_CONTROLS):
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


# -- the rest of the form -------------------------------------------------------------------

def _action(doc: Document, form: LexborNode) -> str | None:
    action = (form.attributes.get("action") or "").strip()
    if action.lower().startswith("javascript:"):
        return action
    if not action:
        return doc.url
    base = doc.base_url or doc.url
    try:
        return urljoin(base, action) if base else action
    except ValueError:
        return action


def _notes(form: LexborNode) -> str | None:
    for element in form.css("[class*=note i], [class*=logged i], [id*=note i]"):
        if _NOTES_WORDS.isdisjoint(markup_words(element)) or is_hidden(element, form):
            continue
        text = clean_text(element)
        if text:
            return text
    for node in form.css("[aria-describedby]"):
        for ref in (attr(node, "aria-describedby") or "").split():
            described = form.css_first(f'[id="{_css_string(ref)}"]')
            text = clean_text(described) if described is not None else ""
            if text:
                return text
    for paragraph in form.css("p"):  # else a paragraph of text among the fields
        if paragraph.css_first(_CONTROLS + ", label, button") is None and not is_hidden(
                paragraph, form):
            text = clean_text(paragraph)
            if len(text.split()) >= 3:
                return text
    return None


def _submit(form: LexborNode) -> str | None:
    for node in form.css('input[type=submit i], input[type=image i], button'):
        if node.tag == "button" and (attr(node, "type") or "submit").lower() != "submit":
            continue
        text = attr(node, "value") if node.tag == "input" else clean_text(node)
        text = text or attr(node, "alt") or attr(node, "aria-label") or attr(node, "title")
        if text:
            return " ".join(text.split())
    for node in form.css("a, [role=button]"):  # scripted forms submit from a link
        if not _SUBMIT_WORDS.isdisjoint(markup_words(node)) or any(
                not _SUBMIT_WORDS.isdisjoint(markup_words(p)) for p, _ in zip(ancestors(node, form),
                                                                                range(3))):
            text = clean_text(node)
            if text:
                return text
    return None


def _heading(form: LexborNode) -> str | None:
    """The heading just above the form ('Leave a Reply', 'Pridaj komentár')."""
    for parent, _ in zip((form, *ancestors(form)), range(3)):
        node = parent.prev
        while node is not None:
            if node.tag in ("h2", "h3", "h4", "h5") or "title" in markup_words(node):
                return clean_text(node, lambda e: is_hidden(e)) or None
            node = node.prev
    return None
