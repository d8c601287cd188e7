"""The form that posts a new top-level comment, as metadata.

Which form: WordPress (`#commentform`, `.comment-form`, inside `#respond`, or posting to
`wp-comments-post.php`), Drupal (`comment-form`), or any form with a visible textarea
whose own markup (id, class, name, action) or enclosing block says 'comment' in some
language. Forms that say contact, newsletter, search, login or feedback are not comment
forms. With no such form in the HTML (a login gate, comments in an iframe or loaded by script,
a form whose fields sit in an iframe) it is None.

What is kept: the action (an AMP form's `action-xhr`; absolute against the page and
`<base href>`, an empty action is the page itself, `javascript:` kept verbatim), the
method (lower case, `get` when absent), each user-facing field in document order with
its name, type, label and required flag (see `_field_label`), the hidden inputs name ->
value, the notes text (a note standing above the form and the form's own, in page
order) and the submit label. Honeypots (see `_honeypot`) are not fields.
This module only reads the tree.
"""
from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborNode

from ..models import CommentForm, FormField
from ._field_label import (BUTTON_TYPES, CONTROLS, control_kind, first_with, is_required,
                           label_beside, label_for, label_text, labels_by_target, plain_label)
from ._honeypot import Honeypots
from ._index import page_index
from ._lexicon import says_comment, words
from ._links import PageAddress
from ._markup import (ancestors, attribute_words, first_tagged, is_hidden, is_title, markup_words,
                      name_words, names_of, tag_ids)
from ._text import clean_text
from .document import Document, attr

_TEXTAREA_IDS = tag_ids(("textarea",))
_NOT_COMMENT_FORM = frozenset((
    "contact", "newsletter", "subscribe", "subscription", "signup", "search", "login", "signin",
    "register", "registration", "feedback", "modal", "popup", "tip", "tips", "report", "poll",
    "survey", "quiz", "mailchimp", "mc4wp", "wpcf7", "grunion", "friend", "sendtofriend"))
# Class and id words of a note (WordPress), of help beside a field (Drupal's description,
# Bootstrap's help-block...), and of messages the form shows only on a mistake.
_NOTE_WORDS = frozenset(("notes", "note", "logged"))
_HELP_WORDS = frozenset(("description", "help", "hint", "helper", "helptext", "info",
                         "instructions", "rules", "guidelines", "disclaimer", "legal"))
_NO_NOTE_WORDS = frozenset((
    "warning", "warnings", "error", "errors", "alert", "invalid", "validation", "success",
    "status", "counter", "limit", "captcha", "cptch", "loading", "spinner", "preview", "hide",
    "hidden", "invisible"))
_STATE_ATTRIBUTES = frozenset(("submitting", "submit-success", "submit-error", "verify-error"))
_NOTE_MIN_WORDS = 3
_MARKER_SIGNS = ("*", "＊", "※")  # the sign a form marks required fields with
_LABEL_MAX_WORDS = 5
_STATEMENT_ENDS = (".", "。", "!", "！", "।")
_NOT_FILLED = BUTTON_TYPES | {"hidden"}
_FIELDS = "input, textarea, select, button, label"
_HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
# Elements that run on inside a line of text, and those whose text is never a note.
_INLINE = frozenset(("a", "b", "strong", "em", "i", "span", "small", "abbr", "code", "font", "u",
                     "sup", "sub", "mark", "q", "cite"))
_NO_NOTE_TAGS = frozenset(("label", "button", "a", "legend", "select", "script", "style",
                           "noscript", "template"))
_SUBMIT_WORDS = frozenset(("submit", "send", "post", "save", "publish"))
# What the markup or the address of a sign-in line says, as one word or run together from
# two or three ('must-log-in', 'wp-login.php', 'nascar-signin-link', 'nonLogged').
_ACCOUNT_WORDS = frozenset((
    "login", "logon", "signin", "logout", "signout", "signup", "register", "registration",
    "auth", "oauth", "sso", "nonlogged", "notlogged", "loggedout", "mustlogin"))
_HREF_WORD = re.compile(r"[^a-z]+")
_ACCOUNT_MARKS = ", ".join(f"[{name}*={part} i]" for name in ("class", "id", "href") for part in (
    "log", "sign", "auth", "sso", "regist"))
_TEMPLATE = re.compile(r"%(?:\d+\$)?[sd]\b|\{\{")  # printf's and mustache's placeholders


