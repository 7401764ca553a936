"""Chinese texts of core's phone-number and open-data reasons (app/core/openapi/opendata.py)."""

ZH: dict[str, str] = {
    # the persona's phone number and button policy (the Users pane)
    "opendata.phone_invalid": "“{number}”不是中国大陆手机号：应为 11 位数字，以 1 开头、第二位为 3–9，例如 13800138000。",
    "opendata.phone_not_text": "phoneNumber 必须是文本。",
    "opendata.policy_invalid": "getPhoneNumber 的策略只能是 allow（允许）或 deny（拒绝）。",
    "opendata.persona_unknown": "没有 openid 为 {openid} 的角色。",
    "opendata.needs_persona": "{api} 需要已登录的角色：请先在工具栏中选择一个角色。",
    # phonenumber.getPhoneNumber and cloudbase.getOpenData
    "opendata.code_unknown": "“{code}”不是手机号按钮（getPhoneNumber）给出的 code（wx.login 的 code 不是）。",
    "opendata.code_used": "这个手机号 code 已经换取过；每个 code 只能用一次。",
    "opendata.code_expired": "这个手机号 code 已过期：code 的有效期为 5 分钟。",
    "opendata.code_other_user": "这个 code 属于另一个用户，不是 {openid}。",
    "opendata.openid_unknown": "{openid} 不是任何角色的 openid。",
}
