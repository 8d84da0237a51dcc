import pytest
from axe_playwright_python.sync_playwright import Axe

axe = Axe()


def axe_violations(page) -> str:
    """Every axe rule, WCAG 2.2 AA and best practices; '' when the page is clean."""
    results = axe.run(page, options={"resultTypes": ["violations"]})
    if results.violations_count == 0:
        return ""
    lines = []
    for violation in results.response["violations"]:
        targets = [", ".join(node["target"]) for node in violation["nodes"]]
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} at {targets}")
    return "\n".join(lines)


@pytest.fixture
def assert_accessible():
    def check(page):
        problems = axe_violations(page)
        assert not problems, f"axe found violations on {page.url}:\n{problems}"

    return check