def extract_comment_form(doc: Document) -> CommentForm | None:
    form = _find_form(doc)
    if form is None:
        return None
    fields, hidden = _fields(doc, form)
    if not fields:  # the fields live in an iframe (Jetpack): no form a reader fills here
        return None
    return CommentForm(
        action=_action(doc, form),
        method=(attr(form, "method") or "get").lower(),
        fields=fields,
        hidden=hidden,
        notes=" ".join(filter(None, (_note_above(form), _notes(form)))) or None,
        submit=_submit(form),
        html_id=attr(form, "id"),
        title=_heading(form),
    )


def _fields(doc: Document, form: LexborNode) -> tuple[list[FormField], dict[str, str]]:
    """The user-facing fields in document order, and the hidden inputs name -> value."""
    honeypots = Honeypots(doc, form)
    labels = labels_by_target(form)
    hidden: dict[str, str] = {}
    visible: list[tuple[LexborNode, str, str, LexborNode | None]] = []
    traps: set[int] = set()
    for node in form.css(CONTROLS):
        name, kind = attr(node, "name"), control_kind(node)
        if not name or kind in BUTTON_TYPES:
            continue
        if kind == "hidden":
            hidden[name] = node.attributes.get("value") or ""
            continue
        label = label_for(doc, form, node, labels)
        if honeypots.is_trap(node, clean_text(label) if label is not None else None):
            traps.add(node.mem_id)
        else:
            visible.append((node, name, kind, label))
    fields = []
    for node, name, kind, label in visible:  # traps known, a label beside can be trusted
        text, marked = label_text(label or label_beside(node, form, traps))
        if not text:
            text, marked_too = plain_label(doc, node)
            marked = marked or marked_too
        fields.append(FormField(name=name, type=kind, label=text,
                                required=is_required(node) or marked))
    return fields, hidden


# -- which form -----------------------------------------------------------------------------

def _find_form(doc: Document) -> LexborNode | None:
    best, best_score = None, 0
    for _, form in page_index(doc).forms:
        if first_tagged(form, _TEXTAREA_IDS) is None:
            continue  # every comment form has one (WordPress's, once logged in, too)
        score = _score(form, _own_action(doc, form))
        if score > best_score:
            best, best_score = form, score
    return best


def _own_action(doc: Document, form: LexborNode) -> str:
    """The part of the action that says something about the form.

    An action back to the page itself only names the article (whose slug may say
    'contact' or 'comment'), so then only its fragment counts.
    """
    action = _written_action(form)
    target = _action(doc, form)
    if target and doc.address and not action.lower().startswith("javascript:") and \
            PageAddress(doc.address).is_self(target):
        return urlsplit(target).fragment.lower()
    return action.lower()


def _score(form: LexborNode, action: str) -> int:
    """How surely `form` posts a comment: 0 for not at all."""
    names = " ".join(names_of(form)) + " " + (attr(form, "name") or "")
    if "wp-comments-post" in action or attr(form, "id") == "commentform":
        return 10
    textareas = form.css("textarea")
    textareas = [t for t in textareas if not is_hidden(t, form)] or textareas
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


# -- the rest of the form -------------------------------------------------------------------

def _written_action(form: LexborNode) -> str:
    """The address the form posts to, as written. An AMP page's form posts with `action-xhr`
    (AMP allows no `action` on a POST form, and sends a GET form there too when it has one)."""
    attributes = form.attributes
    return (attributes.get("action-xhr") or attributes.get("action") or "").strip()


def _action(doc: Document, form: LexborNode) -> str | None:
    action = _written_action(form)
    if action.lower().startswith("javascript:"):
        return action
    if not action:
        return doc.address
    base = doc.base_url or doc.address
    try:
        return urljoin(base, action) if base else action
    except ValueError:
        return action


