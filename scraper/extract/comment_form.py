"""The form that posts a new top-level comment, as metadata."""
from __future__ import annotations

from .document import Document, attr, text_of
from ..models import CommentForm, FormField


def extract_comment_form(doc: Document) -> CommentForm | None:
    form = doc.tree.css_first("form#commentform, form.comment-form, #respond form")
    if form is None:
        return None
    fields: list[FormField] = []
    hidden: dict[str, str] = {}
    for node in form.css("input, textarea, select"):
        name = attr(node, "name")
        kind = (attr(node, "type") or "text").lower() if node.tag == "input" else node.tag
        if not name or kind in ("submit", "button", "image", "reset") or name.startswith("ak_hp"):
            continue
        if kind == "hidden":
            hidden[name] = node.attributes.get("value") or ""
            continue
        label_node = form.css_first(f'label[for="{attr(node, "id")}"]') if attr(node, "id") else None
        label = text_of(label_node).rstrip("* ").strip() or attr(node, "placeholder")
        required = "required" in node.attributes or attr(node, "aria-required") == "true"
        fields.append(FormField(name=name, type=kind, label=label or None, required=required))
    submit = form.css_first('input[type="submit"], button[type="submit"], button')
    notes = form.css_first(".comment-notes, .logged-in-as")
    heading = doc.tree.css_first("#reply-title")
    return CommentForm(
        action=doc.absolute(attr(form, "action")) or doc.url,
        method=(attr(form, "method") or "get").lower(),
        fields=fields,
        hidden=hidden,
        notes=text_of(notes) or None,
        submit=(attr(submit, "value") or text_of(submit) or None) if submit is not None else None,
        html_id=attr(form, "id"),
        title=text_of(heading) or None,
    )
