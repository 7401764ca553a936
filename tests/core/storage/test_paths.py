"""cloudPath rules (spec §5.2), path safety, and the fileID shape (§5.1)."""

from __future__ import annotations

import os
import re
import unicodedata

import pytest

from app.core.errors import CloudError
from app.core.storage.cloudpaths import FileIds, disk_path, normalize_cloud_path, numeric_app_id

from .conftest import APPID, BUCKET, ENV_ID, PREFIX

ACCEPTED = [
    "a.png",
    "a/b.png",
    "steps_attachments/x.png",
    "a-b_c.d!e*f'g(h)i.txt".replace("*", ""),  # the recommended set, bar '*' (see REJECTED)
    "中文/头像 1.jpg",
    "a b/c,d;e=f&g$h@i+j.txt",  # the "special handling" set, bar ':' and '?'
    "100%.png",  # a '%' that is not an escape
    "a%41.png",  # an escape of a harmless letter
    ".hidden/file",
    "...dots",
    "a/" + "x" * 255,
    "/".join(["d"] * 425)[:849],  # many folders, under 850 bytes
    "emoji/😀.png",
    # Names the cloud accepts that Windows cannot keep: stored under escaped disk names.
    "a|b测试.jpeg",
    'a:b?c*d"e<f>g|h.png',
    "C:/Windows/win.ini",
    "a.png:stream",  # an NTFS alternate data stream if written as it is
    "a./b.png",
    "a/b.png.",
    "a/b.png ",
    "CON",
    "nul.txt",
    "a/com1.png",
    "LPT9/x",
    ".wxsim-tmp-abc",
    "a/.wxsim-tmp-x/b",
    "x" * 249 + "|",  # 250 bytes, 255 on disk
]

# (input, a fragment of the error message): every traversal and trick tried.
REJECTED = [
    ("", "must not be empty"),
    (None, "must be a string"),
    (42, "must be a string"),
    ("/a.png", "must not start with '/'"),
    ("//a.png", "must not start with '/'"),
    ("a//b.png", "'//'"),
    ("a/", "must not end with '/'"),
    ("..", "'..' folder"),
    ("../a.png", "'..' folder"),
    ("a/../../etc/passwd", "'..' folder"),
    ("a/..", "'..' folder"),
    ("./a.png", "'.' folder"),
    ("a/./b.png", "'.' folder"),
    ("..\\a.png", "backslash"),
    ("a\\..\\..\\b", "backslash"),
    ("C:\\Windows\\win.ini", "backslash"),
    ("a\x00b", "U+0000"),
    ("a\nb", "U+000A"),
    ("a\x1bb", "U+001B"),
    ("a\x7fb", "U+007F"),
    ("a\u0085b", "U+0085"),
    ("a\u202eb.png", "U+202E"),  # right-to-left override: 'gnp.exe' tricks
    ("a\u200bb", "U+200B"),  # zero-width space
    ("a\ufeffb", "U+FEFF"),
    ("a\u2028b", "U+2028"),
    ("a\ud800b", "surrogate"),
    ("%2e%2e/a.png", "decodes to '.'"),
    ("%2E%2E%2Fetc", "decodes to '.'"),
    ("a%2fb", "decodes to '/'"),
    ("a%2Fb", "decodes to '/'"),
    ("..%2fa", "decodes to '/'"),
    ("a%5cb", "decodes to '\\\\'"),
    ("a%00b", "byte 0x00"),
    ("a%0ab", "byte 0x0A"),
    ("%252e%252e/a", "decodes to '%'"),  # double encoding
    ("a%c0%afb", "byte 0xC0"),  # overlong UTF-8 '/'
    ("a%u002fb", "%u escape"),
    ("a\uff0fb", "slash"),  # fullwidth solidus
    ("a\u2215b", "slash"),  # division slash
    ("a\u2044b", "slash"),  # fraction slash
    ("a\uff3cb", "slash"),  # fullwidth reverse solidus
    ("a\ufe68b", "slash"),  # small reverse solidus
    ("\uff0e\uff0e/a.png", "folder"),  # fullwidth '..'
    ("\u2025/a.png", "folder"),  # two dot leader, NFKC '..'
    ("a/\u2024", "folder"),  # one dot leader, NFKC '.'
    ("x" * 256, "over 255 bytes"),
    ("x" * 250 + "|", "over 255 bytes"),  # 251 bytes, 256 on disk (disknames.py)
    ("a/" * 425 + "b", "bytes long"),  # 851 bytes
    ("中" * 284, "bytes long"),  # 852 bytes in UTF-8, 284 characters
]


@pytest.mark.parametrize("path", ACCEPTED)
def test_valid_cloud_paths_are_accepted(path):
    """Paths within the rules come back unchanged (they are already NFC)."""
    assert normalize_cloud_path(path) == path


