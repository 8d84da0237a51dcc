"""The French catalog is complete, in sync with the code, and follows French typography."""

import re
import subprocess
import sys

from babel.messages.pofile import read_po

from tests.conftest import PROJECT_ROOT

CATALOG = PROJECT_ROOT / "translations/fr/LC_MESSAGES/messages.po"
NBSP = "\u00a0"


def load_catalog():
    with open(CATALOG, "rb") as f:
        return read_po(f)


def msgid(message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def translations(message):
    return [message.string] if isinstance(message.string, str) else list(message.string)


def test_every_french_entry_is_translated_and_not_fuzzy():
    catalog = load_catalog()
    untranslated = [msgid(m) for m in catalog if m.id and not all(translations(m))]
    fuzzy = [msgid(m) for m in catalog if m.id and m.fuzzy]
    assert not untranslated, f"untranslated: {untranslated}"
    assert not fuzzy, f"fuzzy: {fuzzy}"


def test_every_string_in_the_code_is_in_the_french_catalog(tmp_path):
    template = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "_p:1c,2",
            "-o",
            str(template),
            "--no-location",
            "readiness",
            "templates",
        ],
        cwd=PROJECT_ROOT,
        check=True,
        capture_output=True,
    )
    with open(template, "rb") as f:
        extracted = {msgid(m) for m in read_po(f) if m.id}
    in_catalog = {msgid(m) for m in load_catalog() if m.id}
    missing = sorted(extracted - in_catalog)
    assert not missing, f"run `make translations` and translate: {missing}"
    assert len(extracted) > 50


def test_french_uses_non_breaking_spaces_before_double_punctuation_and_inside_guillemets():
    problems = []
    for message in load_catalog():
        if not message.id:
            continue
        for text in translations(message):
            plain = re.sub(r"<[^>]+>|%\([a-z_]+\)s", "", text or "")
            if re.search(r"[ \w][:;!?](\s|$)", plain) and not re.search(r"https?:", plain):
                problems.append(text)
            if re.search(r"«[^\u00a0]|[^\u00a0]»", plain):
                problems.append(text)
    assert not problems, f"French typography: {problems}"


def test_french_placeholders_match_the_english_ones():
    for message in load_catalog():
        if not message.id:
            continue
        expected = sorted(re.findall(r"%\(\w+\)s", msgid(message)))
        for text in translations(message):
            assert sorted(re.findall(r"%\(\w+\)s", text)) == expected, msgid(message)
