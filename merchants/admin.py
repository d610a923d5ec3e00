from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.audit import client_ip
from core.errors import ServiceError
from core.regions import REGION_CODE_PATTERN
from core.roles import region_prefixes
from lexicon.models import LexiconRule, RescanJob
from merchants.highlight import highlight
from merchants.models import Finding, Merchant, MerchantAccount, Post, RiskComponent
from merchants.near_duplicates import near_duplicate_clusters
from merchants.posts import MAX_TEXT_CHARS, PostInput, posts_ingest
from merchants.rescan import rescan_pause, rescan_resume, rescan_start, rescan_validate_scope
from merchants.selectors import findings_visible, merchants_visible, posts_visible
from merchants.services import merchant_update
from merchants.uscc import normalize_uscc, uscc_problem
from merchants.workspace import RegionScopedAdmin, WorkspaceMerchantMixin, export_actions


def _uscc_validator(value: str) -> None:
    problem = uscc_problem(normalize_uscc(value)) if value else None
    if problem:
        raise forms.ValidationError(problem)


class AccountInline(admin.TabularInline):
    model = MerchantAccount
    extra = 0
    fields = ("platform", "handle", "handle_normalized", "created_at")
    readonly_fields = ("handle_normalized", "created_at")

    def has_change_permission(self, request, obj=None):
        return False


