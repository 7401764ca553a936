"""Phone numbers and open data (openapi.md §7, OA35–OA39): the simulated getPhoneNumber button,
``phonenumber.getPhoneNumber``, WeRun, ``wx.cloud.CloudID`` in callFunction data,
``cloud.getOpenData`` and ``openapi.cloudbase.getOpenData``; mini program code runs through
``client.runScript`` as ``wxsim run-client`` does, and the clock is the workspace's, advanced."""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from app.core.errors import InputError
from app.core.requests import Caller, Request
from app.core.workspace import Workspace
from tests.conftest import FakeClock
from tests.core.openapi.opendata_project import make_opendata_project
from tests.core.openapi.project import APPID

ROOT = Path(__file__).resolve().parents[3]
RID = r" rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}"
START = 1_700_000_000.0  # 2023-11-14 22:13:20 UTC, 06:13:20 in Beijing
BEIJING_MIDNIGHT = 1_699_977_600  # 2023-11-15 00:00 Beijing, "today" at START


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def project(tmp_path) -> Path:
    return make_opendata_project(tmp_path / "project")


@pytest.fixture
def ws(project, tmp_path, clock):
    workspace = Workspace.open(tmp_path / "data", project, clock=clock)
    yield workspace
    workspace.close()


def client(ws: Workspace, tmp_path: Path, code: str, persona: str = "学生A"):
    """``exports.main`` of ``code`` run as ``persona``; its value (the run must succeed)."""
    script = tmp_path / f"client-{abs(hash(code))}.js"
    script.write_text(code, encoding="utf-8")
    answer = ws.handle(Request("client.runScript", {"localPath": str(script), "persona": persona}, Caller.console()))
    assert answer["ok"], answer
    return answer["value"]


def console(ws: Workspace, action: str, **params) -> dict:
    return ws.handle(Request(action, params, Caller.console()))


def phone_of(ws: Workspace, persona: str) -> str:
    return next(p["phoneNumber"] for p in console(ws, "opendata.personas")["personas"] if p["name"] == persona)


def openid_of(ws: Workspace, persona: str) -> str:
    return ws.identity.persona(persona).openid


EXCHANGE = """
const exchange = async (params) =>
  (await wx.cloud.callFunction({ name: 'oa', data: { calls: [['phonenumber.getPhoneNumber', params]] } })).result[0]
"""


def test_oa35_the_button_gives_a_code_that_getphonenumber_exchanges_once(ws, tmp_path):
    value = client(ws, tmp_path, EXCHANGE + """
exports.main = async () => {
  const e = await wx.simulateGetPhoneNumber({ allow: true })
  return { e, first: await exchange({ code: e.detail.code }), again: await exchange({ code: e.detail.code }) }
}""")
    e, first, again = value["e"], value["first"]["ok"], value["again"]["err"]
    assert e["type"] == "getphonenumber"
    assert list(e["detail"]) == ["errMsg", "code", "encryptedData", "iv", "cloudID"]
    assert e["detail"]["errMsg"] == "getPhoneNumber:ok" and re.fullmatch(r"[0-9a-f]{64}", e["detail"]["code"])
    assert re.fullmatch(r"\d+_[A-Za-z0-9_-]{40,}", e["detail"]["cloudID"])
    number = phone_of(ws, "学生A")
    assert re.fullmatch(r"1[3-9]\d{9}", number)
    assert first == {"phoneInfo": {"phoneNumber": number, "purePhoneNumber": number, "countryCode": "86",
                                   "watermark": {"timestamp": int(START), "appid": APPID}},
                     "errMsg": "openapi.phonenumber.getPhoneNumber:ok", "errCode": 0,
                     "keys": ["phoneInfo", "errMsg", "errCode"]}
    assert again["errCode"] == 40029
    assert re.fullmatch("openapi.phonenumber.getPhoneNumber:fail invalid code" + RID, again["errMsg"])
    (used,) = [e for e in ws.events.recent() if e.action == "wx.openApi" and e.error_reason]
    assert used.error_reason["id"] == "opendata.code_used"


