"""Staff sign in and act over HTTPS, as behind the deployment's TLS (security review 3, F3)."""

import pytest

from tests.conftest import STAFF_PASSWORD


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_a_desk_agent_signs_in_and_starts_a_callers_check(
    request, new_browser_page, make_staff, assert_accessible, scheme
):
    server = request.getfixturevalue("https_live_server" if scheme == "https" else "live_server")
    user = make_staff("desk", display_name="Agent Gagnon")
    page = new_browser_page(base_url=server, ignore_https_errors=True)
    posts = []
    page.on("request", lambda sent: posts.append(sent) if sent.method == "POST" else None)

    page.goto("/auth/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/desk/")
    assert page.url.startswith(f"{scheme}://")

    page.locator("input[name=language][value=fr]").check()
    page.get_by_test_id("start-caller-check").click()
    page.wait_for_url("**/desk/checks/*")
    assert page.get_by_test_id("reference-code").inner_text()
    assert_accessible(page)
    # The browser tells the server where each form came from, and nothing more than this site.
    origins = {sent.headers.get("origin") for sent in posts}
    assert origins == {server}
