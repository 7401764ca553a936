"""The object server (temp URLs, SDK uploads) keeps web pages out as the gateway does (DESIGN §7).

Every route wants a loopback Host (DNS rebinding); uploads refuse an Origin (a cross-site form
or fetch); downloads still answer one, since temp URLs are made to be opened in browsers.
"""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit

import pytest

from app.core.requests import Caller, Request
from app.core.workspace import Workspace

ADMIN = Caller.admin("scf")


def send(method: str, url: str, body: bytes | None = None, headers: dict | None = None) -> tuple[int, bytes]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request(method, parts.path + (f"?{parts.query}" if parts.query else ""), body=body,
                           headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def upload_target(workspace: Workspace, path: str) -> tuple[str, str, str]:
    meta = workspace.handle(Request("storage.getUploadMetadata", {"path": path, "method": "put"}, ADMIN))
    return meta["url"], meta["token"], meta["fileId"]


def temp_url(workspace: Workspace, file_id: str) -> str:
    answer = workspace.handle(Request("storage.batchGetDownloadUrl", {"file_list": [{"fileid": file_id}]}, ADMIN))
    return answer["download_list"][0]["tempFileURL"]


@pytest.fixture
def stored(workspace: Workspace) -> str:
    """A file uploaded the SDK 4.x way; returns its fileID."""
    url, token, file_id = upload_target(workspace, "sec/kept.txt")
    assert send("PUT", url, b"kept", {"x-cos-security-token": token})[0] == 200
    return file_id


def test_a_foreign_host_is_refused_on_every_route(workspace, stored):
    download = temp_url(workspace, stored)
    host = f"evil.example:{urlsplit(download).port}"
    status, body = send("GET", download, headers={"Host": host})
    assert status == 403 and b"<Code>AccessDenied</Code>" in body
    assert send("HEAD", download, headers={"Host": host})[0] == 403
    url, token, _ = upload_target(workspace, "sec/rebound.txt")
    assert send("PUT", url, b"x", {"x-cos-security-token": token, "Host": host})[0] == 403
    assert send("GET", download, headers={"Host": f"localhost:{urlsplit(download).port}"}) == (200, b"kept")


def test_an_upload_from_a_web_page_is_refused(workspace):
    url, token, file_id = upload_target(workspace, "sec/csrf.txt")
    status, body = send("PUT", url, b"x", {"x-cos-security-token": token, "Origin": "https://evil.example"})
    assert status == 403 and b"AccessDenied" in body
    boundary = "b0undary"
    form = (f'--{boundary}\r\nContent-Disposition: form-data; name="x-cos-security-token"\r\n\r\n{token}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="f"\r\n\r\nx\r\n'
            f"--{boundary}--\r\n").encode()
    status, _ = send("POST", url, form, {"Content-Type": f"multipart/form-data; boundary={boundary}",
                                         "Origin": "null"})
    assert status == 403
    assert temp_url(workspace, file_id) == ""  # nothing was stored


def test_a_download_opened_from_a_page_still_works(workspace, stored):
    """A temp URL in <img crossorigin> or fetch() carries an Origin; its signature is what guards it."""
    assert send("GET", temp_url(workspace, stored), headers={"Origin": "https://mini.example"}) == (200, b"kept")
