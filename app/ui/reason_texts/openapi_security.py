"""Chinese texts of content security's reasons and of scanning codes and opening links
(app/core/openapi/security.py, security_actions.py, registry_actions.py)."""

ZH: dict[str, str] = {
    # the word and image lists (security.py, security_actions.py)
    "openapi.words_line": "第 {line} 行：先写一个词，可以再接一个制表符、标签数字、制表符和 risky 或 review。",
    "openapi.words_label": "第 {line} 行：标签 {label} 不是数字。",
    "openapi.words_suggest": "第 {line} 行：建议只能是 risky 或 review，不能是 {suggest}。",
    "openapi.images_line": "第 {line} 行：请写图片的 SHA-256（64 位十六进制），可以再接一个制表符和备注。",
    "openapi.list_not_text": "{name} 列表必须是文本。",
    "openapi.push_delay": "延迟必须在 0 到 1800 秒之间。",
    "openapi.push_function_unknown": "没有名为 {name} 的云函数。",
    # the checks (security.py)
    "openapi.risky_word": "文本包含 {word}，它在工作区词表中标为风险内容。",
    "openapi.risky_image": "图片的 SHA-256 {digest} 在工作区的图片列表中。",
    "openapi.risky_image_name": "图片名 {name} 含有 risky。",
    "openapi.security_openid": "openid {openid} 不属于任何角色。",
    "openapi.security_scene": "scene 必须是 1（资料）、2（评论）、3（论坛）或 4（社交日志）。",
    "openapi.security_empty": "没有可检查的内容：content（或媒体链接）为空。",
    "openapi.content_too_long": "content 最多 2500 个字符。",
    "openapi.content_too_long_v1": "content 最多 500 KB。",
    "openapi.media_missing": "media 必须包含 contentType 和 value（图片字节的 Buffer）。",
    "openapi.media_too_large": "图片有 {size} 字节；最多只能检查 1 MB。",
    # scanning codes and opening links (registry_actions.py)
    "openapi.scan_unknown": "这张图片不是本工作区生成的码（没有哪个码的 SHA-256 是 {digest}）。",
    "openapi.code_unknown": "登记表中没有码 {code}。",
    "openapi.link_unknown": "{link} 不是本工作区生成的链接。",
    "openapi.link_expired": "链接 {link} 已过期。",
    "openapi.scan_persona": "persona 必须是某个角色的名字。",
    "openapi.scan_image": "image 必须是图片字节的 base64。",
}
