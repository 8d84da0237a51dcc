"""Control characters: no person types them, and PostgreSQL refuses a NUL in any text. Pure.

Tabs and line breaks are allowed (a note has lines); every other C0/C1 control and DEL is not.
"""

import re

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def has_control_characters(text: str) -> bool:
    return CONTROL.search(text) is not None
