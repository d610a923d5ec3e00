"""WeChat's side, played for real: a simulator of WeChat's servers calling the endpoint, with
its own implementation of the signature and safe-mode AES written on ``cryptography`` (not
wechatpy), and a fake api.weixin.qq.com (token and media download) on 127.0.0.1 started by the
test. No test leaves the machine."""

import base64
import hashlib
import io
import json
import os
import secrets
import struct
import threading
import time
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
import requests
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from PIL import Image

APP_ID = "wx5d3f0a1b2c3d4e5f"
APP_SECRET = "s3cr3t-of-the-complaint-account"
TOKEN = "complaint-account-token"
ACCOUNT = "gh_0a1b2c3d4e5f"


def encoding_aes_key() -> str:
    return base64.b64encode(os.urandom(32)).decode().rstrip("=")


def png_bytes(color=(200, 30, 30)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (24, 16), color).save(buf, "PNG")
    return buf.getvalue()


class WeChatSide:
    """WeChat's servers as the endpoint sees them: signs, encrypts and posts messages; checks
    and decrypts the replies."""

    def __init__(
        self, client, *, aes_key: str, url: str = "/wechat/callback/", http_base: str = ""
    ) -> None:
        self.client = client
        self.http_base = http_base  # set: real HTTP (requests) to a live server
        self.aes_key = aes_key
        self.url = url
        self._msg_id = 7_300_000_000_000_000_000 + secrets.randbelow(10**12)

    # -- the algorithm, independently of wechatpy ---------------------------------------------
    @staticmethod
    def sign(*parts: str) -> str:
        return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()  # noqa: S324

    def _key(self, aes_key: str | None = None) -> bytes:
        return base64.b64decode((aes_key or self.aes_key) + "=")

    def encrypt(self, xml: str, *, aes_key: str | None = None, app_id: str = APP_ID) -> str:
        key = self._key(aes_key)
        body = xml.encode()
        plain = os.urandom(16) + struct.pack(">I", len(body)) + body + app_id.encode()
        pad = 32 - len(plain) % 32
        plain += bytes([pad]) * pad
        enc = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
        return base64.b64encode(enc.update(plain) + enc.finalize()).decode()

    def decrypt(self, encrypted: str) -> str:
        key = self._key()
        dec = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
        plain = dec.update(base64.b64decode(encrypted)) + dec.finalize()
        pad = plain[-1]
        assert 1 <= pad <= 32 and plain[-pad:] == bytes([pad]) * pad, "bad PKCS#7 padding"
        content = plain[16:-pad]
        (length,) = struct.unpack(">I", content[:4])
        assert content[4 + length :].decode() == APP_ID, "the reply names another AppID"
        return content[4 : 4 + length].decode()

    # -- messages ------------------------------------------------------------------------------
    def next_msg_id(self) -> int:
        self._msg_id += 1
        return self._msg_id

    def message(self, kind: str, *, openid: str, msg_id: int | None = None, **f) -> str:
        msg_id = msg_id or self.next_msg_id()
        created = f.pop("create_time", int(time.time()))
        head = (
            f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>"
            f"<FromUserName><![CDATA[{openid}]]></FromUserName>"
            f"<CreateTime>{created}</CreateTime><MsgType><![CDATA[{kind}]]></MsgType>"
        )
        if kind == "text":
            body = f"<Content><![CDATA[{f['content']}]]></Content>"
        elif kind == "link":
            body = (
                f"<Title><![CDATA[{f['title']}]]></Title>"
                f"<Description><![CDATA[{f['description']}]]></Description>"
                f"<Url><![CDATA[{f['url']}]]></Url>"
            )
        elif kind == "image":
            body = (
                f"<PicUrl><![CDATA[http://mmbiz.qpic.cn/{f['media_id']}]]></PicUrl>"
                f"<MediaId><![CDATA[{f['media_id']}]]></MediaId>"
            )
        elif kind == "event":
            body = f"<Event><![CDATA[{f['event']}]]></Event>"
        else:
            body = "".join(f"<{k}><![CDATA[{v}]]></{k}>" for k, v in f.items())
        tail = "" if kind == "event" else f"<MsgId>{msg_id}</MsgId>"
        return head + body + tail + "</xml>"

    def query(self, *, timestamp: int | None = None, nonce: str | None = None, **extra) -> dict:
        timestamp = str(int(time.time()) if timestamp is None else timestamp)
        nonce = nonce or secrets.token_hex(5)
        q = {
            "timestamp": timestamp,
            "nonce": nonce,
            "signature": self.sign(TOKEN, timestamp, nonce),
        }
        q.update(extra)
        return q

    def verify_url(self, echostr: str = "echo-4711", **overrides):
        q = self.query(echostr=echostr, **overrides)
        if self.http_base:
            return requests.get(self.http_base + self.url, params=q, timeout=10)
        return self.client.get(self.url, q)

    def post_plain(self, xml: str, *, openid: str = "", **overrides):
        q = self.query(openid=openid, **overrides)
        return self._post(q, xml)

    def post_aes(self, xml: str, *, openid: str = "", tamper: bool = False, aes_key=None, **kw):
        q = self.query(openid=openid, encrypt_type="aes", **kw)
        encrypted = self.encrypt(xml, aes_key=aes_key)
        q["msg_signature"] = self.sign(TOKEN, q["timestamp"], q["nonce"], encrypted)
        if tamper:
            q["msg_signature"] = q["msg_signature"][::-1]
        body = (
            f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>"
            f"<Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
        )
        response = self._post(q, body)
        response.wechat_nonce = q["nonce"]
        return response

    def _post(self, query: dict, body: str):
        started = time.monotonic()
        if self.http_base:
            response = requests.post(
                f"{self.http_base}{self.url}?{urlencode(query)}",
                data=body.encode(),
                headers={"Content-Type": "text/xml"},
                timeout=10,
            )
        else:
            response = self.client.post(
                f"{self.url}?{urlencode(query)}", data=body.encode(), content_type="text/xml"
            )
        response.seconds = time.monotonic() - started
        return response

    # -- replies -------------------------------------------------------------------------------
    @staticmethod
    def fields(xml: str) -> dict:
        root = ET.fromstring(xml)  # noqa: S314
        return {child.tag: (child.text or "") for child in root}

    def read_plain_reply(self, response) -> dict:
        assert response.status_code == 200, response.content
        return self.fields(response.content.decode())

    def read_aes_reply(self, response) -> dict:
        """What WeChat does with a safe-mode reply: check MsgSignature, decrypt, parse."""
        assert response.status_code == 200, response.content
        outer = self.fields(response.content.decode())
        expected = self.sign(TOKEN, outer["TimeStamp"], outer["Nonce"], outer["Encrypt"])
        assert outer["MsgSignature"] == expected, "the reply's signature does not verify"
        return self.fields(self.decrypt(outer["Encrypt"]))