class RiskPartInline(admin.TabularInline):
    model = RiskComponent
    extra = 0
    fields = ("source", "key", "points", "explanation", "computed_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Merchant)
class MerchantAdmin(WorkspaceMerchantMixin, RegionScopedAdmin, admin.ModelAdmin):
    list_display = (
        "display_name", "region_code", "status", "risk_score", "in_review_queue",
        "registration", "verification", "last_activity_at",
    )  # fmt: skip
    list_filter = ("in_review_queue", "status", "registration", "verification")
    search_fields = ("display_name", "uscc", "accounts__handle_normalized", "region_code")
    readonly_fields = (
        "risk_score",
        "in_review_queue",
        "risk_updated_at",
        "merged_into",
        "created_at",
        "uscc_validity",
        "status",
    )
    fieldsets = (
        (
            _("Identity"),
            {
                "fields": (
                    "display_name", "region_code", "uscc", "uscc_validity", "registration",
                    "verification",
                )
            },
        ),
        (
            _("Risk and status"),
            {
                "fields": (
                    "status", "risk_score", "in_review_queue", "risk_updated_at",
                    "merged_into", "created_at", "last_activity_at",
                )
            },
        ),
    )  # fmt: skip
    inlines = [AccountInline, RiskPartInline]
    actions = export_actions("merchants")

    def get_queryset(self, request):
        return merchants_visible(region_prefixes(request.user))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        prefixes = region_prefixes(request.user)
        merchant = merchants_visible(prefixes).filter(pk=object_id).first()
        extra = {
            **(extra_context or {}),
            "ws_near_duplicates": near_duplicate_clusters(merchant, prefixes) if merchant else [],
        }
        return super().change_view(request, object_id, form_url, extra)

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        merchant_update(
            merchant=obj,
            actor=request.user,
            changes={f: getattr(obj, f) for f in form.changed_data},
            ip=client_ip(request),
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if "uscc" in form.base_fields:
            form.base_fields["uscc"].validators.append(_uscc_validator)
        return form


@admin.register(Post)
class PostAdmin(RegionScopedAdmin, admin.ModelAdmin):
    list_display = (
        "id", "merchant", "source", "external_id", "revision", "is_current", "scan_state",
        "score", "captured_at",
    )  # fmt: skip
    list_filter = ("scan_state", "source", "is_current")
    search_fields = ("external_id", "text", "merchant__display_name")
    list_select_related = ("merchant",)
    readonly_fields = (
        "merchant", "source", "external_id", "revision", "is_current", "highlighted_text", "url",
        "posted_at", "captured_at", "text_sha256", "submitted_by", "scan_state", "scanned_at",
        "lexicon_version", "score",
    )  # fmt: skip
    exclude = ("text", "scan_requested_at")
    actions = export_actions("posts")

    def get_queryset(self, request):
        return posts_visible(region_prefixes(request.user))

    @admin.display(description=_("text (findings highlighted)"))
    def highlighted_text(self, post):
        spans = [
            (f.start, f.end, f"{f.rule} (严重度 {f.severity})")
            for f in post.findings.filter(is_current=True)
        ]
        return format_html('<div class="post-text">{}</div>', highlight(post.text, spans))

    def has_change_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            return PostSubmitForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return list(PostSubmitForm.base_fields)
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        result = posts_ingest(
            items=[
                PostInput(
                    source=data["source"],
                    external_id=data["external_id"],
                    text=data["text"],
                    url=data["url"],
                    posted_at=data["posted_at"],
                    platform=data["platform"],
                    handle=data["handle"],
                    region_code=data["region_code"],
                )
            ],
            submitted_by=request.user.get_username(),
        )[0]
        obj.pk = result.post.pk
        if result.status == "unchanged":
            self.message_user(request, _("This post was already stored."), messages.WARNING)

    def save_related(self, request, form, formsets, change):
        return None


class PostSubmitForm(forms.ModelForm):
    """Regulators submitting a post by hand; goes through the same service as the API."""

    platform = forms.ChoiceField(label=_("platform"), choices=MerchantAccount.Platform.choices)
    handle = forms.CharField(label=_("handle"), max_length=200)
    region_code = forms.RegexField(
        label=_("region code"), regex=REGION_CODE_PATTERN, required=False, max_length=6
    )
    text = forms.CharField(label=_("text"), widget=forms.Textarea, max_length=MAX_TEXT_CHARS)
    url = forms.URLField(label=_("URL"), required=False, max_length=1000, assume_scheme="https")

    class Meta:
        model = Post
        fields = ["source", "external_id", "text", "url", "posted_at"]


class FindingCategoryFilter(admin.SimpleListFilter):
    title = _("category")
    parameter_name = "category"

    def lookups(self, request, model_admin):
        return LexiconRule.Category.choices

    def queryset(self, request, queryset):
        return queryset.filter(category=self.value()) if self.value() else queryset


@admin.register(Finding)
class FindingAdmin(RegionScopedAdmin, admin.ModelAdmin):
    list_display = (
        "id", "category_shown", "matched", "legal_basis", "severity", "review", "is_current",
        "post",
    )  # fmt: skip
    list_filter = (FindingCategoryFilter, "review", "is_current", "severity")
    search_fields = ("rule", "term", "matched")
    list_select_related = ("post",)
    readonly_fields = [f.name for f in Finding._meta.fields]
    actions = export_actions("findings")

    def get_queryset(self, request):
        return findings_visible(region_prefixes(request.user))

    @admin.display(description=_("category"), ordering="category")
    def category_shown(self, obj) -> str:
        return str(dict(LexiconRule.Category.choices).get(obj.category, obj.category))

    def has_add_permission(self, request):
        return False


class RescanForm(forms.ModelForm):
    class Meta:
        model = RescanJob
        fields = ["lexicon_version", "region_prefix", "captured_from", "captured_to"]

    def clean(self):
        cleaned = super().clean()
        try:
            rescan_validate_scope(
                region_prefix=cleaned.get("region_prefix", ""),
                captured_from=cleaned.get("captured_from"),
                captured_to=cleaned.get("captured_to"),
            )
        except ServiceError as exc:
            raise forms.ValidationError(exc.detail) from None
        return cleaned


@admin.register(RescanJob)
class RescanJobAdmin(admin.ModelAdmin):
    form = RescanForm
    list_display = (
        "id",
        "lexicon_version",
        "region_prefix",
        "state",
        "progress",
        "changed",
        "created_at",
    )
    list_filter = ("state",)
    actions = ["resume", "pause"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return [f.name for f in RescanJob._meta.fields] + ["progress"]

    @admin.display(description=_("progress"))
    def progress(self, job):
        return format_html(
            '<progress max="100" value="{}"></progress> {}/{} ({}%)',
            job.percent,
            job.done,
            job.total,
            job.percent,
        )

    def save_model(self, request, obj, form, change):
        if change:
            return
        data = form.cleaned_data
        job = rescan_start(
            version=data["lexicon_version"],
            actor=request.user,
            region_prefix=data["region_prefix"],
            captured_from=data["captured_from"],
            captured_to=data["captured_to"],
        )
        obj.pk = job.pk

    @admin.action(description=_("Resume selected rescans"))
    def resume(self, request, queryset):
        for job in queryset:
            try:
                rescan_resume(job=job, actor=request.user)
            except ServiceError as exc:
                self.message_user(request, f"#{job.pk}: {exc.detail}", messages.WARNING)

    @admin.action(description=_("Pause selected rescans"))
    def pause(self, request, queryset):
        for job in queryset:
            try:
                rescan_pause(job=job, actor=request.user)
            except ServiceError as exc:
                self.message_user(request, f"#{job.pk}: {exc.detail}", messages.WARNING)
