"""Forms check shape and types; the rules live in ``services.validate_submission``."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from complaints import services
from complaints.evidence import (
    ALLOWED_LABEL,
    EvidenceRejected,
    check_upload,
    max_file_mb,
    stage,
    unstage,
)
from complaints.models import Case
from complaints.tracking import new_form_token

ACCEPT = (
    "image/jpeg,image/png,image/webp,image/heic,image/heif,.heic,.heif,application/pdf,text/plain"
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [item for item in items if item]

    def bound_data(self, data, initial):
        return data


def evidence_help():
    return _(
        "Up to %(n)s files, %(mb)s MB each. Accepted: %(allowed)s. Screenshots of the chat, the "
        "payment record and the seller's post help most."
    ) % {"n": settings.COMPLAINTS_MAX_FILES, "mb": max_file_mb(), "allowed": ALLOWED_LABEL}


class EvidenceMixin:
    """Checks every uploaded file; good files are kept (staged) when the form fails elsewhere."""

    def clean_evidence(self):
        files = self.cleaned_data.get("evidence") or []
        self.checked_files = []
        self.file_errors = []
        for staged in self.data.getlist("staged") if hasattr(self.data, "getlist") else []:
            checked = unstage(staged)
            if checked is not None:
                checked.staged_token = staged
                self.checked_files.append(checked)
        for upload in files:
            try:
                self.checked_files.append(check_upload(upload))
            except EvidenceRejected as exc:
                self.file_errors.append(exc.detail)
        if len(self.checked_files) > settings.COMPLAINTS_MAX_FILES:
            self.file_errors.append(
                _("At most %(n)s files; please remove some.") % {"n": settings.COMPLAINTS_MAX_FILES}
            )
        if self.file_errors:
            raise forms.ValidationError(self.file_errors)
        return files


class ComplaintForm(EvidenceMixin, forms.Form):
    KIND_CHOICES = [
        ("complaint", _("投诉 Complaint — my own dispute with the seller; I want mediation")),
        ("report", _("举报 Report — illegal conduct by the seller; may be anonymous")),
        ("both", _("Both — my own dispute and illegal conduct (handled as two linked cases)")),
    ]

    kind = forms.ChoiceField(
        label=_("What do you want to do?"),
        choices=KIND_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose complaint or report.")},
    )
    merchant_wechat_id = forms.CharField(
        label=_("Seller's WeChat ID (微信号)"), max_length=100, required=False
    )
    merchant_official_account = forms.CharField(
        label=_("Seller's Official Account (公众号)"), max_length=100, required=False
    )
    merchant_phone = forms.CharField(label=_("Seller's phone"), max_length=30, required=False)
    merchant_name = forms.CharField(
        label=_("Seller's name or shop name"), max_length=200, required=False
    )
    merchant_address = forms.CharField(
        label=_("Seller's address (if you know it)"),
        max_length=300,
        required=False,
        help_text=_("From the seller's profile, the parcel or the delivery note."),
    )
    payee_name = forms.CharField(
        label=_("Payee's real name on the transfer record"),
        max_length=100,
        required=False,
        help_text=_(
            "Open the payment in WeChat (我 → 服务 → 钱包 → 账单) and copy the name shown after "
            "收款方 or 对方, e.g. **明 (王*明)."
        ),
    )
    order_number = forms.CharField(
        label=_("Order or waybill number (if any)"),
        max_length=100,
        required=False,
        help_text=_("The express waybill (快递单号) or the order number from the seller."),
    )
    description = forms.CharField(
        label=_("What happened?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What you bought or were promised, what went wrong, and when."),
        error_messages={"required": _("Tell us what happened.")},
    )
    category = forms.ChoiceField(
        label=_("Kind of problem"),
        required=False,
        choices=[("", _("Not sure — suggest one for me")), *list(Case.Category.choices)],
    )
    occurred_on = forms.DateField(
        label=_("When did it happen?"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    amount_paid = forms.DecimalField(
        label=_("Amount paid (yuan)"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    payment_method = forms.ChoiceField(
        label=_("How did you pay?"),
        required=False,
        choices=[("", "—"), *list(Case.PaymentMethod.choices)],
    )
    demand = forms.CharField(
        label=_("What do you ask for?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: a refund of the amount paid, delivery of the promised gift."),
    )
    campaign_url = forms.URLField(
        label=_("Link to the 集赞 campaign post (if any)"),
        required=False,
        max_length=500,
        assume_scheme="https",
    )
    evidence = MultipleFileField(label=_("Evidence"), required=False)
    name = forms.CharField(label=_("Your name"), max_length=100, required=False)
    phone = forms.CharField(
        label=_("Your phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    address = forms.CharField(label=_("Your address"), max_length=300, required=False)
    id_number = forms.CharField(label=_("ID card number (optional)"), max_length=30, required=False)
    email = forms.EmailField(label=_("E-mail (optional, for updates)"), required=False)
    anonymous = forms.BooleanField(
        label=_("Report anonymously (reports only; we cannot contact you)"), required=False
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the market regulator uses the personal data above only to handle this "
            "case, keeps it encrypted, and shows it to the seller only where mediation requires."
        ),
        required=False,
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    form_token = forms.CharField(required=False, widget=forms.HiddenInput)

    # Required for a 投诉 (Order 20 Art 9 and the 不予受理 ground "materials missing"): marked on
    # the form; a 举报 may leave them empty.
    COMPLAINT_REQUIRED = ("occurred_on", "amount_paid", "demand", "name", "phone", "address")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].help_text = evidence_help()
        self.checked_files = []
        self.file_errors = []
        for name in self.COMPLAINT_REQUIRED:
            self.fields[name].complaint_required = True
        if not self.is_bound:
            self.initial["form_token"] = new_form_token()

    def clean(self):
        cleaned = super().clean()
        for field, messages in services.validate_submission(cleaned).items():
            if field not in self.errors:
                for message in messages:
                    self.add_error(field, message)
        if cleaned.get("kind") in ("complaint", "both"):
            if not cleaned.get("occurred_on") and "occurred_on" not in self.errors:
                self.add_error("occurred_on", _("A complaint needs the date it happened."))
            if (
                cleaned.get("amount_paid") is None
                and cleaned.get("payment_method") != "none"
                and "amount_paid" not in self.errors
            ):
                self.add_error(
                    "amount_paid",
                    _("Give the amount you paid (choose “Did not pay” if you paid nothing)."),
                )
        if cleaned.get("kind") == "complaint" and cleaned.get("anonymous"):
            self.add_error(
                "anonymous",
                _("Only a report (举报) can be anonymous: a complaint needs your name and phone."),
            )
        return cleaned

    def is_honeypot_filled(self) -> bool:
        return bool((self.data.get("website") or "").strip())

    def submission_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("evidence", None)
        data.pop("website", None)
        data.pop("form_token", None)
        return data

    def staged_tokens(self) -> list[tuple[str, str]]:
        """(token, file name) for every good file, so a corrected form need not re-upload it."""
        out = []
        self.unstaged = []  # names the disk would not take: to be chosen again
        for checked in self.checked_files:
            if not checked.staged_token:
                try:
                    checked.staged_token = stage(checked)
                except OSError:
                    self.unstaged.append(checked.name)
                    continue
            out.append((checked.staged_token, checked.name))
        return out


class TrackForm(forms.Form):
    tracking_number = forms.CharField(
        label=_("Tracking number"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )
    access_code = forms.CharField(
        label=_("Access code"),
        max_length=40,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )


class AddEvidenceForm(EvidenceMixin, forms.Form):
    evidence = MultipleFileField(label=_("Add evidence"), required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].help_text = evidence_help()
        self.checked_files = []
        self.file_errors = []


class FeedbackForm(forms.Form):
    confirmed = forms.BooleanField(label=_("I confirm the outcome of my complaint"), required=False)
    rating = forms.TypedChoiceField(
        label=_("How well was your complaint handled?"),
        choices=[("5", "5 ★★★★★"), ("4", "4 ★★★★"), ("3", "3 ★★★"), ("2", "2 ★★"), ("1", "1 ★")],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReplyForm(EvidenceMixin, forms.Form):
    body = forms.CharField(
        label=_("Your reply or more details"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Answer the office's message, or add what you forgot. The office reads it."),
    )
    evidence = MultipleFileField(label=_("Add files (optional)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].help_text = evidence_help()
        self.checked_files = []
        self.file_errors = []

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("body") or "").strip() and not self.checked_files and not self.errors:
            self.add_error("body", _("Write something or choose a file."))
        return cleaned


class WithdrawForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, I withdraw this complaint. The office stops handling it."), required=True
    )
    reason = forms.CharField(
        label=_("Why (optional), e.g. the seller has refunded me"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class LostCodeForm(forms.Form):
    tracking_number = forms.CharField(
        label=_("Tracking number"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )
    email = forms.EmailField(label=_("The e-mail you gave with the case"), required=False)
    phone = forms.CharField(
        label=_("The phone you gave with the case"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )

    def __init__(self, *args, sms=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not sms:
            del self.fields["phone"]
            self.fields["email"].required = True

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("email") and not cleaned.get("phone") and not self.errors:
            self.add_error(
                "email" if "phone" not in self.fields else None,
                _("Give the e-mail (or phone) you gave with the case."),
            )
        return cleaned
