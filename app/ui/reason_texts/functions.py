"""Chinese texts of core's functions reasons (ids as core names them; see the package docstring)."""

ZH: dict[str, str] = {
    # calls (app/core/functions/actions.py, runner.py)
    "functions.not_found": "找不到该云函数。",
    "functions.name_not_string": "function_name 必须是字符串",
    "functions.data_not_json_string": "request_data 必须是 JSON 字符串",
    "functions.data_not_object": "parameter.data 必须是对象",
    "functions.run_failed": "requestID {request_id}，{error}",
    "functions.run_error": "{name}：{message}",
    "functions.timed_out": "运行超时：超过 {seconds:.2f} 秒",
    "functions.result_too_large": "云函数返回的结果超过 1MB 上限",
    "functions.out_of_memory": "JavaScript 内存不足（上限为 {mb} MB）",
    "functions.runtime_exited": "云函数的运行进程意外退出（退出码 {code}）",
    "functions.script_not_a_file": "{script} 不是文件。",
    # the worker cap (app/core/functions/runtime/slots.py)
    "functions.cap_nested": "模拟器同时运行的 {limit} 个云函数实例（工作进程上限）都在忙，这次嵌套调用无法等待："
                            "发起它的调用正占用其中一些。请减少嵌套调用，或提高上限（max_workers）。",
    "functions.cap_wait": "{seconds:.2f} 秒内没有空闲的云函数实例：模拟器同时运行的 {limit} 个实例（工作进程上限）"
                          "一直在忙。请稍后再试，或提高上限（max_workers）。",
    # the runtimes (app/core/functions/runtime)
    "functions.v8_closed": "JavaScript 运行环境已关闭。",
    "functions.v8_closed_during_call": "JavaScript 运行环境在调用过程中被关闭。",
    "functions.v8_failed_to_start": "JavaScript 运行环境启动失败。",
    "functions.node_closed": "Node.js 运行环境已关闭。",
    "functions.node_closed_during_call": "Node.js 运行环境在调用过程中被关闭。",
    "functions.node_failed_to_start": "Node.js 启动失败。",
    "functions.failed_to_start_detail": "{problem} {detail}",
    "functions.node_missing": "找不到 Node.js（{node}）。请安装 Node.js，在工作区设置中填写它的路径，或使用内置运行环境。",
    "functions.node_cannot_start": "无法启动 Node.js（{node}）：{detail}",
    "functions.node_not_found": "找不到 Node.js；请安装它，或使用内置运行环境。",
    "functions.node_not_found_at": "在 {path} 找不到 Node.js。请安装它，或让这个云函数在内置运行环境中运行。",
    "functions.node_not_on_path": "在 PATH 中找不到 Node.js。请安装它，或让这个云函数在内置运行环境中运行。",
    "functions.package_json_unreadable": "无法读取 {where}/package.json（{detail}）；请修正它并在那里运行 `npm install`。",
    "functions.package_json_bad_dependencies": "{where}/package.json：“dependencies”必须是对象；"
                                               "请修正它并在那里运行 `npm install`。",
    "functions.sdk_missing_one": "云函数 {function} 无法在 Node.js 上运行：它的文件夹中没有安装 {names}。"
                                 "请在 {where} 中运行 `npm install`，或使用内置运行环境。",
    "functions.sdk_missing": "云函数 {function} 无法在 Node.js 上运行：它的文件夹中没有安装 {names}。"
                             "请在 {where} 中运行 `npm install`，或使用内置运行环境。",
    # config.json and timer triggers (app/core/functions/catalog.py, cron.py)
    "functions.config_problem": "config.json：{problem}",
    "functions.config_not_object": "它必须是一个 JSON 对象",
    "functions.config_env_not_object": "envVariables 必须是对象",
    "functions.config_bad_timeout": "timeout 必须是 1 到 60 之间的秒数，而不是 {value}",
    "functions.config_triggers_not_list": "triggers 必须是列表",
    "functions.config_one_trigger": "每个云函数只能有一个触发器",
    "cron.field_count": "“{text}”有 {count} 个字段；定时触发器需要 7 个："
                        "second minute hour day month week year，例如 0 0 2 1 * * *",
    "cron.bad_step": "{name} 字段的步长为 {step}；请用 1 或更大的数",
    "cron.out_of_range": "{name} 字段的“{item}”超出了 {low}–{high}",
    "cron.not_a_number": "{name} 字段中的“{text}”不是数字",
    # the functions console's own requests (app/core/functions/console_actions.py)
    "functions.preset_not_strings": "label 和 payload 必须是字符串",
    "functions.node_path_not_string": "path 必须是字符串或 null",
    "functions.paused_not_bool": "paused 必须是 true 或 false",
    # the client console (app/core/functions/console_actions.py, client_snippets.py)
    "client.no_code": "请先输入小程序代码。",
    "client.script_path_missing": "localPath 必须是脚本的路径",
    "client.script_timed_out": "{script} 没有在 {seconds:.0f} 秒内运行完",
    "client.snippet_timed_out": "代码没有在 60 秒内运行完",
    "client.script_kept_listening": "{script} 在 {seconds:.0f} 秒后仍在监听：请关闭它的监听（watcher.close()），或使用 --watch-seconds N",
    "client.watch_seconds_invalid": "watchSeconds 必须是 0 到 {most} 之间的秒数",
}
