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
    assert "Un code compte 6\u00a0lettres et chiffres" in summary.inner_text()
    summary.get_by_role("link").first.click()
    assert browser_page.evaluate("document.activeElement.id") == "code"


def test_start_page_fits_a_320_pixel_phone(new_browser_page):
    page = new_browser_page(viewport={"width": 320, "height": 640}, device_scale_factor=2)
    page.goto("/fr/")
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= 320