@pytest.mark.parametrize("path,fragment", REJECTED, ids=[repr(p)[:40] for p, _ in REJECTED])
def test_unsafe_or_invalid_cloud_paths_are_rejected_with_a_clear_error(path, fragment):
    """Every trick is -501007 invalid parameters, and the message says what is wrong."""
    with pytest.raises(CloudError) as caught:
        normalize_cloud_path(path)
    assert caught.value.code == -501007
    assert fragment in caught.value.detail, caught.value.detail
    assert caught.value.detail.startswith("cloudPath ")


def test_850_bytes_is_the_limit():
    assert normalize_cloud_path("a" * 250 + "/" + "b" * 250 + "/" + "c" * 250 + "/" + "d" * 97)
    with pytest.raises(CloudError, match="851 bytes"):
        normalize_cloud_path("a" * 250 + "/" + "b" * 250 + "/" + "c" * 250 + "/" + "d" * 98)


def test_unicode_is_normalised_to_nfc():
    """A decomposed é (macOS file names) names the same file as a composed one."""
    decomposed = unicodedata.normalize("NFD", "café/é.png")
    assert decomposed != "café/é.png"
    assert normalize_cloud_path(decomposed) == "café/é.png"


def test_file_id_has_the_exact_spec_shape():
    """S1: cloud://{env}.{hex2(env)}-{env}-{appid}/{cloudPath}."""
    ids = FileIds(ENV_ID, APPID)
    assert ids.bucket == BUCKET
    assert ids.file_id("a/b.png") == "cloud://test-x1dzi.7465-test-x1dzi-1257000000/a/b.png"
    assert FileIds("demo-5c0mj", "1259068995").file_id("steps_attachments/x.png") == (
        "cloud://demo-5c0mj.6465-demo-5c0mj-1259068995/steps_attachments/x.png"
    )
    assert FileIds("cloud1-abcde", "wx0").bucket.startswith("636c-cloud1-abcde-")


def test_numeric_id_is_derived_from_a_wx_appid_and_stable():
    """A wx appid maps to a fixed 10-digit number; an explicit one wins."""
    number = numeric_app_id("wx5c0d3a1f2b9e4c7d")
    assert re.fullmatch(r"125[0-9]{7}", number)
    assert numeric_app_id("wx5c0d3a1f2b9e4c7d") == number
    assert numeric_app_id("wx5c0d3a1f2b9e4c7e") != number
    assert FileIds(ENV_ID, "wx5c0d3a1f2b9e4c7d").bucket == f"7465-{ENV_ID}-{number}"
    assert FileIds(ENV_ID, "wx5c0d3a1f2b9e4c7d", "1257000000").bucket == BUCKET


def test_file_ids_parse_back_to_their_cloud_path():
    """Everything after the first '/' following the bucket (spec §5.1), through the same checks."""
    ids = FileIds(ENV_ID, APPID)
    assert ids.path_of(PREFIX + "a/b.png") == "a/b.png"
    assert ids.path_of(PREFIX + "中文/x y.png") == "中文/x y.png"
    # Same env, another numeric id (the workspace appid changed): still this bucket.
    assert ids.path_of(f"cloud://{ENV_ID}.7465-{ENV_ID}-1250000000/a.png") == "a.png"


@pytest.mark.parametrize("file_id,code,fragment", [
    (PREFIX + "../a.png", -501007, "'..' folder"),
    (PREFIX + "a/%2e%2e/b", -501007, "decodes to '.'"),
    (PREFIX + "/etc/passwd", -501007, "must not start with '/'"),
    (PREFIX, -501007, "must not be empty"),
    ("cloud://test-x1dzi", -501007, "not of the form"),
    ("https://x/a.png", -501007, "not of the form"),
    ("a/b.png", -501007, "not of the form"),
    (None, -501007, "must be a string"),
    ("cloud://other-env.6f74-other-env-1257000000/a.png", -503003, "not in this environment"),
    ("cloud://test-env.x/nope.png", -503003, "not in this environment"),
    ("cloud://test-x1dzi.x/nope.png", -503003, "bucket"),
])
def test_bad_file_ids(file_id, code, fragment):
    with pytest.raises(CloudError) as caught:
        FileIds(ENV_ID, APPID).path_of(file_id)
    assert caught.value.code == code and fragment in caught.value.detail


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_links_inside_storage_are_never_followed(tmp_path):
    """A link in storage/ to a folder or file outside (or inside) is refused, not followed."""
    root, outside = tmp_path / "storage", tmp_path / "secret"
    root.mkdir()
    outside.mkdir()
    (outside / "passwd").write_text("secret")
    (root / "out").symlink_to(outside, target_is_directory=True)
    (root / "f.txt").symlink_to(outside / "passwd")
    (root / "real").mkdir()
    (root / "in").symlink_to(root / "real", target_is_directory=True)
    for path in ("out/passwd", "f.txt", "in/x.png", "out/new.png"):
        with pytest.raises(CloudError, match="link"):
            disk_path(root, path)
    assert disk_path(root, "real/x.png") == root / "real" / "x.png"
