"""The consoles the commands print on: text from pages is shown, never obeyed.

Rich escapes its own markup, but passes terminal control sequences through (it
removes only BEL, BS, VT, FF and CR): a title holding ESC [2J would clear the
screen of whoever runs `scrape show`. Here every piece of text rendered is
cleaned once, in one place, whatever renderable it came from: tables, panels,
log lines, error messages. The cursor movements rich makes itself (the progress
bar's) are control segments, not text, and pass as they are.
"""
from __future__ import annotations

from typing import Iterable, Optional

from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment

from ..controls import CONTROLS


class SafeConsole(Console):
    """A rich Console that drops control characters from the text it renders."""

    def render(self, renderable: RenderableType,
               options: Optional[ConsoleOptions] = None) -> Iterable[Segment]:
        # Rich renders nested renderables through this method too: cheap, as text
        # without controls is only searched, never copied.
        for segment in super().render(renderable, options):
            if segment.control is None and CONTROLS.search(segment.text):
                segment = Segment(CONTROLS.sub("", segment.text), segment.style)
            yield segment
