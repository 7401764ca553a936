<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ClientConsolePane</name>
    <message>
        <location filename="../../app/ui/panes/client_console_pane.py" line="31"/>
        <source>Client console</source>
        <translation>客户端控制台</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/client_console_pane.py" line="44"/>
        <source>Mini program code with a global wx (wx.cloud is initialised with traceUser: true). One expression shows its value; statements can return one.</source>
        <translation>小程序端代码，可直接使用全局 wx（wx.cloud 已用 traceUser: true 初始化）。单个表达式会显示它的值；多条语句可以用 return 返回结果。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/client_console_pane.py" line="61"/>
        <source>History (click to reuse)</source>
        <translation>历史记录（点击可再次使用）</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/client_console_pane.py" line="73"/>
        <source>Run as {name}</source>
        <translation>以 {name} 身份运行</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/client_console_pane.py" line="73"/>
        <source>Signed out</source>
        <translation>未登录</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/client_console_pane.py" line="81"/>
        <source>Type some mini program code first.</source>
        <translation>请先输入小程序端代码。</translation>
    </message>
</context>
<context>
    <name>CollectionsModel</name>
    <message>
        <location filename="../../app/ui/panes/database/models.py" line="26"/>
        <source>Collection</source>
        <translation>集合</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/models.py" line="26"/>
        <source>Documents</source>
        <translation>记录数</translation>
    </message>
</context>
<context>
    <name>CrashDialog</name>
    <message>
        <location filename="../../app/ui/messages.py" line="71"/>
        <source>Something went wrong</source>
        <translation>出错了</translation>
    </message>
    <message>
        <location filename="../../app/ui/messages.py" line="75"/>
        <source>wxsim hit an unexpected error. Your data is safe and you can keep working. Please copy the details below into a bug report.</source>
        <translation>wxsim 遇到了意外错误。你的数据是安全的，可以继续使用。请复制下面的详细信息附在问题报告里。</translation>
    </message>
    <message>
        <location filename="../../app/ui/messages.py" line="82"/>
        <source>Copy details</source>
        <translation>复制详细信息</translation>
    </message>
</context>
<context>
    <name>DatabasePane</name>
    <message>
        <location filename="../../app/ui/panes/database/pane.py" line="37"/>
        <source>Database</source>
        <translation>数据库</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/pane.py" line="87"/>
        <source>New…</source>
        <translation>新建…</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/pane.py" line="88"/>
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/pane.py" line="94"/>
        <source>Permission</source>
        <translation>数据权限</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/pane.py" line="96"/>
        <source>View as</source>
        <translation>查看身份</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/pane.py" line="104"/>
        <source>Add document…</source>
        <translation>添加记录…</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/pane.py" line="105"/>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/pane.py" line="106"/>
        <location filename="../../app/ui/panes/database/pane.py" line="282"/>
        <source>Delete document</source>
        <translation>删除记录</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/pane.py" line="153"/>
        <source>New collection</source>
        <translation>新建集合</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/pane.py" line="153"/>
        <source>Collection name:</source>
        <translation>集合名称：</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/pane.py" line="159"/>
        <source>Delete collection</source>
        <translation>删除集合</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/pane.py" line="160"/>
        <source>Delete the collection {name} and all {n} of its documents?</source>
        <translation>删除集合 {name} 及其全部 {n} 条记录？</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/pane.py" line="183"/>
        <source>Admin (console)</source>
        <translation>管理员（控制台）</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/pane.py" line="186"/>
        <source>Signed out</source>
        <translation>未登录</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/pane.py" line="214"/>
        <source>{viewer} gets: {msg}, {n} document(s) ({hidden} of the {total} below are hidden from them)</source>
        <translation>{viewer} 得到：{msg}，{n} 条记录（下表 {total} 条中有 {hidden} 条对其不可见）</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/pane.py" line="243"/>
        <source>Select a document first.</source>
        <translation>请先选择一条记录。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/pane.py" line="251"/>
        <source>Add document</source>
        <translation>添加记录</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/pane.py" line="257"/>
        <source>Edit document {id}</source>
        <translation>编辑记录 {id}</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/pane.py" line="274"/>
        <source>The _id cannot be changed; add a new document instead.</source>
        <translation>_id 不能修改；请改为添加一条新记录。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/pane.py" line="283"/>
        <source>Delete the document {id}?</source>
        <translation>删除记录 {id}？</translation>
    </message>
