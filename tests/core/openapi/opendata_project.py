"""The acceptance project (``project.py``) plus what §7's examples need: ``echo`` returns its
event (OA37, OA38), ``od`` runs ``cloud.getOpenData`` with each options object of
``event.calls`` and reports ``{ok}`` or ``{err: {errCode, errMsg}}`` (OA39), ``decrypt`` opens
``encryptedData`` with WeChat's own sample code (WXBizDataCrypt.js)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.core.openapi.project import make_project

ECHO = "exports.main = async (event) => event\n"
OD = r"""
const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
exports.main = async (event) => {
  const out = []
  for (const options of event.calls) {
    out.push(await cloud.getOpenData(options).then((res) => ({ ok: { ...res, keys: Object.keys(res) } }),
      (e) => ({ err: { errCode: e.errCode, errMsg: e.errMsg } })))
  }
  return out
}
"""

# WXBizDataCrypt.js's decryptData, as WeChat's sample has it (Buffers, 'binary' in, 'utf8' out).
DECRYPT = r"""
const crypto = require('crypto')
exports.main = async ({ sessionKey, encryptedData, iv }) => {
  const decipher = crypto.createDecipheriv('aes-128-cbc', Buffer.from(sessionKey, 'base64'), Buffer.from(iv, 'base64'))
  decipher.setAutoPadding(true)
  let decoded = decipher.update(Buffer.from(encryptedData, 'base64'), 'binary', 'utf8')
  decoded += decipher.final('utf8')
  return JSON.parse(decoded)
}
"""


def make_opendata_project(root: Path) -> Path:
    make_project(root)
    for name, code in (("echo", ECHO), ("od", OD), ("decrypt", DECRYPT)):
        folder = root / "cloudfunctions" / name
        folder.mkdir(parents=True)
        (folder / "index.js").write_text(code, encoding="utf-8")
        (folder / "config.json").write_text(json.dumps({"permissions": {"openapi": []}}))
    return root
