from django import forms
from django.utils.translation import gettext_lazy as _


def _code_input(**attrs) -> forms.TextInput:
    return forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false", **attrs})


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app, or a recovery code"),
        max_length=32,
        widget=_code_input(autofocus=True),
    )


class EnrolConfirmForm(forms.Form):
    code = forms.CharField(
        label=_("6-digit code shown by the app"),
        max_length=16,
        widget=_code_input(inputmode="numeric"),
    )


class PasswordForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