</context>
<context>
    <name>DocumentEditor</name>
    <message>
        <location filename="../../app/ui/panes/database/editor.py" line="33"/>
        <source>JSON or a JS object, e.g. {title: &apos;学习云开发&apos;, done: false, due: new Date(&apos;2025-01-01&apos;)}</source>
        <translation>JSON 或 JS 对象，例如 {title: &apos;学习云开发&apos;, done: false, due: new Date(&apos;2025-01-01&apos;)}</translation>
    </message>
</context>
<context>
    <name>FilesModel</name>
    <message>
        <location filename="../../app/ui/panes/storage/models.py" line="49"/>
        <source>Name</source>
        <translation>文件名</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/models.py" line="49"/>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/models.py" line="49"/>
        <source>Owner</source>
        <translation>上传者</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/models.py" line="49"/>
        <source>Uploaded</source>
        <translation>上传时间</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/models.py" line="50"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/models.py" line="50"/>
        <source>Read</source>
        <translation>可读</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/models.py" line="50"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/models.py" line="63"/>
        <source>admin</source>
        <translation>管理员</translation>
    </message>
</context>
<context>
    <name>FunctionsModel</name>
    <message>
        <location filename="../../app/ui/panes/functions/models.py" line="47"/>
        <source>Function</source>
        <translation>云函数</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/models.py" line="47"/>
        <source>Timeout</source>
        <translation>超时</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/models.py" line="47"/>
        <source>Timer trigger</source>
        <translation>定时触发器</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/models.py" line="47"/>
        <source>Changed</source>
        <translation>修改时间</translation>
    </message>
</context>
<context>
    <name>FunctionsPane</name>
    <message>
        <location filename="../../app/ui/panes/functions/pane.py" line="37"/>
        <source>Functions</source>
        <translation>云函数</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/pane.py" line="58"/>
        <source>Embedded (V8)</source>
        <translation>内置（V8）</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/pane.py" line="59"/>
        <source>Node.js</source>
        <translation>Node.js</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/pane.py" line="60"/>
        <source>Node.js runs the function with its own node_modules and the real wx-server-sdk</source>
        <translation>Node.js 用函数自己的 node_modules 和真正的 wx-server-sdk 运行</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/pane.py" line="61"/>
        <source>Use the embedded runtime</source>
        <translation>改用内置运行环境</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/pane.py" line="63"/>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/pane.py" line="64"/>
        <source>Run trigger now</source>
        <translation>立即触发</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/pane.py" line="89"/>
        <source>Run as</source>
        <translation>调用身份</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/pane.py" line="91"/>
        <source>Preset</source>
        <translation>模板</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/pane.py" line="93"/>
        <source>Save preset…</source>
        <translation>保存模板…</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/pane.py" line="94"/>
        <source>Delete preset</source>
        <translation>删除模板</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/pane.py" line="99"/>
        <source>Runtime</source>
        <translation>运行环境</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/pane.py" line="103"/>
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/pane.py" line="108"/>
        <source>Result</source>
        <translation>返回结果</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/pane.py" line="109"/>
        <source>Logs</source>
        <translation>日志</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/pane.py" line="110"/>
        <source>History (日志)</source>
        <translation>调用记录（日志）</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/pane.py" line="116"/>
        <source>Event (JSON)</source>
        <translation>测试参数 event（JSON）</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/pane.py" line="180"/>
        <source>Console test (no user)</source>
        <translation>云端测试（无用户）</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/pane.py" line="218"/>
        <source>Select a function first.</source>
        <translation>请先选择一个云函数。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/pane.py" line="244"/>
        <source>ok</source>
        <translation>成功</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/pane.py" line="245"/>
        <source>{time} · {source} · {duration:.1f} ms · requestID {rid} · {status}</source>
        <translation>{time} · {source} · {duration:.1f} ms · requestID {rid} · {status}</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/pane.py" line="287"/>
        <source>Save preset</source>
        <translation>保存模板</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/pane.py" line="287"/>
        <source>Preset name:</source>
        <translation>模板名称：</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/pane.py" line="328"/>
        <source>The event</source>
        <translation>event</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/pane.py" line="332"/>
        <source>The event is not valid JSON: {error}</source>
        <translation>event 不是有效的 JSON：{error}</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/pane.py" line="334"/>
        <source>The event must be a JSON object, like {&quot;a&quot;: 1}.</source>
        <translation>event 必须是 JSON 对象，例如 {&quot;a&quot;: 1}。</translation>
    </message>