def opened(sealed: dict, session_key: str) -> dict:
    """``encryptedData`` decrypted as a developer's server does (WXBizDataCrypt), by ``cryptography``."""
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    decryptor = Cipher(algorithms.AES(base64.b64decode(session_key)), modes.CBC(base64.b64decode(sealed["iv"]))).decryptor()
    unpadder = padding.PKCS7(128).unpadder()
    plain = decryptor.update(base64.b64decode(sealed["encryptedData"])) + decryptor.finalize()
    return json.loads(unpadder.update(plain) + unpadder.finalize())


LOGIN_THEN_TAP = """
exports.main = async () => {
  const { code } = await wx.login()
  return { code, detail: (await wx.simulateGetPhoneNumber({ allow: true })).detail, werun: await wx.getWeRunData() }
}"""


def test_the_open_data_is_also_encrypted_with_the_session_key_of_the_last_login(ws, tmp_path):
    """The legacy way: the page sends wx.login's code, encryptedData and iv to a server, which
    gets that login's session_key from code2Session and decrypts the same data the code and
    cloudID give."""
    value = client(ws, tmp_path, LOGIN_THEN_TAP)
    session = console(ws, "auth.code2Session", js_code=value["code"])
    number = phone_of(ws, "学生A")
    assert opened(value["detail"], session["session_key"]) == {
        "phoneNumber": number, "purePhoneNumber": number, "countryCode": "86",
        "watermark": {"timestamp": int(START), "appid": APPID}}
    werun = opened(value["werun"], session["session_key"])
    assert len(werun["stepInfoList"]) == 31 and werun["watermark"] == {"appid": APPID, "timestamp": int(START)}

    again = client(ws, tmp_path, LOGIN_THEN_TAP)  # a new login: a new key, and the old one no longer opens
    assert value["detail"]["iv"] != again["detail"]["iv"]
    renewed = console(ws, "auth.code2Session", js_code=again["code"])["session_key"]
    assert renewed != session["session_key"] and opened(again["detail"], renewed)["phoneNumber"] == number
    with pytest.raises(ValueError):
        opened(again["detail"], session["session_key"])


def test_a_cloud_function_decrypts_the_open_data_as_the_official_sample_does(ws, tmp_path):
    """The key, IV and data handed to a function: WXBizDataCrypt's createDecipheriv in the
    embedded runtime gives the phone data (real Node's crypto is checked in the contract tests)."""
    value = client(ws, tmp_path, LOGIN_THEN_TAP)
    key = console(ws, "auth.code2Session", js_code=value["code"])["session_key"]
    decrypted = client(ws, tmp_path, """
exports.main = async () => (await wx.cloud.callFunction({ name: 'decrypt', data: %s })).result
""" % json.dumps({"sessionKey": key, "encryptedData": value["detail"]["encryptedData"], "iv": value["detail"]["iv"]}))
    assert decrypted["phoneNumber"] == phone_of(ws, "学生A") and decrypted["watermark"]["appid"] == APPID


def test_a_phone_code_expires_after_5_minutes_and_a_login_code_is_no_phone_code(ws, tmp_path, clock):
    detail = client(ws, tmp_path, "exports.main = async () => (await wx.simulateGetPhoneNumber({ allow: true })).detail")
    clock.now += 5 * 60 + 1
    value = client(ws, tmp_path, EXCHANGE + """
exports.main = async () => [await exchange({ code: '%s' }), await exchange({ code: (await wx.login()).code })]
""" % detail["code"])
    assert [v["err"]["errCode"] for v in value] == [40029, 40029]
    reasons = [e.error_reason["id"] for e in ws.events.recent() if e.action == "wx.openApi"]
    assert reasons == ["opendata.code_expired", "opendata.code_unknown"]


