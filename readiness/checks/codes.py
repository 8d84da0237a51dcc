"""Codes read aloud over the phone, and the long random tokens in invitation links.

Two lengths. A check's reference code (6 characters, K7P-4QX) only lets signed-in staff find the
check: it opens nothing. A code that lets a browser in (printed on an invitation, or read out by
the desk for a check it started) has 8 characters in two groups of 4 (K7PM-4QX9): 31^8 is about
8.5 x 10^11, which with the limits on wrong codes makes guessing hopeless (README).
"""

import hashlib
import itertools
import re
import secrets

# No 0/O, 1/I/L: nothing that sounds or looks like something else.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 6  # reference codes: they find a check, never open one
JOIN_LENGTH = 8  # codes that let a browser start or join a check
LENGTHS = (LENGTH, JOIN_LENGTH)


def new_code(length: int = LENGTH) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def display_code(code: str) -> str:
    """K7P4QX -> K7P-4QX; K7PM4QX9 -> K7PM-4QX9."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def normalize_code(text: str) -> str | None:
    """What the person typed, as a stored code; None if it cannot be one."""
    cleaned = re.sub(r"[\s\-_.]", "", text or "").upper()
    if len(cleaned) not in LENGTHS or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


# What a caller may read or type for a character that codes never hold, and the characters of the
# alphabet it most likely stands for: a round O or zero is the Q (or D) of the code; a 1, I or L
# is the 7, J or T. Every other character of the alphabet is taken as written.
LOOK_ALIKES = {
    "0": "QD",
    "O": "QD",
    "1": "7JT",
    "I": "7JT",
    "L": "7JT",
}
MAX_LOOK_ALIKES = 3  # at most 3 x 3 x 3 = 27 codes to look up


def code_candidates(text: str) -> list[str]:
    """Every stored code the person may mean, for the support desk's search.

    Forgiving of case, spaces and dashes (as normalize_code) and of look-alike characters that
    codes never hold (LOOK_ALIKES); empty when the text cannot be a code.
    """
    cleaned = re.sub(r"[\s\-_.]", "", text or "").upper()
    if len(cleaned) not in LENGTHS:
        return []
    choices = []
    for ch in cleaned:
        if ch in ALPHABET:
            choices.append(ch)
        elif ch in LOOK_ALIKES:
            choices.append(LOOK_ALIKES[ch])
        else:
            return []
    if sum(len(options) > 1 for options in choices) > MAX_LOOK_ALIKES:
        return []
    return ["".join(combination) for combination in itertools.product(*choices)]


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """Tokens are looked up by their hash: the database never holds a usable link."""
    return hashlib.sha256(token.encode()).hexdigest()
