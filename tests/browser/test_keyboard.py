def test_patient_can_start_a_check_with_the_keyboard_alone(browser_page):
    browser_page.goto("/en/")
    browser_page.keyboard.press("Tab")
    assert browser_page.evaluate("document.activeElement.textContent") == "Skip to main content"
    for _ in range(20):
        browser_page.keyboard.press("Tab")
        if browser_page.evaluate("document.activeElement.dataset.testid") == "start-check":
            break
    else:
        raise AssertionError("the start button cannot be reached with Tab")
    browser_page.keyboard.press("Enter")
    browser_page.wait_for_url("**/en/check/connection")
    code = browser_page.get_by_test_id("reference-code").inner_text()
    assert len(code) == 7 and code[3] == "-"


def test_code_form_error_summary_links_to_the_field(browser_page):
    browser_page.goto("/fr/code")
    browser_page.get_by_label("Code donné par le soutien technique").fill("zz")
    browser_page.keyboard.press("Enter")
    summary = browser_page.locator(".error-summary")
    assert "Un code compte 8\u00a0lettres et chiffres" in summary.inner_text()
    summary.get_by_role("link").first.click()
    assert browser_page.evaluate("document.activeElement.id") == "code"


def test_start_page_fits_a_320_pixel_phone(new_browser_page):
    page = new_browser_page(viewport={"width": 320, "height": 640}, device_scale_factor=2)
    page.goto("/fr/")
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= 320


def tab_to(page, condition: str, most: int = 60) -> None:
    """Press Tab until the focused element meets the condition (JavaScript, on `el`)."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate(f"(el => {condition})(document.activeElement)"):
            return
    raise AssertionError(f"nothing matching {condition} can be reached with Tab")


def test_desk_agent_finds_a_check_and_records_consent_with_the_keyboard_alone(
    app, new_browser_page, make_staff
):
    from readiness.extensions import db
    from readiness.models import Check, ConsentRecord
    from tests.browser.test_desk import sign_in_agent

    with app.app_context():
        db.session.add(Check(reference_code="K7P4QX", language="fr"))
        db.session.commit()
    page, _ = sign_in_agent(new_browser_page, make_staff, "en")
    tab_to(page, "el.id === 'q'")
    page.keyboard.type("k7p 4qx")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-testid=search-results]")
    tab_to(page, "el.dataset.testid === 'check-link'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/desk/checks/*")
    tab_to(page, "el.textContent.trim() === 'Record verbal consent'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/consent")
    tab_to(page, "el.id === 'read_aloud'")
    page.keyboard.press("Space")
    tab_to(page, "el.name === 'decision'")
    page.keyboard.press("Space")
    tab_to(page, "el.type === 'submit' && el.closest('main')")
    page.keyboard.press("Enter")
    page.wait_for_url("**/desk/checks/*")
    assert page.get_by_test_id("desk-consent").get_attribute("data-method") == "verbal_desk"
    with app.app_context():
        [consent] = db.session.scalars(db.select(ConsentRecord)).all()
        assert (consent.decision, consent.language) == ("agreed", "fr")
