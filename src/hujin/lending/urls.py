"""The lending pages: the customer's (urls_portal) and the console's (urls_console)."""

from hujin.lending import urls_console, urls_portal

app_name = "lending"
urlpatterns = [*urls_portal.urlpatterns, *urls_console.urlpatterns]
