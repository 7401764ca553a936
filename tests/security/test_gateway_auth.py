"""The gateway answers only local programs holding the workspace secret (DESIGN §7).

Requests are signed here by ``sdk_sign``, a transcription of what the real SDK does
(@cloudbase/signature-nodejs ``Signer.tc3sign`` and node-sdk's ``getHeaders``), written
independently of wxsim's own signer so a mistake shared by wxsim's signer and verifier
cannot hide. tests/contract runs the real SDK against the same check.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import os
import stat
import time
from urllib.parse import quote, urlsplit

import pytest

from app.core.gateway.credentials import SECRET_FILE, Credentials, load_or_create
from app.core.requests import Caller, Request
from app.core.workspace import Workspace

BOUNDARY = "--------------------------515890814546601021194782"
TODOS = [{"_id": "t1", "title": "a", "done": False}, {"_id": "t2", "title": "b", "done": True}]


# -- the SDK's signer, transcribed ---------------------------------------------------------------


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode(), hashlib.sha256).digest()


def sdk_sign(secret_id: str, secret_key: str, url: str, headers: dict[str, str], params: dict,
             timestamp: int, *, method: str = "post", list_every_key: bool = False) -> str:
    """The Authorization header ``sign({..., withSignedParams: true})`` returns.

    ``formatKeyAndValue``: keys lowercased and URI-encoded; header values trimmed and
    lowercased, except content-type (a multipart one loses its boundary); param values
    JSON.stringify'd unless strings or (in a form) Buffers, then trimmed. ``calcParamsHash``
    hashes ``&key=value\\r\\n`` in sorted key order, skipping empty values. signature-nodejs 2.x
    (SDK 4.x) lists the keys it hashed; 1.0.0-beta.0 (SDK 2.x/3.x) lists every key.
    (Sorting by code point equals the SDK's localeCompare for its [a-z_-] names.)
    """
    def key(name: str) -> str:
        return quote(name.lower().strip(), safe="")

    heads = {}
    for name, value in headers.items():
        if key(name) == "content-type":
            heads["content-type"] = "multipart/form-data" if value.startswith("multipart/form-data") else value
        else:
            heads[key(name)] = str(value).strip().lower()
    values = {}
    for name, value in params.items():
        if isinstance(value, bytes):
            values[key(name)] = value
        else:
            values[key(name)] = (value if isinstance(value, str) else json.dumps(value, separators=(",", ":"),
                                                                              ensure_ascii=False)).strip()
    digest, hashed = hashlib.sha256(), []
    for name in sorted(values):
        if values[name] == "":
            continue
        hashed.append(name)
        digest.update(f"&{name}=".encode())
        digest.update(values[name] if isinstance(values[name], bytes) else values[name].encode())
        digest.update(b"\r\n")
    signed_params = sorted(values) if list_every_key else hashed
    signed_headers = sorted(heads)
    canonical_headers = "".join(f"{name}:{heads[name]}\n" for name in signed_headers)
    parts = urlsplit(url)
    canonical = (f"{method}\n//{parts.netloc}{parts.path}\n{parts.query}\n{canonical_headers}\n"
                 f"{';'.join(signed_headers)}\n{digest.hexdigest()}")
    date = time.strftime("%Y-%m-%d", time.gmtime(timestamp))
    scope = f"{date}/tcb/tc3_request"
    to_sign = f"TC3-HMAC-SHA256\n{timestamp}\n{scope}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
    signing = _hmac(_hmac(_hmac(f"TC3{secret_key}".encode(), date), "tcb"), "tc3_request")
    signature = hmac.new(signing, to_sign.encode(), hashlib.sha256).hexdigest()
    return (f"TC3-HMAC-SHA256 Credential={secret_id}/{scope}, SignedParams={';'.join(signed_params)}, "
            f"SignedHeaders={';'.join(signed_headers)}, Signature={signature}")


# -- a client that sends what the SDK sends --------------------------------------------------------


class Sdk:
    """Builds SDK 4.x requests (or 2.x ones) to one gateway and sends them raw."""

    def __init__(self, url: str, credentials: Credentials, env: str) -> None:
        self.url, self.credentials, self.env = url, credentials, env

    def params(self, action: str, params: dict) -> dict:
        return {"action": action, **params, "envName": self.env, "wxCloudApiToken": "", "tcb_sessionToken": "",
                "sessionToken": self.credentials.session_token, "crossAuthorizationToken": ""}

    def headers(self, host: str, content_type: str = "application/json") -> dict[str, str]:
        return {"User-Agent": "tcb-node-sdk/3.17.2", "X-TCB-Source": ",scf",
                "X-Client-Timestamp": str(int(time.time() * 1000)), "X-SDK-Version": "wx-server-sdk/4.0.2",
                "Host": host, "X-TCB-Region": "ap-shanghai", "content-type": content_type}

    def send(self, action: str, params: dict, *, key: str | None = None, secret_id: str | None = None,
             timestamp: int | None = None, host: str | None = None, extra: dict | None = None,
             body: bytes | None = None, query: str = "?env={env}&seqId=18c0f_1", sign: bool = True,
             list_every_key: bool = False, content_type: str = "application/json") -> dict:
        """POST one call as the SDK does; ``body`` replaces the signed body (tampering)."""
        fields = self.params(action, params)
        url = self.url + query.format(env=self.env)
        parts = urlsplit(url)
        host = host or parts.netloc
        headers = self.headers(host, content_type)
        timestamp = int(time.time()) - 1 if timestamp is None else timestamp
        if sign:
            signed_url = url.replace(parts.netloc, host, 1)
            headers["Authorization"] = sdk_sign(
                secret_id or self.credentials.secret_id, key or self.credentials.secret_key, signed_url, headers,
                fields, timestamp, list_every_key=list_every_key)
            headers["X-Signature-Expires"] = "600"
            headers["X-Timestamp"] = str(timestamp)
        headers.update(extra or {})
        data = json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode() if body is None else body
        return raw_post(url, data, headers)

    def send_form(self, fields: dict[str, str | bytes], *, tamper: bytes | None = None) -> tuple[str, bytes]:
        """A wx.openApi multipart call as form-data writes it (Buffers as octet-stream)."""
        url = self.url + f"?env={self.env}&seqId=18c0f_2"
        headers = self.headers(urlsplit(url).netloc, "multipart/form-data")
        timestamp = int(time.time()) - 1
        headers["Authorization"] = sdk_sign(self.credentials.secret_id, self.credentials.secret_key, url, headers,
                                            fields, timestamp)
        headers["X-Signature-Expires"], headers["X-Timestamp"] = "600", str(timestamp)
        headers["content-type"] = f"multipart/form-data; boundary={BOUNDARY}"
        sent = dict(fields, **({"requestData": tamper} if tamper is not None else {}))
        body = b""
        for name, value in sent.items():
            head = f'Content-Disposition: form-data; name="{name}"\r\n'
            if isinstance(value, bytes):
                head += "Content-Type: application/octet-stream\r\n"
            else:
                value = value.encode()
            body += f"--{BOUNDARY}\r\n{head}\r\n".encode() + value + b"\r\n"
        body += f"--{BOUNDARY}--\r\n".encode()
        status, content_type, answer = _request("POST", url, body, headers)
        assert status == 200
        return content_type, answer


def _request(method: str, url: str, body: bytes | None, headers: dict[str, str]) -> tuple[int, str, bytes]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        # A Host among the headers replaces http.client's own, so a test can send a foreign one.
        connection.request(method, parts.path + (f"?{parts.query}" if parts.query else ""), body=body,
                           headers=headers)
        response = connection.getresponse()
        return response.status, response.headers.get("Content-Type", ""), response.read()
    finally:
        connection.close()


def raw_post(url: str, body: bytes, headers: dict[str, str]) -> dict:
    status, _, answer = _request("POST", url, body, headers)
    assert status == 200  # refusals too: the SDK reads errors from the body
    return json.loads(answer)


# -- fixtures --------------------------------------------------------------------------------------


@pytest.fixture
def gateway(workspace: Workspace):
    """The workspace's own gateway (its secret from the data dir), with a ``todos`` collection."""
    admin = Caller.admin("console")
    workspace.handle(Request("database.addCollection", {"collectionName": "todos"}, admin))
    workspace.handle(Request("database.insertDocument", {"collectionName": "todos", "data": TODOS}, admin))
    workspace.gateway.start()
    return workspace.gateway


@pytest.fixture
def sdk(gateway, workspace: Workspace) -> Sdk:
    return Sdk(gateway.url, gateway.credentials, workspace.settings.env_id)


def todo_ids(workspace: Workspace) -> list[str]:
    answer = workspace.handle(Request("database.getDocument", {"collectionName": "todos", "queryType": "WHERE",
                                                               "limit": 100}, Caller.admin("console")))
    return sorted(doc["_id"] for doc in answer["list"])


COUNT = ("database.calculateDocument", {"collectionName": "todos", "queryType": "WHERE"})
INSERT = ("database.insertDocument", {"collectionName": "todos", "data": ['{"_id":"evil","title":"x"}']})


def refused(answer: dict, code: str = "SIGN_PARAM_INVALID") -> str:
    assert set(answer) == {"code", "message", "requestId"}, answer
    assert answer["code"] == code
    return answer["message"]


# -- the secret ------------------------------------------------------------------------------------


def test_the_secret_is_created_private_kept_and_handed_to_node(workspace, gateway):
    path = workspace.data_dir / SECRET_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    saved = json.loads(path.read_text(encoding="utf-8"))
    creds = gateway.credentials
    assert saved == {"secretId": creds.secret_id, "secretKey": creds.secret_key, "sessionToken": creds.session_token}
    assert len(creds.secret_key) >= 32 and creds.secret_key not in repr(creds)
    assert load_or_create(workspace.data_dir) == creds  # the same on every open
    env = gateway.node_env("wx_devtools")
    assert (env["TENCENTCLOUD_SECRETID"], env["TENCENTCLOUD_SECRETKEY"], env["TENCENTCLOUD_SESSIONTOKEN"]) == (
        creds.secret_id, creds.secret_key, creds.session_token)


def test_each_workspace_has_its_own_secret_and_a_damaged_one_is_replaced(tmp_path):
    first, second = load_or_create(tmp_path / "a"), load_or_create(tmp_path / "b")
    assert first.secret_key != second.secret_key and first.secret_id != second.secret_id
    path = tmp_path / "a" / SECRET_FILE
    path.write_text("{not json", encoding="utf-8")
    os.chmod(path, 0o644)
    renewed = load_or_create(tmp_path / "a")
    assert renewed.secret_key != first.secret_key and stat.S_IMODE(path.stat().st_mode) == 0o600
    os.chmod(path, 0o644)  # copied with a wider mode: kept, but made private again
    assert load_or_create(tmp_path / "a") == renewed and stat.S_IMODE(path.stat().st_mode) == 0o600


# -- signed requests -------------------------------------------------------------------------------


def test_a_correctly_signed_request_is_served(sdk):
    answer = sdk.send("database.getDocument", {"collectionName": "todos", "queryType": "WHERE", "limit": 100,
                                               "query": '{"done":false}'})
    assert [json.loads(doc)["_id"] for doc in answer["data"]["list"]] == ["t1"]


def test_an_sdk_2x_request_is_served(sdk, workspace):
    """2.x/3.x: ``?&eventId=…&seqId=…``, env in the body, every key listed, ``accept`` unsigned."""
    answer = sdk.send(*COUNT, query="?&eventId=18c0f_3&seqId=18c0f_3", list_every_key=True,
                      extra={"accept": "application/json"})
    assert answer["data"] == {"total": 2}


def test_a_signed_write_is_served(sdk, workspace):
    assert sdk.send(*INSERT)["data"]["insertedIds"] == ["evil"]
    assert todo_ids(workspace) == ["evil", "t1", "t2"]


def test_a_signed_open_api_form_is_served_and_a_changed_buffer_is_not(sdk, workspace):
    pairs = b"".join(b"\x0a" + bytes([len(p)]) + p for p in (
        b"\x0a\x06touser\x12\x07\"oUser\"", b"\x0a\x0btemplate_id\x12\x04\"T1\""))
    request_data = b"\x08\x00\x12" + bytes([len(pairs)]) + pairs  # CommApiData{apiType 0, openapiData}
    fields = {"action": "wx.openApi", "apiName": "subscribeMessage.send", "requestData": request_data,
              "envName": sdk.env, "wxCloudApiToken": "", "tcb_sessionToken": "",
              "sessionToken": sdk.credentials.session_token}
    content_type, answer = sdk.send_form(fields)
    assert content_type == "application/octet-stream"  # the protobuf answer, not a JSON error
    content_type, answer = sdk.send_form(fields, tamper=request_data.replace(b"oUser", b"oEvil"))
    assert content_type.startswith("application/json") and json.loads(answer)["code"] == "SIGN_PARAM_INVALID"
    # Only the signed form reached the dispatcher (outside a function run, strict mode refuses it: -604104).
    assert [e.params["data"]["touser"] for e in workspace.events.recent() if e.action == "wx.openApi"] == ["oUser"]


# -- refused requests ------------------------------------------------------------------------------


def test_an_unsigned_request_is_refused_and_writes_nothing(sdk, workspace):
    message = refused(sdk.send(*INSERT, sign=False))
    assert "missing authorization" in message
    assert todo_ids(workspace) == ["t1", "t2"]
    assert not [e for e in workspace.events.recent() if e.action == "database.insertDocument" and e.source != "console"]


def test_a_wrong_key_is_refused(sdk, workspace):
    assert "signature error" in refused(sdk.send(*INSERT, key="not-the-workspace-key"))
    assert todo_ids(workspace) == ["t1", "t2"]


def test_another_secret_id_is_refused(sdk):
    assert "secret id error" in refused(sdk.send(*COUNT, secret_id="AKIDsomeoneelse"))


def test_a_tampered_body_is_refused(sdk, workspace):
    fields = sdk.params(*INSERT)
    tampered = json.dumps({**fields, "data": ['{"_id":"other","title":"x"}']}, separators=(",", ":")).encode()
    assert "signature error" in refused(sdk.send(*INSERT, body=tampered))
    added = json.dumps({**fields, "extra": "x"}, separators=(",", ":")).encode()  # a key nobody signed
    refused(sdk.send(*INSERT, body=added))
    assert todo_ids(workspace) == ["t1", "t2"]


def test_a_tampered_query_string_is_refused(sdk):
    """The query string is signed: another seqId could make a request someone else's run's."""
    fields = sdk.params(*COUNT)
    url = sdk.url + f"?env={sdk.env}&seqId=18c0f_1"
    headers = sdk.headers(urlsplit(url).netloc)
    timestamp = int(time.time()) - 1
    headers.update({"Authorization": sdk_sign(sdk.credentials.secret_id, sdk.credentials.secret_key, url, headers,
                                              fields, timestamp),
                    "X-Signature-Expires": "600", "X-Timestamp": str(timestamp)})
    body = json.dumps(fields).encode()
    assert raw_post(url, body, headers)["data"] == {"total": 2}
    refused(raw_post(url.replace("seqId=18c0f_1", "seqId=run-7-18c0f_1"), body, headers))


def test_an_expired_or_future_signature_is_refused(sdk):
    assert "expired" in refused(sdk.send(*COUNT, timestamp=int(time.time()) - 3600))
    assert "not valid yet" in refused(sdk.send(*COUNT, timestamp=int(time.time()) + 3600))
    # X-Signature-Expires is not signed, so it cannot stretch the window.
    refused(sdk.send(*COUNT, timestamp=int(time.time()) - 3600, extra={"X-Signature-Expires": "99999"}))
    assert sdk.send(*COUNT, timestamp=int(time.time()) - 300)["data"] == {"total": 2}  # within 600 s


def test_a_wrong_session_token_is_refused(sdk):
    sdk.credentials = Credentials(sdk.credentials.secret_id, sdk.credentials.secret_key, "another-token")
    assert "session token" in refused(sdk.send(*COUNT))


def test_a_foreign_host_is_refused_even_when_signed(sdk, gateway):
    """DNS rebinding: the page's name resolves to 127.0.0.1, but its Host still says the name."""
    port = urlsplit(gateway.url).port
    for host in (f"evil.example:{port}", "evil.example", f"127.0.0.1.evil.example:{port}", f"10.0.0.5:{port}"):
        assert "127.0.0.1" in refused(sdk.send(*COUNT, host=host), "INVALID_REQUEST_SOURCE")
    for host in (f"localhost:{port}", f"[::1]:{port}"):
        assert sdk.send(*COUNT, host=host)["data"] == {"total": 2}
    status, _, body = _request("GET", gateway.url, None, {"Host": f"evil.example:{port}"})
    assert (status, json.loads(body)["code"]) == (200, "INVALID_REQUEST_SOURCE")
    status, _, body = _request("GET", gateway.url, None, {"Host": f"localhost:{port}"})
    assert json.loads(body)["service"] == "wxsim gateway"


def test_any_origin_is_refused_even_when_signed(sdk, gateway, workspace):
    for origin in ("https://evil.example", "null", gateway.url.rsplit("/", 1)[0]):
        refused(sdk.send(*INSERT, extra={"Origin": origin}), "INVALID_REQUEST_SOURCE")
    status, _, body = _request("GET", gateway.url, None, {"Origin": "https://evil.example"})
    assert json.loads(body)["code"] == "INVALID_REQUEST_SOURCE"
    assert todo_ids(workspace) == ["t1", "t2"]


def test_a_text_plain_csrf_post_is_refused(sdk, gateway, workspace):
    """What a cross-site <form enctype=text/plain> or no-cors fetch can send: no preflight, no signature."""
    form_body = json.dumps(sdk.params(*INSERT)).encode()
    headers = {"Content-Type": "text/plain", "Host": urlsplit(gateway.url).netloc}
    url = gateway.url + f"?env={sdk.env}&seqId=1_1"
    refused(raw_post(url, form_body, {**headers, "Origin": "https://evil.example"}), "INVALID_REQUEST_SOURCE")
    refused(raw_post(url, form_body, headers))  # as from a browser that sends no Origin
    assert todo_ids(workspace) == ["t1", "t2"]
