"""Password rules beyond Django's: a customer's password may not contain their mobile number.

Installed in ``AUTH_PASSWORD_VALIDATORS`` next to Django's length (8), common-password and
similarity validators; ``password_check`` runs them all and raises the module's error.
"""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from hujin.identity.errors import PasswordInvalid

MOBILE_TAIL_DIGITS = 8


class MobileNumberPasswordValidator:
    """Refuses a password containing the user's mobile number or its last 8 digits."""

    def validate(self, password, user=None):
        mobile = getattr(user, "mobile", "") or ""
        national = mobile.removeprefix("+86")
        if not national:
            return
        digits = "".join(ch for ch in password if ch.isdigit())
        if national in digits or national[-MOBILE_TAIL_DIGITS:] in digits:
            raise ValidationError(
                _("The password cannot contain your mobile number."),
                code="password_contains_mobile",
            )

    def get_help_text(self):
        return _("Your password cannot contain your mobile number.")


def password_check(password: str, *, user) -> None:
    """Run every configured password validator. Raises PasswordInvalid with their messages."""
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise PasswordInvalid(list(exc.messages)) from None
