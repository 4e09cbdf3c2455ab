"""Every PDF the product writes is one of its HTML pages, printed by WeasyPrint: one layout per document.

Why not a second layout drawn by hand (ReportLab and Helvetica did that): the borough's names
are written in every script. WeasyPrint lays text out with Pango and HarfBuzz, so Polish,
Turkish, Vietnamese, Greek, Cyrillic and Arabic names are shaped and ordered (Arabic joined
and right to left) with the fonts that cover them, and each font is embedded in the file.
The fonts come from Debian (``fonts-noto-core``, ``fonts-dejavu-core``) and Pango from
Debian too; ``make setup`` installs both (the Makefile's ``pdf-packages``).

- ``render_pdf`` renders a template with its request, as the page would be, and prints it:
  the template's ``@media print`` styles and ``@page`` rules lay out the paper.
- Only the site's own static files (and ``data:`` addresses, which a stylesheet carries in
  itself) are read while printing (``static_files_fetcher``): no request leaves the server,
  and a stylesheet that cannot be found stops the PDF rather than printing it unstyled.
"""

from __future__ import annotations

import logging
import os
from functools import cache
from typing import TYPE_CHECKING
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.loader import render_to_string

if TYPE_CHECKING:
    from django.http import HttpRequest

__all__ = ["PDF_BASE_URL", "html_pdf", "render_pdf", "static_files_fetcher"]

# Where relative addresses in a page resolve when there is no request to take the site's address from.
PDF_BASE_URL = "http://localhost/"


class _ScreenOnlyCSS(logging.Filter):
    """Drops WeasyPrint's notes on CSS it does not print (Bootstrap's media features, vendor prefixes...).

    Every page's stylesheets are made for screens too, so each PDF would log a hundred of them.
    Everything else WeasyPrint says is kept: a stylesheet that failed to load, or a letter
    no installed font has (".notdef glyph rendered...").
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.levelno <= logging.WARNING and f"{os.sep}weasyprint{os.sep}css{os.sep}" in record.pathname)


logging.getLogger("weasyprint").addFilter(_ScreenOnlyCSS())


@cache
def _fetcher_class():
    # WeasyPrint loads Pango through cffi when imported: import it when a PDF is asked for, not at start-up,
    # so a machine without Pango still serves every page but the PDFs.
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    class StaticFilesFetcher(URLFetcher):
        """Reads the site's static files (stylesheets) from disk, and data: addresses; refuses every other address."""

        def __init__(self, base_url: str):
            super().__init__(timeout=5, allowed_protocols=("http", "https", "data"))
            self.static_prefix = urljoin(base_url, settings.STATIC_URL)

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if not url.startswith(self.static_prefix):
                raise ValueError(f"Only the site's static files are read into a PDF, not {url}")
            name = unquote(urlsplit(url[len(self.static_prefix) :]).path)
            # The source files (development, tests), else the collected ones (production's hashed names).
            path = finders.find(name) or (staticfiles_storage.path(name) if staticfiles_storage.exists(name) else None)
            if path is None:
                raise FatalURLFetchingError(f"The static file {name} is missing (npm ci, collectstatic)")
            with open(path, "rb") as file:
                body = file.read()
            content_type = "text/css" if name.endswith(".css") else "application/octet-stream"
            return URLFetcherResponse(url, body, {"Content-Type": content_type})

    return StaticFilesFetcher


def static_files_fetcher(base_url: str):
    """A WeasyPrint URL fetcher that reads the site's static files under ``base_url`` and nothing else."""
    return _fetcher_class()(base_url)


def html_pdf(html: str, *, base_url: str = PDF_BASE_URL) -> bytes:
    """Print an HTML document (``@media print`` styles apply) to PDF bytes, fonts embedded."""
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url, url_fetcher=static_files_fetcher(base_url)).write_pdf()


def render_pdf(template_name: str, context: dict, request: HttpRequest | None = None) -> bytes:
    """Render a page's template with its request, then print it: the page and its PDF share one layout."""
    html = render_to_string(template_name, context, request=request)
    base_url = request.build_absolute_uri("/") if request is not None else PDF_BASE_URL
    return html_pdf(html, base_url=base_url)
