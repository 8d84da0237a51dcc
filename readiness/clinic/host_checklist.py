"""The host's checklist for a video visit, from the institution's settings. Pure."""


def visit_checklist(config, language: str) -> list[str]:
    """VISIT_CHECKLIST_<LANG>: a list, or text with one item per line; blank items dropped."""
    value = config.get(f"VISIT_CHECKLIST_{language.upper()}") or ()
    if isinstance(value, str):
        value = value.splitlines()
    return [str(item).strip() for item in value if str(item).strip()]
