"""The accessibility check itself: it must fail loudly on a page with known violations."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


def test_axe_check_reports_rule_targets_and_help(browser, axe_check):
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_content('<!doctype html><html><head><title>x</title></head><body><main>'
                         '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" id="bad-image">'
                         '<a href="#" style="color:#bbb;background:#fff">faint</a></main></body></html>')
        with pytest.raises(AssertionError) as failure:
            axe_check(page)
        message = str(failure.value)
        for expected in ("html-has-lang", "image-alt", "color-contrast", "#bad-image",
                         "https://dequeuniversity.com/rules/axe/"):
            assert expected in message, message
    finally:
        context.close()


def test_reflow_check_catches_sideways_scrolling_but_allows_scrolling_tables(browser):
    from tests.e2e.conftest import assert_reflows

    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.set_content('<!doctype html><html lang="fi"><body><main><h2>Vaatimustenmukaisuustilannekatsaus'
                         'raporttiluonnos</h2><div style="overflow-x:auto"><table><tr>'
                         + '<td>sarake</td>' * 40 + '</tr></table></div></main></body></html>')
        with pytest.raises(AssertionError) as failure:
            assert_reflows(page, "probe")
        assert "Vaatimustenmukaisuustilanne" in str(failure.value) and "sarake" not in str(failure.value)

        page.set_content('<!doctype html><html lang="fi"><body><main><div style="overflow-x:auto"><table><tr>'
                         + '<td>sarake</td>' * 40 + '</tr></table></div></main></body></html>')
        assert_reflows(page, "probe")
    finally:
        context.close()
