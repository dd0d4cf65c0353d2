"""The console's forms: a product's parameters (amounts typed in yuan, rates as percentages,
fee schedules one tier a line), the review's checklist, a NAV / income entry and a CSV."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hujin.core.money import InvalidAmount, parse_amount
from hujin.products import labels
from hujin.products import types as t
from hujin.products.errors import ShortHoldingFeeTooLow

L = labels.FIELD_LABELS


class YuanField(forms.CharField):
    """An amount typed in yuan ("5000.00", "5,000", "¥5000") -> fen; empty -> None."""

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "inputmode": "decimal", "autocomplete": "off"}

    def to_python(self, value):
        text = (super().to_python(value) or "").replace(",", "").replace("¥", "").strip()
        if not text:
            return None
        try:
            if len(text) > 24:
                raise InvalidAmount("too long")
            return parse_amount(text, "CNY")
        except InvalidAmount:
            raise forms.ValidationError(
                _("Type an amount in yuan, such as 5000.00."), code="amount"
            ) from None


def percent_to_rate(text: str) -> Decimal:
    """ "3.85" or "3.85%" -> Decimal("0.0385"). Raises ValueError."""
    try:
        value = Decimal(str(text).replace("%", "").strip())
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return value.scaleb(-2)


class PercentField(forms.CharField):
    """A percentage ("3.85", "3.85%") -> a rate (Decimal("0.0385")); empty -> None. With
    ``below_100``, only a rate strictly between −100 % and 100 % is taken."""

    MAX_CHARS = 24

    def __init__(self, *args, below_100: bool = False, **kwargs):
        self.below_100 = below_100
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        text = (super().to_python(value) or "").strip()
        if not text:
            return None
        try:
            if len(text) > self.MAX_CHARS:
                raise ValueError(text)
            rate = percent_to_rate(text)
        except ValueError:
            raise forms.ValidationError(
                _("Type a percentage, such as 3.85."), code="rate"
            ) from None
        if self.below_100 and not -1 < rate < 1:
            raise forms.ValidationError(
                _("Type a percentage between −100 and 100."), code="rate_range"
            )
        return rate


def subscription_lines(text: str) -> tuple[t.SubscriptionTier, ...]:
    """One tier a line: "<from yuan> <rate %>" or "<from yuan> fixed <fee yuan>"."""
    tiers = []
    for line in (text or "").splitlines():
        parts = line.replace(",", "").replace("¥", "").replace("%", "").split()
        if not parts:
            continue
        if len(parts) == 2:
            tiers.append(
                t.SubscriptionTier(parse_amount(parts[0], "CNY"), rate=percent_to_rate(parts[1]))
            )
        elif len(parts) == 3 and parts[1].lower() == "fixed":
            tiers.append(
                t.SubscriptionTier(
                    parse_amount(parts[0], "CNY"), fixed_minor=parse_amount(parts[2], "CNY")
                )
            )
        else:
            raise ValueError(line)
    return tuple(tiers)


def redemption_lines(text: str) -> tuple[t.RedemptionTier, ...]:
    """One tier a line: "<from days> <rate %>"."""
    tiers = []
    for line in (text or "").splitlines():
        parts = line.replace("%", "").split()
        if not parts:
            continue
        if len(parts) != 2 or not parts[0].isdigit():
            raise ValueError(line)
        tiers.append(t.RedemptionTier(int(parts[0]), percent_to_rate(parts[1])))
    return tuple(tiers)


class ScheduleField(forms.CharField):
    def __init__(self, *args, parse, **kwargs):
        self.parse = parse
        super().__init__(*args, widget=forms.Textarea(attrs={"rows": 4}), **kwargs)

    def to_python(self, value):
        text = super().to_python(value) or ""
        try:
            return self.parse(text)
        except (ValueError, InvalidAmount):
            raise forms.ValidationError(
                _("One tier a line, as in the example."), code="schedule"
            ) from None


class ProductForm(forms.Form):
    code = forms.CharField(
        label=L["code"],
        max_length=32,
        help_text=_("Capital letters, digits and hyphens, such as HJ-MMF-01."),
    )
    name_zh = forms.CharField(label=L["name_zh"], max_length=100)
    name_en = forms.CharField(label=L["name_en"], max_length=100)
    issuer = forms.CharField(label=L["issuer"], max_length=100)
    risk_level = forms.ChoiceField(label=L["risk_level"])
    min_amount = YuanField(label=_("Minimum amount (yuan)"))
    increment = YuanField(label=_("Increment (yuan)"))
    cap = YuanField(
        label=_("Cap per customer (yuan)"), required=False, help_text=_("Empty for no cap.")
    )
    cooling_off = forms.BooleanField(label=labels.COOLING_OFF, required=False)
    description_zh = forms.CharField(
        label=L["description_zh"],
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )
    description_en = forms.CharField(
        label=L["description_en"],
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )
    # money-market fund
    fast_quota = YuanField(
        label=_("Fast redemption quota per customer and day (yuan)"),
        required=False,
        help_text=_("Empty: 10,000.00."),
    )
    # fixed-term
    raise_start_date = forms.DateField(
        label=L["raise_start_date"],
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    raise_end_date = forms.DateField(
        label=L["raise_end_date"],
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    min_raise = YuanField(label=_("Minimum raise (yuan)"), required=False)
    max_size = YuanField(label=_("Maximum size (yuan)"), required=False)
    value_date = forms.DateField(
        label=L["value_date"],
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    maturity_date = forms.DateField(
        label=L["maturity_date"],
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    expected_rate = PercentField(label=_("Expected annual rate (%)"), required=False)
    # NAV fund
    subtype = forms.ChoiceField(label=L["subtype"], required=False)
    cutoff_time = forms.TimeField(
        label=labels.CUTOFF,
        required=False,
        help_text=_("Empty: 15:00."),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    confirm_days = forms.IntegerField(
        label=L["confirm_days"],
        required=False,
        min_value=0,
        max_value=30,
        help_text=_("Empty: T+1."),
    )
    redemption_days = forms.IntegerField(
        label=L["redemption_days"],
        required=False,
        min_value=0,
        max_value=30,
        help_text=_("Empty: T+1 for a bond fund, T+2 for the others."),
    )
    subscription_fees = ScheduleField(
        label=L["subscription_fees"],
        required=False,
        parse=subscription_lines,
        help_text=_(
            'One tier a line: from the amount (yuan), the rate (%) or "fixed" and a '
            "fee (yuan). For example: 0 1.5 / 1000000 1.0 / 5000000 fixed 1000"
        ),
    )
    redemption_fees = ScheduleField(
        label=L["redemption_fees"],
        required=False,
        parse=redemption_lines,
        help_text=_(
            "One tier a line: from the days held, the rate (%). Under 7 days at least "
            "1.5 %. For example: 0 1.5 / 7 0.5 / 365 0"
        ),
    )

    KIND_FIELDS = {
        t.KIND_MMF: ("fast_quota",),
        t.KIND_FIXED_TERM: (
            "raise_start_date",
            "raise_end_date",
            "min_raise",
            "max_size",
            "value_date",
            "maturity_date",
            "expected_rate",
        ),
        t.KIND_NAV_FUND: (
            "subtype",
            "cutoff_time",
            "confirm_days",
            "redemption_days",
            "subscription_fees",
            "redemption_fees",
        ),
    }
    # The service's field (ProductInvalid.details.field) -> the form's.
    SERVICE_FIELDS = {
        "min_amount_minor": "min_amount",
        "increment_minor": "increment",
        "per_customer_cap_minor": "cap",
        "fast_redemption_quota_minor": "fast_quota",
        "min_raise_minor": "min_raise",
        "max_size_minor": "max_size",
    }

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["risk_level"].choices = [
            (r, f"{r} · {labels.RISK_LABELS[r]}") for r in t.RISK_LEVELS
        ]
        self.fields["subtype"].choices = [(s, labels.SUBTYPE_LABELS[s]) for s in t.SUBTYPES]
        others = {f for k, fs in self.KIND_FIELDS.items() if k != kind for f in fs}
        for name in others:
            del self.fields[name]

    def clean_redemption_fees(self):
        # A NAV fund without a schedule would let units held under 7 days out for free.
        tiers = self.cleaned_data.get("redemption_fees") or ()
        if not tiers:
            raise forms.ValidationError(ShortHoldingFeeTooLow.message, code="short_holding_fee")
        return tiers

    def draft(self) -> t.ProductDraft:
        d = self.cleaned_data
        return t.ProductDraft(
            code=d["code"],
            kind=self.kind,
            name_zh=d["name_zh"],
            name_en=d["name_en"],
            issuer=d["issuer"],
            risk_level=d["risk_level"],
            min_amount_minor=d["min_amount"],
            increment_minor=d["increment"],
            per_customer_cap_minor=d["cap"],
            cooling_off=d["cooling_off"],
            description_zh=d["description_zh"],
            description_en=d["description_en"],
            fast_redemption_quota_minor=d.get("fast_quota"),
            raise_start_date=d.get("raise_start_date"),
            raise_end_date=d.get("raise_end_date"),
            min_raise_minor=d.get("min_raise"),
            max_size_minor=d.get("max_size"),
            value_date=d.get("value_date"),
            maturity_date=d.get("maturity_date"),
            expected_rate=d.get("expected_rate"),
            subtype=d.get("subtype") or "",
            cutoff_time=d.get("cutoff_time"),
            confirm_days=d.get("confirm_days"),
            redemption_days=d.get("redemption_days"),
            subscription_fees=d.get("subscription_fees") or (),
            redemption_fees=d.get("redemption_fees") or (),
        )

    @staticmethod
    def initial_of(draft: t.ProductDraft) -> dict:
        def yuan(minor):
            return "" if minor is None else f"{minor // 100}.{minor % 100:02d}"

        def pct(rate):
            return "" if rate is None else f"{(rate * 100).normalize():f}"

        fees = "\n".join(
            f"{yuan(x.from_minor)} {pct(x.rate)}"
            if x.rate is not None
            else f"{yuan(x.from_minor)} fixed {yuan(x.fixed_minor)}"
            for x in draft.subscription_fees
        )
        return {
            "code": draft.code,
            "name_zh": draft.name_zh,
            "name_en": draft.name_en,
            "issuer": draft.issuer,
            "risk_level": draft.risk_level,
            "min_amount": yuan(draft.min_amount_minor),
            "increment": yuan(draft.increment_minor),
            "cap": yuan(draft.per_customer_cap_minor),
            "cooling_off": draft.cooling_off,
            "description_zh": draft.description_zh,
            "description_en": draft.description_en,
            "fast_quota": yuan(draft.fast_redemption_quota_minor),
            "raise_start_date": draft.raise_start_date,
            "raise_end_date": draft.raise_end_date,
            "min_raise": yuan(draft.min_raise_minor),
            "max_size": yuan(draft.max_size_minor),
            "value_date": draft.value_date,
            "maturity_date": draft.maturity_date,
            "expected_rate": pct(draft.expected_rate),
            "subtype": draft.subtype,
            "cutoff_time": draft.cutoff_time,
            "confirm_days": draft.confirm_days,
            "redemption_days": draft.redemption_days,
            "subscription_fees": fees,
            "redemption_fees": "\n".join(
                f"{x.from_days} {pct(x.rate)}" for x in draft.redemption_fees
            ),
        }


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=pgettext_lazy("product document", "Document"))
    file = forms.FileField(label=_("PDF file (at most 5 MB)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, labels.DOCUMENT_LABELS[k]) for k in t.DOCUMENT_KINDS]
        self.fields["file"].widget.attrs["accept"] = "application/pdf,.pdf"


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class OnSaleForm(forms.Form):
    on_sale_from = forms.DateField(
        label=L["on_sale_from"], widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