def _notes(form: LexborNode) -> str | None:
    """The form's notes ('Your email address will not be published…'): the first text block
    in the form that is no field's label, by the surest sign first.

    1. A block its markup calls a note or help (WordPress's `comment-notes` and
       `logged-in-as`, Drupal's field `description`, Bootstrap's `help-block`, `hint`,
       `info`, `rules`...).
    2. The text a field names with `aria-describedby`.
    3. Else a block of text anywhere among the fields: before the first one, under the
       textarea, in a table's cell... in any language and script.
    4. Else a line set straight among the fields, in no block of its own.
    A block holding a field, a label or a button is none, nor is one that is only a link,
    a hidden one, a short line standing right before a field (a label without <label>), a
    line asking to sign in (see `_is_account_line`) or a script's template ('%s').
    """
    for element in form.css("[class*=note i], [class*=logged i], [id*=note i]"):
        if not _NOTE_WORDS.isdisjoint(markup_words(element)):
            text = _note_text(element, form, named=True)
            if text:
                return text
    for node in form.css("[aria-describedby]"):
        for ref in (attr(node, "aria-describedby") or "").split():
            described = first_with(form, "", "id", ref)
            text = clean_text(described) if described is not None else ""
            if text:
                return text
    for element in form.css("p, div, span, small, em, li, dd, td"):
        if element.tag != "p" and not element.text(deep=False).strip() and (
                _HELP_WORDS.isdisjoint(markup_words(element))):
            continue  # a wrapper: its text, if any, is in a block of its own
        if any(parent.tag in ("label", "button", "a", "legend", "select")
               for parent in ancestors(element, form)):
            continue
        block = _widest_note(element, form)
        text = _note_text(block, form) if block is not None else None
        if text and not _stands_for_a_label(block, text):
            return text
    return _loose_note(form)


def _loose_note(form: LexborNode) -> str | None:
    """A line set straight among the fields (`<form>Your email…<br><input…>`, text beside a
    field in one cell): each run of text and inline elements between two fields, blocks or
    line breaks, that is no field's label and no message shown only on a mistake."""
    for holder in (form, *form.css("fieldset, div, td, p, li")):
        if not holder.text(deep=False).strip() or not _holds_fields(holder):
            continue  # (a block of text alone was read above)
        if holder is not form and holder.css_first("input[type=checkbox i], input[type=radio i]"):
            continue  # a line beside an option is its label ('Notify me of new comments.')
        if any(_says_no_note(e) or e.tag in _NO_NOTE_TAGS
               for e in (holder, *ancestors(holder, form))) or is_hidden(holder, form):
            continue
        run: list[LexborNode] = []
        before = None
        for child in holder.iter(include_text=True):
            if not child.is_element_node and not child.is_text_node:
                continue  # (an HTML comment)
            if child.is_text_node or (child.tag in _INLINE and not _holds_fields(child)):
                run.append(child)
                continue
            text = _run_text(run, before, _past_breaks(child))  # (a label may stand a line above)
            if text:
                return text
            run, before = [], child
        text = _run_text(run, before, None)
        if text:
            return text
    return None


def _past_breaks(node: LexborNode) -> LexborNode | None:
    """`node`, or what follows it past line breaks and blank space."""
    while node is not None and (node.tag == "br" or not node.is_element_node and not (
            node.is_text_node and (node.text_content or "").strip())):
        node = node.next
    return node


def _run_text(run: list[LexborNode], before: LexborNode | None,
              after: LexborNode | None) -> str | None:
    """The text of a run of inline nodes, unless it is none of the form's notes: too short,
    only links, hidden, or a field's label (the line right after a checkbox, a short line
    right after or before a field)."""
    if not run:
        return None
    text = " ".join("".join((n.text_content if n.is_text_node else n.text()) or ""
                            for n in run).split())
    count = len(words(text))
    if count < _NOTE_MIN_WORDS:
        return None
    if any(not n.is_text_node and (is_hidden(n) or _says_no_note(n)) for n in run):
        return None
    if all(n.tag == "a" or (n.is_text_node and not (n.text_content or "").strip()) for n in run):
        return None  # a link to help pages, no note
    if _labels_a_field(text, before, after):
        return None
    return text


def _note_above(form: LexborNode) -> str | None:
    """A note standing outside the form, between its heading and the form ('Comments are
    moderated…' under 'Leave a comment'): the block nearest the form, looked for beside
    the form, else beside its wrapper. Without a heading above, the blocks before the form
    are the page's, not the form's; past the form's heading, they are the comments'."""
    for parent, _ in zip((form, *ancestors(form)), range(2)):
        note = None
        node = parent.prev
        while node is not None:
            if node.is_element_node:
                if node.tag in _HEADINGS or is_title(node):
                    return note
                if note is None and node.tag in ("p", "div", "small", "span"):
                    note = _note_text(node, node.parent)
            node = node.prev
    return None


