"""Logging filters that keep personal data out of the logs.

``QueryStringFilter`` sits on the access log (``django.server``: ``hujin serve`` and Django's
development server) and on ``django.request``: a request line such as
``"GET /customers/?q=13812345678 HTTP/1.1" 200 512`` is logged as
``"GET /customers/?… HTTP/1.1" 200 512``. A query string may hold anything a client typed (a
search for a mobile or identity number), so no query string is logged, whatever its parameters.
Hujin's own pages never put personal data in a URL (searches are POSTed); this filter is for
what a client sends anyway.
"""

import logging
import re

# From "?" to the end of the URL: whitespace or a quote ends it in a request line.
_QUERY_STRING = re.compile(r"\?[^\s\"']*")
OMITTED = "?…"


def without_query_strings(text: str) -> str:
    return _QUERY_STRING.sub(OMITTED, text)


class QueryStringFilter(logging.Filter):
    """Rewrites each record's message with every query string replaced by ``?…``."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "?" in message:
            record.msg = without_query_strings(message)
            record.args = ()
        return True
