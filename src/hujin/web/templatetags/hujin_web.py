from django import template

register = template.Library()


@register.filter
def is_current(path: str, url: str) -> bool:
    """True when ``path`` is ``url`` or below it; the console home matches only itself."""
    if not url:
        return False
    if url == "/":
        return path == "/"
    return path == url or path.startswith(url.rstrip("/") + "/")
