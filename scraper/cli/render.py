"""How an archived article looks in the terminal. Output only: no I/O besides the console."""
from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..models import Article, FetchResult


def article_panel(fetch: FetchResult, article: Article) -> Panel:
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold cyan", no_wrap=True)
    facts.add_column(overflow="fold")

    def fact(name: str, value: object) -> None:
        if value not in (None, "", []):
            facts.add_row(name, Text(str(value)))

    fact("URL", fetch.final_url or fetch.url)
    fact("Share URL", article.share_url)
    if article.canonical_url and article.canonical_url != article.share_url:
        fact("Canonical", article.canonical_url)
    fact("Shortlink", article.shortlink)
    fact("Author", article.author)
    fact("Published", article.published)
    fact("Modified", article.modified)
    fact("Language", article.language)
    fact("Site", article.site_name)
    fact("Words", f"{article.word_count:,}")
    fact("Tags", ", ".join(article.tags))
    for kind, label in (("prev", "Previous"), ("next", "Next")):
        for link in article.links_of(kind):
            fact(label, f"{link.title or '(no title)'}  {link.href}")
    related = article.links_of("related")
    if related:
        fact("Related", "\n".join(f"{link.title or '(no title)'}  {link.href}" for link in related))

    parts: list = [facts]
    form = article.comment_form
    if form is not None:
        fields = Table(title=Text(f"Comment form: {form.method.upper()} {form.action or ''}"),
                       title_justify="left", show_edge=False, pad_edge=False)
        fields.add_column("field")
        fields.add_column("type")
        fields.add_column("label")
        fields.add_column("required")
        for f in form.fields:
            fields.add_row(Text(f.name), Text(f.type), Text(f.label or ""),
                           "[bold red]*[/] yes" if f.required else "")
        parts += [Text(""), fields]
        if form.hidden:
            parts.append(Text("hidden: " + ", ".join(f"{k}={v}" for k, v in form.hidden.items()),
                              style="dim"))
        if form.notes:
            parts.append(Text(f"notes: {form.notes}", style="dim"))
        if form.submit:
            parts.append(Text(f"submit: {form.submit}", style="dim"))
    else:
        parts += [Text("No comment form", style="dim")]
    return Panel(Group(*parts), title=Text(article.title or "(no headline)", style="bold"),
                 title_align="left")


def print_article(console: Console, fetch: FetchResult, article: Article) -> None:
    console.print(article_panel(fetch, article))
