"""Fetching an image a consumer sent: 获取临时素材 by ``MediaId`` (kept by WeChat for 3 days).

The client is pluggable (``WECHAT_MEDIA_CLIENT`` names a class taking the ``Account``); the
default talks to ``WECHAT_API_BASE`` (https://api.weixin.qq.com) with ``requests`` and keeps the
access_token in the cache until five minutes before WeChat says it expires. The tests point
``WECHAT_API_BASE`` at a fake WeChat server on 127.0.0.1.
"""

import logging
from dataclasses import dataclass

import requests
from django.conf import settings
from django.core.cache import cache
from django.utils.module_loading import import_string

from wechat.protocol import Account

log = logging.getLogger(__name__)

TIMEOUT = (3.05, 20)  # connect, read (seconds)
# errcodes meaning "get a new access_token and ask again"
_TOKEN_INVALID = {40001, 40014, 42001}
# errcodes meaning the media will never come: invalid or expired MediaId
_MEDIA_GONE = {40007, 40008}


class MediaError(Exception):
    """The media could not be fetched now; trying again later may work."""


class MediaGone(MediaError):
    """The media will never be fetched (expired, unknown, too large)."""


@dataclass(frozen=True)
class Media:
    content: bytes
    content_type: str


class MediaClient:
    """The interface: ``fetch(media_id) -> Media``, raising ``MediaError``/``MediaGone``."""

    def __init__(self, account: Account) -> None:
        self.account = account

    def fetch(self, media_id: str) -> Media:
        raise NotImplementedError


class WeChatApiClient(MediaClient):
    def __init__(self, account: Account) -> None:
        super().__init__(account)
        self.base = settings.WECHAT_API_BASE
        self.session = requests.Session()

    @property
    def _cache_key(self) -> str:
        return f"wechat:access_token:{self.account.app_id}"

    def access_token(self, *, refresh: bool = False) -> str:
        if not refresh:
            try:
                token = cache.get(self._cache_key)
            except Exception:  # the cache is down: ask WeChat
                token = None
            if token:
                return token
        try:
            response = self.session.get(
                f"{self.base}/cgi-bin/token",
                params={
                    "grant_type": "client_credential",
                    "appid": self.account.app_id,
                    "secret": self.account.app_secret,
                },
                timeout=TIMEOUT,
            )
        except requests.RequestException as exc:
            raise MediaError(f"access_token request failed: {exc}") from exc
        data = self._json(response)
        token = data.get("access_token")
        if not token:
            raise MediaError(f"access_token refused: {data.get('errcode')} {data.get('errmsg')}")
        ttl = max(60, int(data.get("expires_in") or 7200) - 300)
        try:
            cache.set(self._cache_key, token, ttl)
        except Exception:
            log.warning("access_token not cached (cache unavailable)")
        return token

    def fetch(self, media_id: str) -> Media:
        for refresh in (False, True):
            try:
                response = self.session.get(
                    f"{self.base}/cgi-bin/media/get",
                    params={
                        "access_token": self.access_token(refresh=refresh),
                        "media_id": media_id,
                    },
                    timeout=TIMEOUT,
                )
            except requests.RequestException as exc:
                raise MediaError(f"media request failed: {exc}") from exc
            content_type = response.headers.get("Content-Type", "").split(";")[0].strip()
            if response.status_code != 200:
                raise MediaError(f"media answered HTTP {response.status_code}")
            if content_type in ("application/json", "text/plain"):
                data = self._json(response)
                code = data.get("errcode")
                if code in _TOKEN_INVALID and not refresh:
                    continue
                if code in _MEDIA_GONE:
                    raise MediaGone(f"media {code} {data.get('errmsg')}")
                raise MediaError(f"media refused: {code} {data.get('errmsg')}")
            if len(response.content) > settings.COMPLAINTS_MAX_FILE_BYTES:
                raise MediaGone(f"media larger than {settings.COMPLAINTS_MAX_FILE_BYTES} bytes")
            return Media(content=response.content, content_type=content_type)
        raise MediaError("access_token refused twice")

    @staticmethod
    def _json(response) -> dict:
        try:
            data = response.json()
        except ValueError:
            raise MediaError(f"not JSON from WeChat (HTTP {response.status_code})") from None
        if not isinstance(data, dict):
            raise MediaError("unexpected JSON from WeChat")
        return data


def media_client(account: Account) -> MediaClient:
    return import_string(settings.WECHAT_MEDIA_CLIENT)(account)
