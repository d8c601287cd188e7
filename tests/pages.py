"""Small hand-made pages for tests that build one page around the markup they exercise."""
from __future__ import annotations


def article_page(body: str = "", head: str = "") -> str:
    return f"<!DOCTYPE html><html><head>{head}</head><body><article>{body}</article></body></html>"


def comment_form_page(fields: str) -> str:
    return article_page(f"<p>Text.</p><div id=respond><form id=commentform action=/post method=post>{fields}</form></div>")


def json_ld_page(json_text: str, head: str = "") -> str:
    return article_page("<p>Text.</p>", f'{head}<script type="application/ld+json">{json_text}</script>')
