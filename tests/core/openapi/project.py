"""The acceptance project of openapi.md §9, shared by the core and the contract tests.

Pages ``pages/index/index`` and ``pages/detail/detail``; function ``oa`` declares every API of
§9 except ``security.imgSecCheck``; ``qr`` returns the OA1 result unchanged. ``oa`` runs a list
of calls (``[path, params, namespace options?]``) and reports each as ``{ok}`` or ``{err}``, a
Buffer as its base64 (plus the result's keys and whether it was a Buffer), so a test can
compare runs and decode the PNG.
"""

from __future__ import annotations

import json
from pathlib import Path

APPID = "wx0000000000000001"
DECLARED = [
    "wxacode.get", "wxacode.getUnlimited", "wxacode.createQRCode", "subscribeMessage.send",
    "customerServiceMessage.send", "templateMessage.send", "uniformMessage.send", "security.msgSecCheck",
    "security.mediaCheckAsync", "urlscheme.generate", "urllink.generate", "phonenumber.getPhoneNumber",
    "cloudbase.getOpenData",
]
OA = r"""
const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
const shape = (res) => Buffer.isBuffer(res.buffer)
  ? { ...res, buffer: res.buffer.toString('base64'), isBuffer: true, keys: Object.keys(res) }
  : { ...res, keys: Object.keys(res) }
exports.main = async (event) => {
  const out = []
  for (const [path, params, options] of event.calls) {
    const fn = path.split('.').reduce((ns, key) => ns[key], options ? cloud.openapi(options) : cloud.openapi)
    out.push(await fn(params).then((res) => ({ ok: shape(res) }),
      (e) => ({ err: { errCode: e.errCode, errMsg: e.errMsg, message: e.message, json: JSON.parse(JSON.stringify(e)) } })))
  }
  return out
}
"""
QR = """
const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
exports.main = async () => cloud.openapi.wxacode.getUnlimited({ scene: 'id=42', page: 'pages/detail/detail' })
"""


def make_project(root: Path) -> Path:
    """The project folder, with ``oa``, ``oa2`` (only imgSecCheck declared) and ``qr``."""
    (root / "miniprogram").mkdir(parents=True)
    (root / "project.config.json").write_text(json.dumps({
        "appid": APPID, "projectname": "oa", "cloudfunctionRoot": "cloudfunctions/", "miniprogramRoot": "miniprogram/"}))
    (root / "miniprogram" / "app.json").write_text(json.dumps({"pages": ["pages/index/index", "pages/detail/detail"]}))
    for name, code, apis in (("oa", OA, DECLARED), ("oa2", OA, ["security.imgSecCheck"]), ("qr", QR, DECLARED)):
        folder = root / "cloudfunctions" / name
        folder.mkdir(parents=True)
        (folder / "index.js").write_text(code, encoding="utf-8")
        (folder / "config.json").write_text(json.dumps({"permissions": {"openapi": apis}}))
    return root