def test_getphonenumber_checks_the_openid_it_is_given(ws, tmp_path):
    detail = client(ws, tmp_path, "exports.main = async () => (await wx.simulateGetPhoneNumber({ allow: true })).detail")
    other = client(ws, tmp_path, EXCHANGE + "exports.main = async () => exchange({ code: '%s', openid: '%s' })"
                   % (detail["code"], openid_of(ws, "学生B")))
    assert other["err"]["errCode"] == 40003
    own = client(ws, tmp_path, EXCHANGE + "exports.main = async () => exchange({ code: '%s', openid: '%s' })"
                 % (detail["code"], openid_of(ws, "学生A")))
    assert own["ok"]["phoneInfo"]["phoneNumber"] == phone_of(ws, "学生A")  # the refusal did not use it up


def test_oa36_a_denied_button_gives_no_code_by_choice_or_by_the_personas_policy(ws, tmp_path):
    denied = client(ws, tmp_path, "exports.main = async () => (await wx.simulateGetPhoneNumber({ allow: false })).detail")
    assert denied == {"errMsg": "getPhoneNumber:fail user deny"}
    console(ws, "opendata.setPhonePolicy", openid=openid_of(ws, "学生A"), phonePolicy="deny")
    by_policy = client(ws, tmp_path, "exports.main = async () => (await wx.simulateGetPhoneNumber()).detail")
    assert by_policy == {"errMsg": "getPhoneNumber:fail user deny"}
    assert client(ws, tmp_path, "exports.main = async () => (await wx.simulateGetPhoneNumber()).detail",
                  persona="学生B")["errMsg"] == "getPhoneNumber:ok"  # the policy is A's alone
    with pytest.raises(InputError):
        console(ws, "opendata.setPhonePolicy", openid=openid_of(ws, "学生A"), phonePolicy="maybe")


WERUN_ECHO = """
exports.main = async () => {
  const res = await wx.getWeRunData()
  const id = wx.cloud.CloudID(res.cloudID)
  const call = await wx.cloud.callFunction({ name: 'echo', data: { weRunData: id, obj: { x: wx.cloud.CloudID(res.cloudID) } } })
  return { res, event: call.result }
}"""


def test_oa37_a_werun_cloudid_opens_at_the_top_level_and_stays_a_string_below(ws, tmp_path):
    value = client(ws, tmp_path, WERUN_ECHO)
    cloud_id, event = value["res"]["cloudID"], value["event"]
    assert list(value["res"]) == ["errMsg", "encryptedData", "iv", "cloudID"]
    assert value["res"]["errMsg"] == "getWeRunData:ok"
    opened = event["weRunData"]
    assert list(opened) == ["cloudID", "data"] and opened["cloudID"] == cloud_id
    steps = opened["data"]["stepInfoList"]
    assert [s["timestamp"] for s in steps] == [BEIJING_MIDNIGHT - d * 86400 for d in range(30, -1, -1)]
    assert all(0 <= s["step"] <= 20000 for s in steps) and len({s["step"] for s in steps}) > 20
    assert opened["data"]["watermark"] == {"appid": APPID, "timestamp": int(START)}
    assert event["obj"] == {"x": cloud_id}
    assert event["userInfo"]["openId"] == openid_of(ws, "学生A")


def test_werun_steps_follow_the_seed_and_keep_their_day(project, tmp_path, clock):
    def steps(folder: str) -> list[dict]:
        workspace = Workspace.open(tmp_path / folder, project, seed="same", clock=clock)
        try:
            return client(workspace, tmp_path, WERUN_ECHO)["event"]["weRunData"]["data"]["stepInfoList"]
        finally:
            workspace.close()
    first, twin = steps("a"), steps("b")
    assert first == twin
    clock.now += 86400
    tomorrow = steps("a")
    assert tomorrow[:-1] == first[1:]  # the days move, each keeping its count


def test_oa38_expired_other_users_and_bogus_cloudids(ws, tmp_path, clock):
    mine = client(ws, tmp_path, "exports.main = async () => (await wx.getWeRunData()).cloudID")
    theirs = client(ws, tmp_path, "exports.main = async () => (await wx.getWeRunData()).cloudID", persona="学生B")
    echo = "exports.main = async () => (await wx.cloud.callFunction({ name: 'echo', data: { weRunData: wx.cloud.CloudID('%s') } })).result.weRunData"
    assert client(ws, tmp_path, echo % theirs) == {
        "cloudID": theirs, "errCode": -601007, "errMsg": "cloudID and calling user does not match."}
    assert client(ws, tmp_path, echo % "bogus") == {"cloudID": "bogus", "errCode": -601005, "errMsg": "invalid cloudID."}
    assert "data" in client(ws, tmp_path, echo % mine)
    clock.now += 6 * 60
    assert client(ws, tmp_path, echo % mine) == {"cloudID": mine, "errCode": -601006, "errMsg": "cloudID expired."}


