"""Forms of the customer pages: sign-up, log-in, password reset. The field names are stable
(the browser journey tests fill them): ``mobile``, ``terms``, ``code``, ``password``,
``password1``, ``password2``."""

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hujin.identity.errors import TermsNotAccepted


class MobileForm(forms.Form):
    mobile = forms.CharField(
        label=_("Mobile number"),
        max_length=32,
        widget=forms.TextInput(
            attrs={
                "inputmode": "tel",
                "autocomplete": "tel-national",
                "placeholder": "138 1234 5678",
            }
        ),
        help_text=_("A mainland China mobile number. We will text it a 6-digit code."),
    )


class SignupMobileForm(MobileForm):
    """Sign-up's first step: the mobile number and, when there are documents to agree to
    (``signup_terms``), the box that says the visitor read and agrees to them. The page writes
    the box's label itself, with a link to each document."""

    terms = forms.BooleanField(required=True, error_messages={"required": TermsNotAccepted.message})

    def __init__(self, *args, terms=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.terms = list(terms)  # signup_terms.SignupTerm
        if not self.terms:
            del self.fields["terms"]

    @property
    def terms_label(self):
        """ "I have read and agree to the Service agreement and the Privacy policy.", each title
        a link to the document's full text (opened beside the form, which keeps what was typed)."""
        links = [
            format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', t.url, t.title)
            for t in self.terms
        ]
        if len(links) == 2:
            return format_html(
                gettext("I have read and agree to the {first} and the {second}."),
                first=links[0],
                second=links[1],
            )
        joined = format_html_join(", ", "{}", ((link,) for link in links))
        return format_html(gettext("I have read and agree to the {documents}."), documents=joined)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9 ]*"}
        ),
        help_text=_("The 6 digits in the text message we sent. The code is valid for 5 minutes."),
    )


class NewPasswordForm(forms.Form):
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "At least 8 characters. Not a common password, not only digits, and not your "
            "mobile number."
        ),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class CustomerLoginForm(forms.Form):
    mobile = forms.CharField(
        label=_("Mobile number"),
        max_length=32,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class StaffLoginForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
