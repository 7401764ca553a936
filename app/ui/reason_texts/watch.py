"""Chinese texts of core's realtime listener (watch) reasons (app/core/database/watch*.py, listener.py)."""

ZH: dict[str, str] = {
    "watch.server_side": "watch 只能在小程序端使用：服务端 SDK（云函数）没有 watch",
    "watch.workspace_closed": "工作区正在关闭",
    "watch.init_failed": "实时监听初始化失败：{detail}",
    "watch.field_unsupported": "实时监听初始化失败：watch 不支持 field()",
    "watch.not_open": "没有打开的监听 {listener}",
    "watch.collection_dropped": "实时监听收到服务器错误：集合 {collection} 已被删除",
    "watch.permission_lost": "实时监听收到服务器错误：{detail}",
    "watch.overflow": "实时监听连接已关闭：有 {n} 个快照未被读取；监听被关闭，而不是丢弃任何快照",
    "watch.limit_invalid": "limit 必须是正整数",
}
