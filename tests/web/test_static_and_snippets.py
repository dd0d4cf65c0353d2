from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.template import RequestContext, Template
from django.test import RequestFactory

pytestmark = pytest.mark.django_db


class TestStaticFiles:
    @pytest.mark.parametrize(
        "name", ["web/htmx.min.js", "web/hujin.css", "web/hujin.js", "web/favicon.svg"]
    )
    def test_ships_with_the_app_no_cdn(self, name):
        assert finders.find(name)

    def test_htmx_is_version_2(self):
        source = Path(finders.find("web/htmx.min.js")).read_text(encoding="utf-8")

        assert 'version:"2.' in source

    def test_the_stylesheet_has_a_money_class_and_a_phone_layout(self):
        css = Path(finders.find("web/hujin.css")).read_text(encoding="utf-8")

        assert ".money {" in css and "tabular-nums" in css
        assert "@media (max-width: 760px)" in css

    def test_pages_load_them_and_tell_htmx_to_inject_no_style(self, staff_client):
        content = staff_client.get("/").content.decode()

        assert '<script src="/static/web/htmx.min.js" defer></script>' in content
        assert '<link rel="stylesheet" href="/static/web/hujin.css">' in content
        assert '"includeIndicatorStyles": false' in content
        assert '"historyCacheSize": 0' in content  # no page snapshots in localStorage
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in content
        assert 'hx-headers=\'{"X-CSRFToken": "' in content


def render(source: str, path: str = "/things/", **context) -> str:
    request = RequestFactory().get(path)
    return Template(source).render(RequestContext(request, context))


class TestPaginationSnippet:
    SNIPPET = '{% include "web/_pagination.html" with newer=newer older=older %}'

    def test_links_newer_and_older_keeping_other_parameters(self):
        html = render(self.SNIPPET, "/things/?q=abc&before=x", newer="n1", older="o1")

        assert 'rel="prev" href="?q=abc&amp;after=n1"' in html
        assert 'rel="next" href="?q=abc&amp;before=o1"' in html

    def test_greys_out_the_end_it_has_reached(self):
        html = render(self.SNIPPET, newer=None, older="o1")

        assert 'aria-disabled="true">← Newer' in html
        assert 'rel="next"' in html

    def test_renders_nothing_for_a_single_page(self):
        assert render(self.SNIPPET, newer=None, older=None).strip() == ""


class TestEmptyStateSnippet:
    def test_shows_title_text_and_action(self):
        html = render(
            '{% include "web/_empty.html" with title="No transfers" text="None yet." '
            'action_url="/new/" action_label="New transfer" %}'
        )

        assert "No transfers" in html and "None yet." in html
        assert '<a class="button button-primary" href="/new/">New transfer</a>' in html

    def test_needs_only_a_title(self):
        html = render('{% include "web/_empty.html" with title="Nothing" %}')

        assert "Nothing" in html and "<a " not in html
