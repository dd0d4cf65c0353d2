"""What the risk module's browser journeys share: staff members holding just the permissions a
journey needs (with a confirmed TOTP device, as the console asks of staff), and screenshots
taken once the page is checked to fit the screen's width."""

from pathlib import Path

from tests.browser.test_payments_journey import _fits


def staff_member(username: str, permissions):
    """A staff login named ``username`` holding ``permissions`` ("app_label.codename")."""
    from django.contrib.auth.models import Permission

    from hujin.identity.models import User
    from tests.conftest import _totp_device_confirmed

    user = User.objects.create(username=username, kind=User.Kind.STAFF, is_staff=True,
                               first_name=username)  # fmt: skip
    for name in permissions:
        app_label, codename = name.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    _totp_device_confirmed(user)
    return User.objects.get(pk=user.pk)


def screen_size(viewport: dict) -> str:
    return "phone" if viewport["width"] < 500 else "desktop"


def shot(page, directory: Path, name: str) -> None:
    """Check the page fits its width, then keep a full-page screenshot ``directory/name.png``."""
    _fits(page)
    directory.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(directory / f"{name}.png"), full_page=True)