class FakeWeChatApi:
    """api.weixin.qq.com's token and 临时素材 download, on 127.0.0.1."""

    def __init__(self) -> None:
        self.media: dict[str, bytes] = {}
        self.failures: dict[str, int] = {}  # media_id → answers of HTTP 500 before success
        self.tokens: set[str] = set()
        self.calls: list[str] = []
        self.media_delay = 0.0  # seconds before a media download answers
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _json(self, data, status=200):
                body = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; encoding=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                url = urlparse(self.path)
                q = {k: v[0] for k, v in parse_qs(url.query).items()}
                fake.calls.append(url.path)
                if url.path == "/cgi-bin/token":
                    if q.get("appid") != APP_ID or q.get("secret") != APP_SECRET:
                        return self._json({"errcode": 40125, "errmsg": "invalid appsecret"})
                    token = secrets.token_hex(16)
                    fake.tokens.add(token)
                    return self._json({"access_token": token, "expires_in": 7200})
                if url.path == "/cgi-bin/media/get":
                    if q.get("access_token") not in fake.tokens:
                        return self._json({"errcode": 40001, "errmsg": "invalid credential"})
                    media_id = q.get("media_id", "")
                    if fake.failures.get(media_id, 0) > 0:
                        fake.failures[media_id] -= 1
                        return self._json({"errcode": -1, "errmsg": "system busy"}, status=500)
                    if media_id not in fake.media:
                        return self._json({"errcode": 40007, "errmsg": "invalid media_id"})
                    body = fake.media[media_id]
                    time.sleep(fake.media_delay)
                    self.send_response(200)
                    self.send_header("Content-Type", "image/png")
                    self.send_header("Content-Disposition", 'attachment; filename="x.png"')
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return None
                return self._json({"errcode": 404, "errmsg": "no such api"}, status=404)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def wechat_api():
    api = FakeWeChatApi()
    yield api
    api.close()


@pytest.fixture
def wechat_settings(settings, wechat_api):
    settings.WECHAT_APP_ID = APP_ID
    settings.WECHAT_APP_SECRET = APP_SECRET
    settings.WECHAT_TOKEN = TOKEN
    settings.WECHAT_ENCODING_AES_KEY = encoding_aes_key()
    settings.WECHAT_PREVIOUS_ENCODING_AES_KEY = ""
    settings.WECHAT_REGION = "440106"
    settings.WECHAT_API_BASE = wechat_api.base
    settings.WECHAT_MEDIA_CLIENT = "wechat.media.WeChatApiClient"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.SITE_URL = "https://ws.example.gov.cn"
    return settings


@pytest.fixture
def seeded(db):
    from complaints.defaults import seed
    from complaints.models import DeadlineRule, RefusalGround

    seed(DeadlineRule, RefusalGround)


@pytest.fixture
def wechat(client, wechat_settings, seeded):
    return WeChatSide(client, aes_key=wechat_settings.WECHAT_ENCODING_AES_KEY)
