"""Merchant registry services: resolving handles, merging, identity, risk components."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from merchants.handles import normalize_handle
from merchants.models import Merchant, MerchantAccount, RiskComponent
from merchants.uscc import normalize_uscc, uscc_problem, uscc_region
from wsmonitor.audit import audit_log
from wsmonitor.errors import ValidationFailed
from wsmonitor.regions import is_region_code


def merchant_resolve(
    *, platform: str, handle: str, display_name: str = "", region_code: str = ""
) -> Merchant:
    """The merchant selling under ``handle`` on ``platform``; an unverified one is created when
    the handle is new. Handles match loosely (case, full-width, spaces, a leading @)."""
    if platform not in MerchantAccount.Platform.values:
        raise ValidationFailed(
            f"unknown platform {platform!r}", fields={"platform": [f"unknown: {platform}"]}
        )
    normalized = normalize_handle(platform, handle)
    if not normalized:
        raise ValidationFailed("the handle is empty", fields={"handle": ["required"]})
    if region_code and not is_region_code(region_code):
        raise ValidationFailed(
            f"{region_code!r} is not a GB/T 2260 region code", fields={"region_code": ["invalid"]}
        )
    account = (
        MerchantAccount.objects.select_related("merchant")
        .filter(platform=platform, handle_normalized=normalized)
        .first()
    )
    if account is not None:
        merchant = _follow_merges(account.merchant)
        if region_code and not merchant.region_code:
            Merchant.objects.filter(pk=merchant.pk).update(region_code=region_code)
            merchant.region_code = region_code
        return merchant
    try:
        with transaction.atomic():
            merchant = Merchant.objects.create(
                display_name=(display_name or handle).strip()[:200], region_code=region_code
            )
            MerchantAccount.objects.create(
                merchant=merchant,
                platform=platform,
                handle=handle.strip()[:200],
                handle_normalized=normalized,
            )
            return merchant
    except IntegrityError:
        # Another request created the same account at the same moment: use theirs.
        account = MerchantAccount.objects.select_related("merchant").get(
            platform=platform, handle_normalized=normalized
        )
        return _follow_merges(account.merchant)


def merchant_find(*, handle: str, platform: str | None = None) -> list[Merchant]:
    """Merchants having an account whose normalised handle equals ``handle`` (any platform)."""
    platforms = [platform] if platform else list(MerchantAccount.Platform.values)
    ids = set()
    for p in platforms:
        normalized = normalize_handle(p, handle)
        if normalized:
            ids.update(
                MerchantAccount.objects.filter(
                    platform=p, handle_normalized=normalized
                ).values_list("merchant_id", flat=True)
            )
    merchants = Merchant.objects.filter(pk__in=ids)
    return sorted({_follow_merges(m) for m in merchants}, key=lambda m: m.pk)


def merchant_set_identity(
    *, merchant: Merchant, actor, uscc: str = "", registration: str | None = None
) -> Merchant:
    changes = {}
    if uscc:
        code = normalize_uscc(uscc)
        problem = uscc_problem(code)
        if problem:
            raise ValidationFailed(f"USCC {code}: {problem}", fields={"uscc": [problem]})
        changes["uscc"] = code
        if not merchant.region_code:
            changes["region_code"] = uscc_region(code)
    if registration is not None:
        if registration not in Merchant.Registration.values:
            raise ValidationFailed("unknown registration status", fields={"registration": ["?"]})
        changes["registration"] = registration
    with transaction.atomic():
        for field, value in changes.items():
            setattr(merchant, field, value)
        merchant.save(update_fields=list(changes))
        audit_log("merchant.identity_set", actor=actor, target=merchant, data=changes)
    return merchant


def merchant_merge(*, keep: Merchant, absorb: Merchant, actor, reason: str) -> Merchant:
    """Fold ``absorb`` into ``keep``: accounts, posts and every other merchant reference move
    over; ``absorb`` stays as a tombstone pointing at ``keep``."""
    if keep.pk == absorb.pk:
        raise ValidationFailed("a merchant cannot be merged into itself")
    if not reason.strip():
        raise ValidationFailed("a merge needs a reason", fields={"reason": ["required"]})
    with transaction.atomic():
        moved = {}
        for relation in Merchant._meta.related_objects:
            if relation.related_model is Merchant:
                continue
            if relation.many_to_many or relation.one_to_one:
                continue
            model = relation.related_model
            field = relation.field.name
            if model is RiskComponent:
                continue  # recomputed below
            count = model.objects.filter(**{field: absorb}).update(**{field: keep})
            if count:
                moved[model._meta.label_lower] = count
        Merchant.objects.filter(merged_into=absorb).update(merged_into=keep)
        RiskComponent.objects.filter(merchant=absorb).delete()
        absorb.merged_into = keep
        absorb.in_review_queue = False
        absorb.risk_score = 0
        absorb.save(update_fields=["merged_into", "in_review_queue", "risk_score"])
        audit_log(
            "merchant.merged",
            actor=actor,
            target=keep,
            data={
                "absorbed_id": absorb.pk,
                "absorbed_name": str(absorb),
                "reason": reason,
                "moved": moved,
            },
        )
    from merchants.risk import risk_recompute

    risk_recompute(merchant_id=keep.pk)
    return keep


def risk_component_record(
    *, merchant_id: int, source: str, key: str, points: float, explanation: str, data=None
) -> None:
    """How other apps (complaints, campaigns) add an explained part to a merchant's risk.
    Setting ``points`` to 0 removes the part. The score is recomputed at once."""
    if points:
        RiskComponent.objects.update_or_create(
            merchant_id=merchant_id,
            source=source,
            key=key,
            defaults={
                "points": points,
                "explanation": explanation[:500],
                "data": data or {},
                "computed_at": timezone.now(),
            },
        )
    else:
        RiskComponent.objects.filter(merchant_id=merchant_id, source=source, key=key).delete()
    from merchants.risk import risk_recompute

    risk_recompute(merchant_id=merchant_id, recompute_own=False)


def _follow_merges(merchant: Merchant) -> Merchant:
    seen = set()
    while merchant.merged_into_id and merchant.pk not in seen:
        seen.add(merchant.pk)
        merchant = Merchant.objects.get(pk=merchant.merged_into_id)
    return merchant