def test_at_most_five_cloudids_are_opened_per_call(ws, tmp_path):
    event = client(ws, tmp_path, """
exports.main = async () => {
  const id = (await wx.getWeRunData()).cloudID
  const data = { list: [wx.cloud.CloudID(id)] }
  for (const k of ['a', 'b', 'c', 'd', 'e', 'f']) data[k] = wx.cloud.CloudID(id)
  return { id, event: (await wx.cloud.callFunction({ name: 'echo', data })).result }
}""")
    opened = [k for k in "abcdef" if isinstance(event["event"][k], dict)]
    assert opened == ["a", "b", "c", "d", "e"] and event["event"]["f"] == event["id"]
    assert event["event"]["list"] == [event["id"]]


OPEN_DATA = """
exports.main = async () => {
  const e = await wx.simulateGetPhoneNumber({ allow: true })
  const od = (calls) => wx.cloud.callFunction({ name: 'od', data: { calls } }).then((r) => r.result)
  return { id: e.detail.cloudID, od: await od([{ list: [e.detail.cloudID, 'bogus'] }, {}]) }
}"""


def test_oa39_getopendata_reads_a_phone_cloudid_and_wants_a_list(ws, tmp_path):
    value = client(ws, tmp_path, OPEN_DATA)
    listed, missing = value["od"]
    number = phone_of(ws, "学生A")
    assert listed["ok"] == {
        "list": [{"cloudID": value["id"], "data": {"phoneNumber": number, "purePhoneNumber": number, "countryCode": "86",
                                                   "watermark": {"timestamp": int(START), "appid": APPID}}},
                 {"cloudID": "bogus", "errCode": -601005, "errMsg": "invalid cloudID."}],
        "errMsg": "getOpenData:ok", "errCode": 0, "keys": ["list", "errMsg", "errCode"]}
    assert missing == {"err": {"errCode": -1, "errMsg": "getOpenData:fail list must be provided"}}
    assert f"getOpenData → {value['id']}, bogus" in [e.target for e in ws.events.recent() if e.action == "wx.openApi"]


def test_cloudbase_getopendata_answers_json_texts_and_checks_its_openid(ws, tmp_path):
    value = client(ws, tmp_path, """
exports.main = async () => {
  const id = (await wx.simulateGetPhoneNumber({ allow: true })).detail.cloudID
  const oa = (params) => wx.cloud.callFunction({ name: 'oa', data: { calls: [['cloudbase.getOpenData', params]] } })
  return { id, mine: (await oa({ cloudidList: [id] })).result[0], nobody: (await oa({ cloudidList: [id], openid: 'oNOBODY' })).result[0] }
}""")
    (item,) = value["mine"]["ok"]["dataList"]
    # convertCase moves a renamed key last, as the SDK does: cloud_id → cloudId after json
    assert list(item) == ["json", "cloudId"] and item["cloudId"] == value["id"]
    assert json.loads(item["json"])["data"]["phoneNumber"] == phone_of(ws, "学生A")
    assert value["mine"]["ok"]["errMsg"] == "openapi.cloudbase.getOpenData:ok"
    assert value["nobody"]["err"]["errCode"] == 40003