def _note_text(element: LexborNode, form: LexborNode, named: bool = False) -> str | None:
    """The note's text: some words, not hidden, holding no field and not only a link; and,
    unless its markup calls it a note, no message the form shows only on a mistake or on
    demand (a warning, an error, a captcha's, a block hidden by its class)."""
    if _holds_fields(element) or is_hidden(element, form):
        return None
    if not named and any(_says_no_note(e) for e in (element, *ancestors(element, form))):
        return None
    text = clean_text(element)
    count = len(words(text))
    if count < _NOTE_MIN_WORDS and not (count and text.startswith(_MARKER_SIGNS)):
        return None  # (but for the legend of the required sign: '* Pflichtfeld', '* required')
    if text == " ".join(clean_text(link) for link in element.css("a")).strip():
        return None  # a link to help pages, no note
    if _TEMPLATE.search(text) or _is_account_line(element, form):
        return None  # (a script's template, shown only once filled in: 'Connecting to %s')
    return text


def _is_account_line(element: LexborNode, form: LexborNode) -> bool:
    """A line asking the reader to sign in, or naming the account they are signed in with:
    its markup, or a link in it or in the row of buttons right after it, says so
    (`must-log-in`, `nonLogged`, `auth`, `wp-login.php`, `/account/login`,
    `nascar-signin-link`). It tells how to comment, not what becomes of a comment."""
    for node in (element, *ancestors(element, form)):
        if _says_account(name_words(" ".join(names_of(node)))):
            return True
    following = element.next
    while following is not None and not following.is_element_node:
        following = following.next
    for scope in (element, following):
        if scope is None:
            continue
        # (One walk of the block for what may say so; each match is then read word by word.)
        for node in scope.css(_ACCOUNT_MARKS):
            if _says_account(name_words(" ".join(names_of(node)))):
                return True
            href = node.attributes.get("href") if node.tag == "a" else None
            if href and _says_account(tuple(w for w in _HREF_WORD.split(href.lower()) if w)):
                return True
    return False


def _says_account(name_w: tuple[str, ...]) -> bool:
    """Whether words (or two or three of them run together) name signing in or out."""
    if not name_w:
        return False
    joined = {*name_w, *(a + b for a, b in zip(name_w, name_w[1:])),
              *(a + b + c for a, b, c in zip(name_w, name_w[1:], name_w[2:]))}
    return not _ACCOUNT_WORDS.isdisjoint(joined)


def _says_no_note(element: LexborNode) -> bool:
    """A block the form shows only on a mistake, on demand or in a state it takes (a
    warning, a captcha's line, a class that hides it, AMP's `submitting` and
    `submit-success` templates)."""
    attrs = element.attributes
    return (not _NO_NOTE_WORDS.isdisjoint(attribute_words(attrs))
            or not _STATE_ATTRIBUTES.isdisjoint(attrs))


def _widest_note(element: LexborNode, form: LexborNode) -> LexborNode | None:
    """The largest block around `element` (inside the form) that holds no field."""
    if _holds_fields(element):
        return None
    block = element
    for parent in ancestors(element, form):
        if _holds_fields(parent):
            break
        block = parent
    return block


def _holds_fields(element: LexborNode) -> bool:
    return any(control_kind(node) != "hidden" for node in element.css(_FIELDS))


def _stands_for_a_label(block: LexborNode, text: str) -> bool:
    """A block that is a field's label written without <label> (see `_labels_a_field`), unless
    its markup calls it help (but for the line after a checkbox or a radio button)."""
    preceding = block.prev
    while preceding is not None and not preceding.is_element_node:
        preceding = preceding.prev
    following = block.next
    while following is not None and not following.is_element_node:
        following = following.next
    if not _HELP_WORDS.isdisjoint(markup_words(block)):
        return _is_option(preceding)
    return _labels_a_field(text, preceding, following)


def _labels_a_field(text: str, before: LexborNode | None, after: LexborNode | None) -> bool:
    """Whether a line between `before` and `after` (elements, or None) is a field's label: the
    line right after a checkbox or a radio button, or a short one (a few words, no full
    stop: a note states, a label names or asks) right before a field or a block of fields,
    or right after a one-line field."""
    if _is_option(before):
        return True
    if len(words(text)) > _LABEL_MAX_WORDS or text.endswith(_STATEMENT_ENDS):
        return False
    if before is not None and before.tag == "input" and control_kind(before) not in _NOT_FILLED:
        return True
    if after is None or not after.is_element_node:
        return False
    if after.tag in ("input", "textarea", "select", "button"):
        return control_kind(after) not in _NOT_FILLED  # (no label names a button)
    return _holds_fields(after)


def _is_option(node: LexborNode | None) -> bool:
    return node is not None and node.tag == "input" and control_kind(node) in ("checkbox", "radio")


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
