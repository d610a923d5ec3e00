"""Forms check shape and types; the rules live in ``campaigns.services``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.models import RedemptionReport


class DateInput(forms.DateInput):
    input_type = "date"


class ReportForm(forms.Form):
    """A consumer's redemption report: phone-sized, no JavaScript, one screen."""

    outcome = forms.ChoiceField(
        label=_("What happened when you went to redeem?"),
        choices=RedemptionReport.Outcome.choices,
        widget=forms.RadioSelect,
    )
    likes_collected = forms.IntegerField(
        label=_("How many likes did you collect?"),
        min_value=0,
        max_value=100_000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    collected_on = forms.DateField(
        label=_("When did you reach them?"), widget=DateInput, input_formats=["%Y-%m-%d"]
    )
    redeemed_on = forms.DateField(
        label=_("When did you go to redeem? (optional)"),
        required=False,
        widget=DateInput,
        input_formats=["%Y-%m-%d"],
    )
    excuse_text = forms.CharField(
        label=_("What did the seller say? (optional)"),
        help_text=_("In their words if you can, e.g. “the gifts are all gone, come back later”."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    # Honeypot: people never see it; bots fill it in.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def is_honeypot_filled(self) -> bool:
        return bool((self.data.get("website") or "").strip())

    def report_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("website", None)
        return data


class FindForm(forms.Form):
    q = forms.CharField(
        label=_("Seller's WeChat ID, name or the campaign title"),
        max_length=100,
        required=False,
    )


class CorrectTermsForm(forms.Form):
    """A regulator restates the terms of one observation (admin)."""

    likes = forms.IntegerField(label=_("Likes required"), min_value=0, required=False)
    gift = forms.CharField(label=_("Gift"), max_length=300, required=False)
    gift_value = forms.DecimalField(
        label=_("Stated gift value (yuan)"),
        min_value=0,
        max_digits=10,
        decimal_places=2,
        required=False,
    )
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DateInput)
    deadline_text = forms.CharField(label=_("Deadline as written"), max_length=200, required=False)
    place = forms.CharField(label=_("Redemption place and method"), max_length=300, required=False)
    conditions = forms.CharField(
        label=_("Other conditions (one per line)"), required=False, widget=forms.Textarea
    )
    quantity_limit = forms.IntegerField(label=_("Limit on gifts"), min_value=0, required=False)
    note = forms.CharField(label=_("Reason for the correction"), max_length=500)

    def terms(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("note", None)
        return data
