"""Control characters: what no text taken from a page may carry to a terminal.

C0 controls other than tab and newline, DEL and the C1 controls are terminal commands,
never a reader's text: ESC [2J clears the screen, ESC ]0;…BEL retitles the window,
ESC ]52 writes the clipboard, U+009B starts a command on its own. Browsers show
none of them. The extractor drops them from the text it stores, and the command
line drops them from whatever it prints (an archive written before, a server's
error message, a URL).
"""
from __future__ import annotations

import re

CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def without_controls(text: str) -> str:
    return CONTROLS.sub("", text)
