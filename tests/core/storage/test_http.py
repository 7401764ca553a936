"""The loopback object server: real HTTP requests for temp URLs and object uploads."""

from __future__ import annotations

import http.client
import re
import urllib.request
from urllib.error import HTTPError
from urllib.parse import quote, urlsplit

import pytest

from app.core.jsonfile import TEMP_PREFIX
from app.core.storage.permissions import ADMINONLY, ADMINWRITE, PRIVATE

from .conftest import BUCKET, PREFIX


def fetch(url: str, method: str = "GET", headers: dict | None = None, body=None):
    """(status, headers, body) of one request, errors included."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except HTTPError as error:
        return error.code, error.headers, error.read()


def raw(env, target: str, method: str = "GET"):
    """Send ``target`` verbatim (no client-side normalisation of '..' or escapes)."""
    base = urlsplit(env.service.objects.base_url())
    connection = http.client.HTTPConnection(base.hostname, base.port, timeout=10)
    try:
        connection.putrequest(method, target, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def temp_url(env, caller, path: str, max_age: int | None = None) -> str:
    item = {"fileID": PREFIX + path, "maxAge": max_age} if max_age else PREFIX + path
    [answer] = env.sdk(caller).get_temp_file_url([item]).value["fileList"]
    assert answer["status"] == 0, answer
    return answer["tempFileURL"]


def encode_uri(url: str) -> str:
    """JavaScript's encodeURI, which the SDK's downloadFile applies to tempFileURL."""
    return quote(url, safe=";,/?:@&=+$-_.!~*'()#")


def no_temp_files(env) -> bool:
    return not [p for p in (env.data / "storage").rglob("*") if p.name.startswith(TEMP_PREFIX)]


# -- downloads -------------------------------------------------------------------------------


def test_a_good_signature_serves_the_bytes(env):
    env.put(env.a, "a/b.png", b"\x89PNG data")
    status, headers, body = fetch(temp_url(env, env.a, "a/b.png"))
    assert (status, body) == (200, b"\x89PNG data")
    assert headers["Content-Type"] == "image/png" and headers["Content-Length"] == "9"


def test_head_gives_the_headers_only(env):
    env.put(env.a, "a/b.png", b"12345")
    status, headers, body = fetch(temp_url(env, env.a, "a/b.png"), method="HEAD")
    assert (status, headers["Content-Length"], body) == (200, "5", b"")


def test_a_byte_range(env):
    env.put(env.a, "v.mp4", b"0123456789")
    status, headers, body = fetch(temp_url(env, env.a, "v.mp4"), headers={"Range": "bytes=2-5"})
    assert (status, body, headers["Content-Range"]) == (206, b"2345", "bytes 2-5/10")
    assert fetch(temp_url(env, env.a, "v.mp4"), headers={"Range": "bytes=-3"})[2] == b"789"
    assert fetch(temp_url(env, env.a, "v.mp4"), headers={"Range": "bytes=20-"})[0] == 416


def test_forged_signatures_get_403(env):
    env.put(env.a, "a/b.png", b"x")
    env.put(env.a, "a/c.png", b"secret")
    url = temp_url(env, env.a, "a/b.png")
    sign = re.search(r"sign=([0-9a-f]{32})", url).group(1)
    t = int(re.search(r"t=(\d+)", url).group(1))
    forged = [
        url.replace(sign, ("0" if sign[0] != "0" else "1") + sign[1:]),  # one digit changed
        url.replace("a/b.png", "a/c.png"),  # b's signature on another file
        url.replace(f"t={t}", f"t={t + 86400}"),  # a longer life
        url.split("?")[0],  # no signature at all
        url.split("&")[0],  # no t
        url.replace(f"t={t}", "t=abc"),
    ]
    for target in forged:
        status, headers, body = fetch(target)
        assert status == 403, target
        assert b"<Code>AccessDenied</Code>" in body and b"<RequestId>" in body and b"<TraceId>" in body


def test_expired_urls_get_403(env, clock):
    env.put(env.a, "a/b.png", b"x")
    url = temp_url(env, env.a, "a/b.png", max_age=60)
    clock.advance(60)
    assert fetch(url)[0] == 200  # valid through second t
    clock.advance(1)
    status, _, body = fetch(url)
    assert status == 403 and b"expired" in body


def test_a_deleted_file_gets_404(env):
    file_id = env.put(env.a, "a/b.png", b"x")
    url = temp_url(env, env.a, "a/b.png")
    env.sdk(env.a).delete_file([file_id])
    status, _, body = fetch(url)
    assert status == 404 and b"<Code>NoSuchKey</Code>" in body


def test_a_file_removed_by_hand_gets_404(env):
    env.put(env.a, "a/b.png", b"x")
    url = temp_url(env, env.a, "a/b.png")
    (env.data / "storage" / "a" / "b.png").unlink()
    assert fetch(url)[0] == 404


def test_another_bucket_gets_404(env):
    env.put(env.a, "a/b.png", b"x")
    url = temp_url(env, env.a, "a/b.png")
    assert fetch(url.replace(BUCKET, "7465-test-x1dzi-1250000000"))[0] == 404


TRAVERSALS = [
    "/{bucket}/../../../../etc/passwd",
    "/{bucket}/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/{bucket}/%252e%252e/%252e%252e/etc/passwd",
    "/{bucket}/a/..%2f..%2f..%2fetc%2fpasswd",
    "/{bucket}/..%5c..%5cetc%5cpasswd",
    "/{bucket}//etc/passwd",
    "/{bucket}/%2Fetc%2Fpasswd",
    "/{bucket}/a/b.png/../../../storage-index.json",
    "/{bucket}/%00/a",
    "/{bucket}/%ef%bc%8f..%ef%bc%8fsecret",  # fullwidth solidus
    "/../storage-index.json",
    "/{bucket}/../storage-index.json",
    "/{bucket}/..",
    "/{bucket}/",
    "/{bucket}",
    "/",
    "//etc/passwd",
]


@pytest.mark.parametrize("target", TRAVERSALS)
def test_path_traversal_in_the_url_is_refused(env, target):
    """With or without a real signature borrowed from another file, nothing outside is served."""
    env.put(env.a, "a/b.png", b"x")
    (env.data / "secret").write_text("do not serve")
    query = urlsplit(temp_url(env, env.a, "a/b.png")).query
    for suffix in ("", "?" + query):
        status, body = raw(env, target.format(bucket=BUCKET) + suffix)
        assert status in (403, 404), (target, status)
        assert b"do not serve" not in body and b'"files"' not in body


def test_the_sdk_download_path_handles_encode_uri(env):
    """tcb-wire §6: downloadFile runs encodeURI over tempFileURL; odd names still arrive."""
    for path in ("中文/头像 1.png", "a/100%.txt", "a/x%41y.txt", "a/#hash.txt", "a/+plus&eq=.txt"):
        env.put(env.a, path, path.encode())
        url = temp_url(env, env.a, path)
        assert fetch(url)[2] == path.encode(), path
        assert fetch(encode_uri(url))[2] == path.encode(), path


def test_temp_urls_work_for_whoever_holds_them(env):
    """§4.4: signed links are not checked against the mode, only signature and expiry."""
    env.put(env.a, "a/b.png", b"x")
    env.mode = PRIVATE
    url = temp_url(env, env.a, "a/b.png")
    env.mode = ADMINONLY
    assert fetch(url)[0] == 200


def test_temp_urls_survive_a_restart(env):
    env.put(env.a, "a/b.png", b"x")
    url = temp_url(env, env.a, "a/b.png")
    env.reopen()
    assert temp_url(env, env.a, "a/b.png").split("/")[2] == url.split("/")[2]  # same port
    assert fetch(url)[2] == b"x"


def test_temp_urls_open_after_a_restart_before_any_other_request(tmp_path):
    """A link copied before the app quit opens after it starts again, with nothing else asked
    for first: the object server used to start only for the next new URL (connection refused)."""
    from app.core.requests import Request
    from app.core.workspace import Workspace
    from app.paths import demo_project, resource

    def open_workspace():
        return Workspace.open(tmp_path / "data", demo_project(), demo_data=resource("demo-data"))

    ws = open_workspace()
    try:
        file_id = ws.storage.file_id("notes/welcome.txt")
        answer = ws.handle(Request("storage.batchGetDownloadUrl", {"file_list": [{"fileid": file_id}]},
                                   ws.client_caller("学生A")))
        url = answer["download_list"][0]["tempFileURL"]
    finally:
        ws.close()
    ws = open_workspace()
    try:
        status, _headers, body = fetch(url)
        assert status == 200 and body == (resource("demo-data") / "storage" / "notes" / "welcome.txt").read_bytes()
    finally:
        ws.close()


def test_overwrite_serves_the_new_bytes(env):
    env.put(env.a, "a/b.png", b"old")
    url = temp_url(env, env.a, "a/b.png")
    env.put(env.a, "a/b.png", b"new!")
    assert fetch(url)[2] == b"new!"


def test_the_server_binds_loopback_only(env):
    env.put(env.a, "a/b.png", b"x")
    assert temp_url(env, env.a, "a/b.png").startswith("http://127.0.0.1:")
    server = env.service.objects._server
    assert server._httpd.server_address[0] == "127.0.0.1"


# -- uploads ---------------------------------------------------------------------------------


def metadata(env, caller, path: str) -> dict:
    return env.handle("storage.getUploadMetadata", {"path": path, "method": "put"}, caller)


def put(url: str, token: str | None, body, *, chunked: bool, extra: dict | None = None):
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    headers = {"x-cos-security-token": token} if token else {}
    headers.update(extra or {})
    try:
        if chunked:
            connection.request("PUT", parts.path, body=iter(body), headers=headers, encode_chunked=True)
        else:
            connection.request("PUT", parts.path, body=b"".join(body), headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_put_chunked_like_sdk_4(env):
    """tcb-wire §6: metadata, then PUT with a chunked body; 200 with an empty body."""
    meta = metadata(env, env.a, "a/中文 b.txt")
    key = quote("a/中文 b.txt", safe="")
    headers = {"Signature": meta["authorization"], "authorization": meta["authorization"],
               "x-cos-meta-fileid": meta["cosFileId"], "key": key}
    status, body = put(meta["url"], meta["token"], [b"hello ", b"chunked ", b"world"], chunked=True, extra=headers)
    assert (status, body) == (200, b"")
    assert (env.data / "storage" / "a" / "中文 b.txt").read_bytes() == b"hello chunked world"
    [record] = env.handle("storage.listFiles", {})["files"]
    assert (record["fileID"], record["owner"]) == (meta["fileId"], env.a.openid)
    event = env.events.recent()[-2]  # the listFiles call is last
    assert (event.action, event.persona, event.target, event.permission_allowed) == (
        "storage.putObject", "学生A", "a/中文 b.txt", True)
    assert no_temp_files(env)


def test_put_with_content_length(env):
    meta = metadata(env, env.admin, "x.bin")
    assert put(meta["url"], meta["token"], [b"\x00\x01" * 1000], chunked=False)[0] == 200
    assert (env.data / "storage" / "x.bin").read_bytes() == b"\x00\x01" * 1000


def test_the_sdk_round_trip(env):
    """Upload and download as wx-server-sdk 4.x does it, step by step (tcb-wire §7)."""
    meta = metadata(env, env.admin, "a/b.txt")
    put(meta["url"], meta["token"], [b"hi"], chunked=True)
    answer = env.handle("storage.batchGetDownloadUrl", {"file_list": [{"fileid": meta["fileId"], "max_age": 600}]})
    [item] = answer["download_list"]
    assert item["code"] == "SUCCESS"
    assert fetch(encode_uri(item["tempFileURL"]))[2] == b"hi"


@pytest.mark.parametrize("case", ["no token", "unknown token", "expired", "other path", "denied now"])
def test_refused_uploads_store_nothing(env, clock, case):
    env.put(env.a, "a/b.txt", b"original")
    meta = metadata(env, env.a, "a/b.txt")
    token, url = meta["token"], meta["url"]
    if case == "no token":
        token = None
    elif case == "unknown token":
        token = "0" * 32
    elif case == "expired":
        clock.advance(901)
    elif case == "other path":
        url = url.replace("a/b.txt", "a/c.txt")
    elif case == "denied now":
        env.mode = ADMINWRITE  # changed between the metadata call and the bytes
    status, body = put(url, token, [b"new bytes"], chunked=True)
    assert status == 403 and b"<Error><Code>" in body
    assert (env.data / "storage" / "a" / "b.txt").read_bytes() == b"original"
    assert sorted(p.name for p in (env.data / "storage").rglob("*")) == ["a", "b.txt"]
    if case == "denied now":
        event = env.last_event()
        assert (event.action, event.outcome, event.permission_allowed) == ("storage.putObject", "denied", False)


def test_put_needs_a_length_or_chunks(env):
    meta = metadata(env, env.a, "a.txt")
    parts = urlsplit(meta["url"])
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.putrequest("PUT", parts.path)
    connection.putheader("x-cos-security-token", meta["token"])
    connection.endheaders()
    assert connection.getresponse().status == 411
    connection.close()


def test_a_malformed_chunked_body_gets_400(env):
    meta = metadata(env, env.a, "a.txt")
    parts = urlsplit(meta["url"])
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.putrequest("PUT", parts.path)
    connection.putheader("x-cos-security-token", meta["token"])
    connection.putheader("Transfer-Encoding", "chunked")
    connection.endheaders()
    connection.send(b"zz\r\nabc\r\n0\r\n\r\n")
    assert connection.getresponse().status == 400
    connection.close()
    assert no_temp_files(env) and not (env.data / "storage" / "a.txt").exists()


def multipart(fields: list[tuple[str, str | bytes]], boundary: str = "----wxsimBoundary7MA4YWxk") -> bytes:
    out = b""
    for name, value in fields:
        out += f"--{boundary}\r\n".encode()
        if isinstance(value, bytes):
            out += (f'Content-Disposition: form-data; name="{name}"; filename="blob"\r\n'
                    "Content-Type: application/octet-stream\r\n\r\n").encode() + value + b"\r\n"
        else:
            out += f'Content-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
    return out + f"--{boundary}--\r\n".encode()


@pytest.mark.parametrize("chunked", [False, True])
@pytest.mark.parametrize("to_root", [False, True])
def test_post_multipart_like_sdk_2_and_3(env, chunked, to_root):
    """tcb-wire §6: Signature, x-cos-security-token, x-cos-meta-fileid, key, file; 204."""
    meta = env.handle("storage.getUploadMetadata", {"path": "a/b.txt"}, env.b)
    content = b"--not-a-boundary\r\n" * 5000 + b"\r\n--"  # boundary-like bytes in the data
    body = multipart([("Signature", meta["authorization"]), ("x-cos-security-token", meta["token"]),
                      ("x-cos-meta-fileid", meta["cosFileId"]), ("key", "a/b.txt"), ("file", content)])
    parts = urlsplit(meta["url"])
    path = f"/{BUCKET}/" if to_root else parts.path
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    headers = {"Content-Type": "multipart/form-data; boundary=----wxsimBoundary7MA4YWxk"}
    pieces = [body[i:i + 7000] for i in range(0, len(body), 7000)]
    if chunked:
        connection.request("POST", path, body=iter(pieces), headers=headers, encode_chunked=True)
    else:
        connection.request("POST", path, body=body, headers=headers)
    response = connection.getresponse()
    assert (response.status, response.read()) == (204, b"")
    connection.close()
    assert (env.data / "storage" / "a" / "b.txt").read_bytes() == content
    assert env.handle("storage.listFiles", {})["files"][0]["owner"] == env.b.openid


def test_post_without_a_token_before_the_file_is_refused(env):
    meta = metadata(env, env.b, "a/b.txt")
    body = multipart([("file", b"data"), ("x-cos-security-token", meta["token"])])
    status, _, _ = fetch(meta["url"], "POST", {"Content-Type": "multipart/form-data; boundary=----wxsimBoundary7MA4YWxk"}, body)
    assert status == 403 and no_temp_files(env)


def test_a_refused_upload_still_gets_its_answer(env):
    """The unread body is drained first, so the 403 is not lost to a connection reset."""
    meta = metadata(env, env.a, "a.bin")
    parts = urlsplit(meta["url"])
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    for _ in range(3):  # one keep-alive connection serves all three
        connection.request("PUT", parts.path, body=b"\xff" * (3 << 20), headers={"x-cos-security-token": "f" * 32})
        response = connection.getresponse()
        assert response.status == 403 and b"InvalidAccessKeyId" in response.read()
    connection.close()
    assert no_temp_files(env) and not (env.data / "storage" / "a.bin").exists()
