"""Phone numbers and open data from the REAL wx-server-sdk (4.0.2 and 2.6.3) in Node, over the
gateway: ``phonenumber.getPhoneNumber`` and ``cloudbase.getOpenData`` (protobuf OPEN_API), and
``cloud.getOpenData`` (SVRKIT ``ApiGetOpenDataByCloudId``, its request and answer protobuf),
give exactly what the embedded shim gives (openapi.md §1.5, §7; OA35, OA39).

Each runtime runs in a fresh workspace on the same project with the same clock, so both issue
the same phone codes, cloudIDs and rids: the answers must match to the byte, not only in shape.
"""

from __future__ import annotations

import json

import pytest

from app.core.requests import Caller, Request
from tests.contract.conftest import NODE, NPM, SDK_VERSIONS, on_both_runtimes
from tests.core.openapi.opendata_project import make_opendata_project

NOW = 1_700_000_000.0
SCRIPT = """
const call = async (name, calls) => (await wx.cloud.callFunction({ name, data: { calls } })).result
exports.main = async () => {
  const e = await wx.simulateGetPhoneNumber({ allow: true })
  const { code, cloudID } = e.detail
  return {
    oa: await call('oa', [['phonenumber.getPhoneNumber', { code }], ['phonenumber.getPhoneNumber', { code }],
                          ['cloudbase.getOpenData', { cloudidList: [cloudID, 'bogus'] }]]),
    od: await call('od', [{ list: [cloudID, 'bogus'] }, {}])
  }
}
"""


@pytest.mark.parametrize("version", SDK_VERSIONS)
def test_the_real_sdk_gets_the_open_data_the_shim_gets(version, tmp_path):
    if not (NODE and NPM):
        pytest.skip("the Node runtime needs node and npm on PATH")
    script = tmp_path / "phone.js"
    script.write_text(SCRIPT, encoding="utf-8")
    answers = {}
    for runtime, workspace in on_both_runtimes(tmp_path, version, make_opendata_project, ("oa", "od"),
                                               clock=lambda: NOW):
        answer = workspace.handle(Request("client.runScript", {"localPath": str(script), "persona": "学生A"},
                                          Caller.console()))
        assert answer["ok"], answer
        answers[runtime] = answer["value"]
        events = [e for e in workspace.events.recent() if e.action == "wx.openApi"]
        assert len(events) == 4 and all(e.parent_id for e in events)  # each nested under its run
    assert answers["node"] == answers["v8"]
    (phone, again, cloudbase), (listed, missing) = answers["node"]["oa"], answers["node"]["od"]
    number = phone["ok"]["phoneInfo"]["phoneNumber"]
    assert phone["ok"]["keys"] == ["phoneInfo", "errMsg", "errCode"] and phone["ok"]["phoneInfo"]["countryCode"] == "86"
    assert again["err"]["errCode"] == 40029 and again["err"]["message"].startswith(
        "errCode: 40029  | errMsg: openapi.phonenumber.getPhoneNumber:fail invalid code rid: ")
    opened, bogus = cloudbase["ok"]["dataList"]
    assert json.loads(opened["json"])["data"]["phoneNumber"] == number
    assert json.loads(bogus["json"]) == {"cloudID": "bogus", "errCode": -601005, "errMsg": "invalid cloudID."}
    assert [item.get("data", {}).get("phoneNumber") for item in listed["ok"]["list"]] == [number, None]
    assert listed["ok"]["keys"] == ["list", "errMsg", "errCode"] and listed["ok"]["errMsg"] == "getOpenData:ok"
    assert missing == {"err": {"errCode": -1, "errMsg": "getOpenData:fail list must be provided"}}


@pytest.mark.parametrize("version", SDK_VERSIONS[:1])
def test_node_s_own_crypto_decrypts_the_encrypted_data_as_the_shim_s_does(version, tmp_path):
    """WeChat's sample decryptData in a function, with the key code2Session answers for the
    page's wx.login: real Node's OpenSSL and the embedded runtime's AES give the same phone data."""
    if not (NODE and NPM):
        pytest.skip("the Node runtime needs node and npm on PATH")
    tap, decrypt = tmp_path / "tap.js", tmp_path / "decrypt.js"
    tap.write_text("""exports.main = async () => ({ code: (await wx.login()).code,
        detail: (await wx.simulateGetPhoneNumber({ allow: true })).detail })""", encoding="utf-8")
    answers = {}
    for runtime, workspace in on_both_runtimes(tmp_path, version, make_opendata_project, ("decrypt",),
                                               clock=lambda: NOW):
        def run(script, persona="学生A"):
            answer = workspace.handle(Request("client.runScript", {"localPath": str(script), "persona": persona},
                                              Caller.console()))
            assert answer["ok"], answer
            return answer["value"]

        tapped = run(tap)
        key = workspace.handle(Request("auth.code2Session", {"js_code": tapped["code"]}, Caller.console()))["session_key"]
        sealed = {"sessionKey": key, "encryptedData": tapped["detail"]["encryptedData"], "iv": tapped["detail"]["iv"]}
        decrypt.write_text("exports.main = async () => (await wx.cloud.callFunction({ name: 'decrypt', data: %s })).result"
                           % json.dumps(sealed), encoding="utf-8")
        answers[runtime] = run(decrypt)
    assert answers["node"] == answers["v8"]
    assert set(answers["node"]) == {"phoneNumber", "purePhoneNumber", "countryCode", "watermark"}