</context>
<context>
    <name>InvocationsModel</name>
    <message>
        <location filename="../../app/ui/panes/functions/models.py" line="86"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/models.py" line="86"/>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/models.py" line="86"/>
        <source>Persona</source>
        <translation>身份</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/models.py" line="86"/>
        <source>Duration</source>
        <translation>耗时</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/models.py" line="86"/>
        <source>Result</source>
        <translation>返回结果</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/models.py" line="99"/>
        <source>ok</source>
        <translation>成功</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/models.py" line="99"/>
        <source>timed out</source>
        <translation>超时</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/models.py" line="99"/>
        <source>error</source>
        <translation>失败</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../app/ui/main_window.py" line="50"/>
        <source>wxsim — {project} ({env})</source>
        <translation>wxsim 微信云开发模拟器 — {project}（{env}）</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="68"/>
        <source>Acting as</source>
        <translation>当前身份</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="74"/>
        <source>Timeline</source>
        <translation>请求时间线</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="81"/>
        <source>env {env} · appid {appid} · data {data}</source>
        <translation>环境 {env} · AppID {appid} · 数据 {data}</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="92"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="93"/>
        <source>&amp;Open mini program project…</source>
        <translation>打开小程序项目(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="96"/>
        <source>Recent projects</source>
        <translation>最近的项目</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="102"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="105"/>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="112"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="113"/>
        <source>&amp;About wxsim</source>
        <translation>关于 wxsim(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="117"/>
        <source>Open a mini program project (the folder with project.config.json)</source>
        <translation>打开小程序项目（含 project.config.json 的文件夹）</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="125"/>
        <source>About wxsim</source>
        <translation>关于 wxsim</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="127"/>
        <source>wxsim {version}
微信云开发模拟器 — an offline simulator of WeChat Mini Program Cloud Development: login, database, storage and cloud functions on your laptop.</source>
        <translation>wxsim {version}
微信云开发模拟器 — 离线模拟微信小程序云开发：登录、数据库、存储和云函数，全部在你的电脑上运行。</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="138"/>
        <source>wxsim</source>
        <translation>wxsim</translation>
    </message>
</context>
<context>
    <name>PersonaSwitcher</name>
    <message>
        <location filename="../../app/ui/persona_switcher.py" line="23"/>
        <source>Acting as:</source>
        <translation>当前身份：</translation>
    </message>
    <message>
        <location filename="../../app/ui/persona_switcher.py" line="35"/>
        <source>Signed out</source>
        <translation>未登录</translation>
    </message>
    <message>
        <location filename="../../app/ui/persona_switcher.py" line="57"/>
        <source>Act as a visitor who is not signed in (no openid)</source>
        <translation>以未登录的访客身份操作（没有 openid）</translation>
    </message>
    <message>
        <location filename="../../app/ui/persona_switcher.py" line="59"/>
        <source>Act as {name} ({openid})</source>
        <translation>以 {name} 的身份操作（{openid}）</translation>
    </message>
</context>
<context>
    <name>PersonasModel</name>
    <message>
        <location filename="../../app/ui/models.py" line="25"/>
        <source>Persona</source>
        <translation>身份</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="25"/>
        <source>openid</source>
        <translation>openid</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="25"/>
        <source>unionid</source>
        <translation>unionid</translation>
    </message>
</context>
<context>
    <name>QueryBar</name>
    <message>
        <location filename="../../app/ui/panes/database/query_bar.py" line="24"/>
        <source>where, e.g. {done: false, progress: _.gt(10)}</source>
        <translation>where 条件，例如 {done: false, progress: _.gt(10)}</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/query_bar.py" line="26"/>
        <source>orderBy(&apos;progress&apos;, &apos;desc&apos;)</source>
        <translation>orderBy(&apos;progress&apos;, &apos;desc&apos;)</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/query_bar.py" line="28"/>
        <source>field, e.g. {title: true}</source>
        <translation>field 字段，例如 {title: true}</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/query_bar.py" line="33"/>
        <source>no limit</source>
        <translation>不限</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/query_bar.py" line="34"/>
        <source>Run query</source>
        <translation>查询</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/query_bar.py" line="35"/>
        <source>Reset</source>
        <translation>重置</translation>
    </message>
</context>
<context>
    <name>StoragePane</name>
    <message>
        <location filename="../../app/ui/panes/storage/pane.py" line="58"/>
        <source>Storage</source>
        <translation>存储</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/pane.py" line="93"/>
        <location filename="../../app/ui/panes/storage/pane.py" line="268"/>
        <source>Select a file to preview it.</source>
        <translation>选择一个文件即可预览。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/pane.py" line="116"/>
        <source>Permission</source>
        <translation>数据权限</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/pane.py" line="118"/>
        <source>Act as</source>
        <translation>操作身份</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/pane.py" line="121"/>
        <source>Upload…</source>
        <translation>上传…</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/pane.py" line="122"/>
        <source>Save as…</source>
        <translation>另存为…</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/pane.py" line="123"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/pane.py" line="124"/>
        <source>Copy fileID</source>
        <translation>复制 fileID</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/pane.py" line="125"/>
        <source>Copy temp URL</source>
        <translation>复制临时链接</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/pane.py" line="126"/>
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/pane.py" line="143"/>
        <source>Drop files here to upload them into the selected folder.</source>
        <translation>把文件拖到这里，即可上传到选中的文件夹。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/pane.py" line="162"/>
        <source>Admin (console)</source>
        <translation>管理员（控制台）</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/pane.py" line="166"/>
        <source>Signed out</source>
        <translation>未登录</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/pane.py" line="167"/>
        <source>Acting persona ({name})</source>
        <translation>当前身份（{name}）</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/pane.py" line="247"/>
        <location filename="../../app/ui/panes/storage/pane.py" line="346"/>
        <location filename="../../app/ui/panes/storage/pane.py" line="364"/>
        <source>Select a file first.</source>
        <translation>请先选择一个文件。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/pane.py" line="274"/>
        <location filename="../../app/ui/panes/storage/pane.py" line="294"/>
        <source>No preview for {type}.</source>
        <translation>{type} 类型的文件无法预览。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/pane.py" line="306"/>
        <source>Upload files</source>
        <translation>上传文件</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/pane.py" line="326"/>
        <source>Only files can be uploaded, not folders.</source>
        <translation>只能上传文件，不能上传文件夹。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/pane.py" line="341"/>
        <source>Uploaded {n} file(s).</source>
        <translation>已上传 {n} 个文件。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/pane.py" line="348"/>
        <source>Save as</source>
        <translation>另存为</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/pane.py" line="359"/>
        <source>Saved to {path}</source>
        <translation>已保存到 {path}</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/pane.py" line="366"/>
        <source>Delete file</source>
        <translation>删除文件</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/pane.py" line="366"/>
        <source>Delete {path}?</source>
        <translation>删除 {path}？</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/pane.py" line="380"/>
        <source>Deleted {path}</source>
        <translation>已删除 {path}</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/pane.py" line="386"/>
        <source>Copied {id}</source>
        <translation>已复制 {id}</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/pane.py" line="400"/>
        <source>Copied a link valid for {hours} hours: {url}</source>
        <translation>已复制链接（{hours} 小时内有效）：{url}</translation>
    </message>
</context>
<context>
    <name>Timeline</name>
    <message>
        <location filename="../../app/ui/timeline.py" line="185"/>
        <source>Admin</source>
        <translation>管理员</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline.py" line="186"/>
        <source>Signed out</source>
        <translation>未登录</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline.py" line="191"/>
        <source>ok</source>
        <translation>成功</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline.py" line="193"/>
        <source>denied</source>
        <translation>被拒绝</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline.py" line="195"/>
        <source>error</source>
        <translation>失败</translation>
    </message>
</context>
<context>
    <name>TimelineModel</name>
    <message>
        <location filename="../../app/ui/timeline.py" line="138"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline.py" line="139"/>
        <source>Persona</source>
        <translation>身份</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline.py" line="140"/>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline.py" line="141"/>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline.py" line="142"/>
        <source>Target</source>
        <translation>对象</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline.py" line="143"/>
        <source>Duration</source>
        <translation>耗时</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline.py" line="144"/>
        <source>Outcome</source>
        <translation>结果</translation>
    </message>
</context>
<context>
    <name>TimelineView</name>
    <message>
        <location filename="../../app/ui/timeline.py" line="257"/>
        <source>Click a request to see what was asked and answered.</source>
        <translation>点击一条请求，查看请求内容和返回结果。</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline.py" line="271"/>
        <source>Persona</source>
        <translation>身份</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline.py" line="272"/>
        <source>Service</source>
        <translation>服务</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline.py" line="273"/>
        <source>Outcome</source>
        <translation>结果</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline.py" line="294"/>
        <location filename="../../app/ui/timeline.py" line="297"/>
        <location filename="../../app/ui/timeline.py" line="306"/>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline.py" line="298"/>
        <source>ok</source>
        <translation>成功</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline.py" line="299"/>
        <source>error</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline.py" line="300"/>
        <source>denied</source>
        <translation>被拒绝</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline.py" line="309"/>
        <source>Signed out</source>
        <translation>未登录</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline.py" line="310"/>
        <source>Admin</source>
        <translation>管理员</translation>
    </message>
</context>
<context>
    <name>TransferBar</name>
    <message>
        <location filename="../../app/ui/panes/database/transfer.py" line="53"/>
        <source>Import…</source>
        <translation>导入…</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/transfer.py" line="54"/>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/transfer.py" line="56"/>
        <source>Insert (existing _id is an error)</source>
        <translation>Insert（_id 已存在时报错）</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/transfer.py" line="57"/>
        <source>Upsert (existing _id is replaced)</source>
        <translation>Upsert（_id 已存在时替换）</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/transfer.py" line="58"/>
        <source>All or nothing</source>
        <translation>全部成功才导入</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/transfer.py" line="60"/>
        <source>If any line is bad, import nothing</source>
        <translation>只要有一行有误，就什么都不导入</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/transfer.py" line="76"/>
        <source>Import into the collection</source>
        <translation>导入到集合</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/transfer.py" line="77"/>
        <source>JSON Lines (*.json *.jsonl);;CSV (*.csv);;All files (*)</source>
        <translation>JSON Lines (*.json *.jsonl);;CSV (*.csv);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/transfer.py" line="88"/>
        <source>Select a collection to import into.</source>
        <translation>请先选择要导入的集合。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/transfer.py" line="106"/>
        <source>… and {n} more bad lines</source>
        <translation>……另有 {n} 行有误</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/transfer.py" line="108"/>
        <source>{n} _id(s) already existed and were skipped</source>
        <translation>{n} 个 _id 已存在，已跳过</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/transfer.py" line="109"/>
        <source>Imported {inserted} new and replaced {replaced} document(s).</source>
        <translation>新导入 {inserted} 条，替换 {replaced} 条记录。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/transfer.py" line="113"/>
        <source>Nothing was imported: the file has bad lines.</source>
        <translation>未导入任何记录：文件中有错误的行。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/transfer.py" line="122"/>
        <source>Select a collection to export.</source>
        <translation>请先选择要导出的集合。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/transfer.py" line="125"/>
        <source>Export the documents shown</source>
        <translation>导出显示的文档</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/transfer.py" line="126"/>
        <source>JSON Lines (*.json *.jsonl);;CSV (*.csv)</source>
        <translation>JSON Lines (*.json *.jsonl);;CSV (*.csv)</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/transfer.py" line="134"/>
        <source>Fields for CSV</source>
        <translation>CSV 字段</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/transfer.py" line="134"/>
        <source>Fields, comma separated:</source>
        <translation>字段（用逗号分隔）：</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/transfer.py" line="155"/>
        <source>Exported {n} document(s) to {path}</source>
        <translation>已导出 {n} 条记录到 {path}</translation>
    </message>
</context>
<context>
    <name>UsersModel</name>
    <message>
        <location filename="../../app/ui/models.py" line="47"/>
        <source>openid</source>
        <translation>openid</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="48"/>
        <source>Persona</source>
        <translation>身份</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="49"/>
        <source>First visit</source>
        <translation>首次访问</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="50"/>
        <source>Last visit</source>
        <translation>最近访问</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="51"/>
        <source>Visits</source>
        <translation>访问次数</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="66"/>
        <source>(deleted persona)</source>
        <translation>（已删除的身份）</translation>
    </message>
</context>
<context>
    <name>UsersPane</name>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="33"/>
        <source>Users</source>
        <translation>用户</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="45"/>
        <source>the code from wx.login(), or any text to try</source>
        <translation>wx.login() 返回的 code，也可以随便输入试试</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="68"/>
        <source>Personas</source>
        <translation>身份</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="71"/>
        <source>Add…</source>
        <translation>添加…</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="72"/>
        <source>Rename…</source>
        <translation>重命名…</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="73"/>
        <source>Colour…</source>
        <translation>颜色…</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="74"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="75"/>
        <source>Copy openid</source>
        <translation>复制 openid</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="90"/>
        <source>Login: wx.login → code2Session</source>
        <translation>登录：wx.login → code2Session</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="91"/>
        <source>wx.cloud.init({traceUser: true})</source>
        <translation>wx.cloud.init({traceUser: true})</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="92"/>
        <source>wx.login()</source>
        <translation>wx.login()</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="93"/>
        <source>code2Session</source>
        <translation>code2Session</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="110"/>
        <source>Users (用户管理): visits recorded with traceUser, latest first</source>
        <translation>用户管理：通过 traceUser 记录的访问，最近访问在前</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="120"/>
        <source>Select a persona in the list first.</source>
        <translation>请先在列表中选择一个身份。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="124"/>
        <source>Add persona</source>
        <translation>添加身份</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="124"/>
        <source>Name:</source>
        <translation>名称：</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="133"/>
        <source>Rename persona</source>
        <translation>重命名身份</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="133"/>
        <source>New name (the openid stays the same):</source>
        <translation>新名称（openid 保持不变）：</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="143"/>
        <source>Persona colour</source>
        <translation>身份颜色</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="153"/>
        <source>Delete persona</source>
        <translation>删除身份</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="154"/>
        <source>Delete {name}? Data this user owns keeps its openid {openid}.</source>
        <translation>删除 {name}？该用户拥有的数据仍保留其 openid {openid}。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="165"/>
        <source>Copied the openid of {name}</source>
        <translation>已复制 {name} 的 openid</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="179"/>
        <source>As {name}:</source>
        <translation>以 {name} 身份：</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="179"/>
        <source>Signed out</source>
        <translation>未登录</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="202"/>
        <source>Exchanged. Exchange the same code again to see WeChat refuse it.</source>
        <translation>换取成功。再用同一个 code 换取一次，可以看到微信如何拒绝。</translation>
    </message>
</context>
</TS>
