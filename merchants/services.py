"""Merchant registry services: resolving handles, merging, identity, risk components."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from core.audit import audit_log
from core.errors import ValidationFailed
from core.regions import is_region_code, region_allows
from core.sql import HotSelect
from merchants.handles import handle_problem, normalize_handle, ocr_handle_variants
from merchants.models import Merchant, MerchantAccount, RiskComponent
from merchants.risk import risk_recompute
from merchants.uscc import normalize_uscc, uscc_problem, uscc_region

REGION_REFUSED = "商家所在地区不在本令牌的辖区内"


def region_within(region_code: str, allowed_prefixes: list[str] | None) -> bool:
    """Whether a merchant in ``region_code`` is inside a caller's regions (``None``: all). A
    region-less merchant is outside every region."""
    return region_allows(allowed_prefixes, region_code)


def _check_within(region_code: str, allowed_prefixes: list[str] | None) -> None:
    if not region_within(region_code, allowed_prefixes):
        raise ValidationFailed(
            REGION_REFUSED, fields={"merchant": ["region outside this token's regions"]}
        )


def merchant_resolve(
    *,
    platform: str,
    handle: str,
    display_name: str = "",
    region_code: str = "",
    allowed_prefixes: list[str] | None = None,
) -> Merchant:
    """The merchant selling under ``handle`` on ``platform``; an unverified one is created when
    the handle is new. Handles match loosely (case, full-width, spaces, a leading @).

    A caller limited to regions (``allowed_prefixes``) may only name a merchant that was in them
    before the call (a region-less one is not: naming a region cannot claim it) or create one
    there; anything else is ``ValidationFailed`` before anything is written."""
    if platform not in MerchantAccount.Platform.values:
        raise ValidationFailed(
            f"unknown platform {platform!r}", fields={"platform": [f"unknown: {platform}"]}
        )
    normalized = normalize_handle(platform, handle)
    if problem := handle_problem(platform, handle):
        raise ValidationFailed(problem, fields={"handle": [problem]})
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
        _check_within(merchant.region_code, allowed_prefixes)  # the region it had before
        if region_code and not merchant.region_code:
            Merchant.objects.filter(pk=merchant.pk).update(region_code=region_code)
            merchant.region_code = region_code
        return merchant
    _check_within(region_code, allowed_prefixes)
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
        merchant = _follow_merges(account.merchant)
        _check_within(merchant.region_code, allowed_prefixes)
        return merchant


ACTIVITY_RESOLUTION = timedelta(minutes=1)


@dataclass
class ResolvedMerchants:
    ids: list[int]  # the merchant of each ref, in order
    known: dict[int, Merchant]  # id → what was read of it (merge target, region, last activity)

    def mark_active(self, merchant_ids, at: datetime) -> None:
        """Record the merchants' last activity, to the minute: a merchant posting a stream of
        posts is written (and row-locked) once a minute, not by every batch, so ingest does not
        queue behind a risk recompute holding the same rows."""
        limit = at - ACTIVITY_RESOLUTION
        stale = {
            i
            for i in merchant_ids
            if self.known[i].last_activity_at is None or self.known[i].last_activity_at < limit
        }
        if stale:
            Merchant.objects.filter(pk__in=stale).filter(
                Q(last_activity_at__isnull=True) | Q(last_activity_at__lt=limit)
            ).update(last_activity_at=at)


def merchants_resolve_batch(*, refs: list[tuple[str, str, str, str]]) -> ResolvedMerchants:
    """``merchant_resolve`` for a batch: ``refs`` are ``(platform, handle, display_name,
    region_code)``; the merchant id of each, in order, with what was read of the merchants, in a
    few queries (one, for a batch whose merchants are all known)."""
    keys = []
    platforms = frozenset(MerchantAccount.Platform.values)
    for platform, handle, _name, region_code in refs:
        if platform not in platforms:
            raise ValidationFailed(
                f"unknown platform {platform!r}", fields={"platform": [platform]}
            )
        normalized = normalize_handle(platform, handle)
        if problem := handle_problem(platform, handle):
            raise ValidationFailed(problem, fields={"handle": [problem]})
        if region_code and not is_region_code(region_code):
            raise ValidationFailed(
                f"{region_code!r} is not a GB/T 2260 region code",
                fields={"region_code": ["invalid"]},
            )
        keys.append((platform, normalized))
    found = _accounts_for(set(keys))
    missing: dict[tuple[str, str], tuple] = {}
    for key, ref in zip(keys, refs, strict=True):
        if key not in found and key not in missing:
            missing[key] = ref
    if missing:
        created = Merchant.objects.bulk_create(
            Merchant(display_name=(ref[2] or ref[1]).strip()[:200], region_code=ref[3])
            for ref in missing.values()
        )
        MerchantAccount.objects.bulk_create(
            [
                MerchantAccount(
                    merchant=merchant, platform=key[0], handle=ref[1].strip()[:200],
                    handle_normalized=key[1],
                )
                for merchant, (key, ref) in zip(created, missing.items(), strict=True)
            ],
            ignore_conflicts=True,
        )  # fmt: skip
        again = _accounts_for(set(missing))
        # Lost a race for an account: the other request's merchant wins, ours is dropped.
        winners = {merchant.id for merchant in again.values()}
        orphans = [m.pk for m in created if m.pk not in winners]
        if orphans:
            # Made a moment ago in this transaction and referenced by nothing (its account was
            # the conflict): a plain DELETE, without the ORM's walk over every related table.
            with connection.cursor() as cursor:
                cursor.execute(
                    f"DELETE FROM {connection.ops.quote_name(Merchant._meta.db_table)} "  # noqa: S608 - table name from the model, values are parameters
                    f"WHERE id IN ({', '.join(['%s'] * len(orphans))})",
                    orphans,
                )
        found.update(again)
    merchants = {m.id: m for m in found.values()}
    # Follow merges (rare): a merged merchant's accounts resolve to the one it was merged into.
    pending = {m.merged_into_id for m in merchants.values() if m.merged_into_id} - set(merchants)
    while pending:
        for m in Merchant.objects.filter(pk__in=pending).only(
            "id", "merged_into_id", "region_code", "last_activity_at"
        ):
            merchants[m.id] = m
        pending = {m.merged_into_id for m in merchants.values() if m.merged_into_id} - set(
            merchants
        )
    ids = []
    for key in keys:
        merchant = found[key]
        seen = set()
        while merchant.merged_into_id and merchant.id not in seen:
            seen.add(merchant.id)
            merchant = merchants[merchant.merged_into_id]
        ids.append(merchant.id)
    _backfill_regions(ids, [ref[3] for ref in refs], merchants)
    return ResolvedMerchants(ids=ids, known=merchants)


_ACCOUNTS = HotSelect(
    lambda q: (
        f"SELECT a.{q('platform')}, a.{q('handle_normalized')}, a.{q('merchant_id')}, "  # noqa: S608 - names from the model, values are parameters
        f"m.{q('merged_into_id')}, m.{q('region_code')}, m.{q('last_activity_at')} "
        f"FROM {q(MerchantAccount._meta.db_table)} a "
        f"JOIN {q(Merchant._meta.db_table)} m ON m.{q('id')} = a.{q('merchant_id')} "
        f"WHERE a.{q('handle_normalized')} IN {{}}"
    ),
    [
        MerchantAccount._meta.get_field(name)
        for name in ("platform", "handle_normalized", "merchant")
    ]
    + [
        Merchant._meta.get_field(name)
        for name in ("merged_into", "region_code", "last_activity_at")
    ],
)


def _accounts_for(keys: set[tuple[str, str]]) -> dict[tuple[str, str], Merchant]:
    """The merchant (id, merged_into, region, last activity) of each known account: one query,
    on every ingest request (hence written once, see core.sql)."""
    if not keys:
        return {}
    handles = sorted({k[1] for k in keys})
    rows = _ACCOUNTS.rows(handles, lists=[len(handles)])
    return {
        (p, h): Merchant(id=m, merged_into_id=into, region_code=region, last_activity_at=active)
        for p, h, m, into, region, active in rows
        if (p, h) in keys
    }


def _backfill_regions(ids: list[int], regions: list[str], merchants: dict[int, Merchant]) -> None:
    """A merchant first seen without a region takes the first region an integrator gives."""
    wanted: dict[int, str] = {}
    for merchant_id, region in zip(ids, regions, strict=True):
        if region and merchant_id not in wanted and not merchants[merchant_id].region_code:
            wanted[merchant_id] = region
    for merchant_id, region in wanted.items():
        Merchant.objects.filter(pk=merchant_id, region_code="").update(region_code=region)


def merchant_find_read(*, handle: str, platform: str) -> list[Merchant]:
    """Merchants with an account on ``platform`` that ``handle``, as read by OCR, may stand for
    (the I/l/1 and O/0 confusions of ``merchants.handles.ocr_handle_variants``); an exact
    match first."""
    variants = ocr_handle_variants(platform, handle)
    accounts = MerchantAccount.objects.filter(
        platform=platform, handle_normalized__in=variants
    ).select_related("merchant")
    ranked = sorted(accounts, key=lambda a: variants.index(a.handle_normalized))
    found: dict[int, Merchant] = {}
    for account in ranked:
        merchant = _follow_merges(account.merchant)
        found.setdefault(merchant.pk, merchant)
    return list(found.values())


def merchant_account_attach(*, merchant: Merchant, platform: str, handle: str) -> MerchantAccount:
    """The account ``handle`` on ``platform``: added to ``merchant`` when nobody has it yet, else
    the existing one, whichever merchant it belongs to (the caller compares the owners)."""
    if problem := handle_problem(platform, handle):
        raise ValidationFailed(problem, fields={"handle": [problem]})
    normalized = normalize_handle(platform, handle)
    try:
        with transaction.atomic():
            account, _created = MerchantAccount.objects.get_or_create(
                platform=platform,
                handle_normalized=normalized,
                defaults={"merchant": merchant, "handle": handle.strip()[:200]},
            )
    except IntegrityError:  # created by another process at the same moment
        account = MerchantAccount.objects.get(platform=platform, handle_normalized=normalized)
    return account


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


def merchant_update(*, merchant: Merchant, actor, changes: dict, ip: str | None = None) -> None:
    """A regulator's edit of a merchant, in one transaction: identity (``uscc``,
    ``registration``) through ``merchant_set_identity`` (validated, audited as an identity
    change); the other fields written and audited (``merchant.edited``) with what changed."""
    identity = {f: changes[f] for f in ("uscc", "registration") if f in changes}
    others = {f: value for f, value in changes.items() if f not in identity}
    with transaction.atomic():
        if identity:
            merchant_set_identity(
                merchant=Merchant.objects.get(pk=merchant.pk),
                actor=actor,
                uscc=identity.get("uscc", ""),
                registration=identity.get("registration"),
            )
        if others:
            Merchant.objects.filter(pk=merchant.pk).update(**others)
            audit_log(
                "merchant.edited",
                actor=actor,
                target=merchant,
                ip=ip,
                data={f: str(value) for f, value in others.items()},
            )


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
    risk_recompute(merchant_id=merchant_id, recompute_own=False)


def _follow_merges(merchant: Merchant) -> Merchant:
    seen = set()
    while merchant.merged_into_id and merchant.pk not in seen:
        seen.add(merchant.pk)
        merchant = Merchant.objects.get(pk=merchant.merged_into_id)
    return merchant