def test_phone_numbers_are_derived_editable_checked_and_kept(project, tmp_path, clock):
    ws = Workspace.open(tmp_path / "data", project, clock=clock)
    try:
        openid = openid_of(ws, "学生B")
        derived = phone_of(ws, "学生B")
        assert console(ws, "opendata.setPhone", openid=openid, phoneNumber="+86 139-0000 1234")["phoneNumber"] == \
            "13900001234"
        for bad in ("12345", "12900001234", "1390000123x", "+1 2025550100"):
            with pytest.raises(InputError) as refused:
                console(ws, "opendata.setPhone", openid=openid, phoneNumber=bad)
            assert refused.value.reason.id == "opendata.phone_invalid"
        with pytest.raises(InputError):
            console(ws, "opendata.setPhone", openid="oNOBODY", phoneNumber="13900001234")
        detail = client(ws, tmp_path, "exports.main = async () => (await wx.simulateGetPhoneNumber()).detail", "学生B")
        exchanged = client(ws, tmp_path, EXCHANGE + "exports.main = async () => exchange({ code: '%s' })"
                           % detail["code"], "学生B")
        assert exchanged["ok"]["phoneInfo"]["purePhoneNumber"] == "13900001234"
    finally:
        ws.close()
    ws = Workspace.open(tmp_path / "data", project, clock=clock)
    try:
        (row,) = [p for p in console(ws, "opendata.personas")["personas"] if p["name"] == "学生B"]
        assert (row["phoneNumber"], row["edited"]) == ("13900001234", True)
        assert console(ws, "opendata.setPhone", openid=openid, phoneNumber="")["phoneNumber"] == derived
    finally:
        ws.close()


def test_a_signed_out_user_has_no_phone_to_give(ws, tmp_path):
    script = tmp_path / "out.js"
    script.write_text("exports.main = async () => { try { await wx.getWeRunData() } catch (e) { return e } }")
    answer = ws.handle(Request("client.runScript", {"localPath": str(script), "openid": ""}, Caller.console()))
    assert answer["value"]["errMsg"].startswith("getWeRunData:fail")


def test_oa35_and_oa39_through_wxsim_run_client(project, tmp_path):
    script = tmp_path / "phone.js"
    script.write_text(EXCHANGE + """
exports.main = async () => {
  const e = await wx.simulateGetPhoneNumber({ allow: true })
  const first = await exchange({ code: e.detail.code })
  const od = await wx.cloud.callFunction({ name: 'od', data: { calls: [{ list: [e.detail.cloudID] }] } })
  return { number: first.ok.phoneInfo.phoneNumber, opened: od.result[0].ok.list[0].data.phoneNumber }
}""", encoding="utf-8")
    common = ["--project", str(project), "--data-dir", str(tmp_path / "d")]
    done = subprocess.run([sys.executable, "-m", "app", "run-client", str(script), "--as", "学生A", *common],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    value = json.loads(done.stdout)
    assert re.fullmatch(r"1[3-9]\d{9}", value["number"]) and value["opened"] == value["number"]
    done = subprocess.run([sys.executable, "-m", "app", "call", "od", "--as", "学生A", "--data", '{"calls": [{}]}',
                           *common], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["result"] == [{"err": {"errCode": -1, "errMsg": "getOpenData:fail list must be provided"}}]


def test_the_gateway_reads_and_writes_getopendatas_svrkit_protobuf():
    """What the real SDK sends for getOpenData (CommApiData with svrkitData) and what it decodes."""
    from app.core.gateway.openapi import _fields, _key, _length_delimited, _varint, decode_request, encode_answer

    request = _length_delimited(2, b"27_a") + _length_delimited(2, b"27_b") + _length_delimited(3, APPID.encode())
    blob = (_key(1, 0) + _varint(2)
            + _length_delimited(4, _length_delimited(1, b"ApiGetOpenDataByCloudId") + _length_delimited(2, request)))
    assert decode_request(blob) == {"apiType": 2, "svrkitApi": "ApiGetOpenDataByCloudId",
                                    "data": {"cloudid_list": ["27_a", "27_b"]}}
    answer = dict(_fields(encode_answer({"svrkit": "ApiGetOpenDataByCloudId",
                                         "dataList": [{"cloudId": "27_a", "json": '{"cloudID":"27_a"}'}]})))
    (item,) = [value for number, value in _fields(answer[1]) if number == 1]
    assert list(_fields(item)) == [(1, b"27_a"), (2, b'{"cloudID":"27_a"}')]
    assert answer.get(3) is None and answer[4] == 200  # no platform error code; HTTP 200
