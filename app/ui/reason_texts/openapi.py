"""Chinese texts of core's cloud-call reasons (app/core/openapi; see the package docstring)."""

ZH: dict[str, str] = {
    # who may call, and which APIs (app/core/openapi/dispatch.py)
    "openapi.client_source": "小程序端代码不能调用 {api}：云调用只能在云函数中进行。",
    "openapi.outside_function": "{api} 不是在云函数运行中调用的；如需允许（如同开发者工具的本地调试），请开启宽松模式。",
    "openapi.console_test": "请求参数无效（云端测试没有小程序用户，无法云调用；请以某个角色调用，或开启宽松模式）",
    "openapi.api_not_found": "微信没有名为 {api} 的开放接口。",
    "openapi.not_declared": "云函数 {function} 的 config.json 中 permissions.openapi 没有声明 {api}。",
    "openapi.not_simulated": "wxsim 暂未模拟 {api}。",
    "openapi.lenient_not_bool": "lenient 必须是 true 或 false",
    "openapi.bad_parameter_type": "参数 {name} 的类型不正确。",
    # mini program codes (app/core/openapi/wxacode.py)
    "openapi.scene_length": "scene 必须是 1 到 32 个字符。",
    "openapi.scene_characters": "scene {scene} 含有微信不允许的字符；只能使用 0-9 a-z A-Z 和 !#$&'()*+,/:;=?@-._~。",
    "openapi.path_length": "path 必须是 1 到 1024 字节的文本。",
    "openapi.page_format": "页面 {page} 不能以 / 开头，也不能带参数。",
    "openapi.page_unknown": "{page} 不是 app.json 中的页面。",
    # links (app/core/openapi/links.py)
    "openapi.link_page_unknown": "{page} 不是 app.json 中的页面（链接的 path 不能带参数）。",
    "openapi.link_query": "query 最多 1024 个字符，只能使用 0-9 a-z A-Z 和 !#$&'()*+,/:;=?@-._~%。",
    "openapi.link_expiry": "链接的失效时间必须在 1 分钟到 30 天之内。",
}
