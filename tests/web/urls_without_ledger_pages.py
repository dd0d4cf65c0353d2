"""The project's URLs without the ledger's and the close of business's pages.

The console must still render when those URL names do not resolve.
"""

from hujin.config.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    p for p in project_urlpatterns if getattr(p, "namespace", None) not in ("ledger", "cob")
]
