<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AggregateBar</name>
    <message>
        <location filename="../../app/ui/panes/database/aggregate_bar.py" line="33"/>
        <source>.match({done: false}).group({_id: &apos;$_openid&apos;, n: $.sum(1)})  (Ctrl+Enter runs it)</source>
        <translation>.match({done: false}).group({_id: &apos;$_openid&apos;, n: $.sum(1)})（Ctrl+Enter 运行）</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/aggregate_bar.py" line="37"/>
        <source>Run pipeline</source>
        <translation>运行聚合</translation>
    </message>
</context>
<context>
    <name>ClientConsolePane</name>
    <message>
        <location filename="../../app/ui/panes/client_console_pane.py" line="59"/>
        <source>Client console</source>
        <translation>客户端控制台</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/client_console_pane.py" line="68"/>
        <source>Examples</source>
        <translation>示例</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/client_console_pane.py" line="84"/>
        <source>Mini program code with a global wx (wx.cloud is initialised with traceUser: true). One expression shows its value; statements can return one.</source>
        <translation>小程序端代码，可直接使用全局 wx（wx.cloud 已用 traceUser: true 初始化）。单个表达式会显示它的值；多条语句可以用 return 返回结果。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/client_console_pane.py" line="103"/>
        <source>History (click to reuse)</source>
        <translation>历史记录（点击可再次使用）</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/client_console_pane.py" line="106"/>
        <source>History</source>
        <translation>历史</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/client_console_pane.py" line="107"/>
        <source>Listeners</source>
        <translation>监听</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/client_console_pane.py" line="120"/>
        <source>// notices&apos; read rule: doc.published == true || doc._openid == auth.openid.
// A query must prove it for every document it can return: get() alone is refused
// whole (the timeline says which condition is missing); where({published: true}) passes.</source>
        <translation>// notices 的读规则：doc.published == true || doc._openid == auth.openid。
// 查询必须证明它能返回的每条记录都满足规则：只写 get() 会被整体拒绝
//（时间线会说明缺少哪个条件）；where({published: true}) 则能通过。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/client_console_pane.py" line="124"/>
        <source>Todos: my unfinished ones (PRIVATE)</source>
        <translation>待办：我未完成的（仅创建者可读写）</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/client_console_pane.py" line="125"/>
        <source>Notices: the query must match the rule</source>
        <translation>公告：查询必须符合规则</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/client_console_pane.py" line="126"/>
        <source>Grades: ADMINONLY refuses every read</source>
        <translation>成绩：仅管理员可读写，拒绝一切读取</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/client_console_pane.py" line="127"/>
        <source>Call the login function</source>
        <translation>调用 login 云函数</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/client_console_pane.py" line="128"/>
        <source>Chat: listen to the messages (realtime)</source>
        <translation>聊天室：实时监听 messages</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/client_console_pane.py" line="129"/>
        <source>// The listener stays open after this run: the Listeners tab shows each snapshot.
// Then act as another persona and run &quot;Chat: send a message&quot;.</source>
        <translation>// 这次运行结束后监听仍保持打开：“监听”标签页会显示每个快照。
// 然后切换到另一个角色，运行“聊天室：发送一条消息”。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/client_console_pane.py" line="131"/>
        <source>Chat: send a message</source>
        <translation>聊天室：发送一条消息</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/client_console_pane.py" line="132"/>
        <source>Subscribe, then a function sends a class reminder</source>
        <translation>订阅，再由云函数发送上课提醒</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/client_console_pane.py" line="133"/>
        <source>// Each accept of the subscription allows one send; the Messages pane shows the inbox.</source>
        <translation>// 每「允许」一次订阅，云函数就能发送一条；在消息面板查看收件箱。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/client_console_pane.py" line="141"/>
        <source>Run as {name}</source>
        <translation>以 {name} 身份运行</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/client_console_pane.py" line="141"/>
        <source>Signed out</source>
        <translation>未登录</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/client_console_pane.py" line="149"/>
        <source>Type some mini program code first.</source>
        <translation>请先输入小程序端代码。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/client_console_pane.py" line="181"/>
        <source>Re-run as…</source>
        <translation>以其他身份重跑…</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/client_console_pane.py" line="183"/>
        <source>What if…</source>
        <translation>假如规则是…</translation>
    </message>
</context>
<context>
    <name>CloudCallsPane</name>
    <message>
        <location filename="../../app/ui/panes/cloud_calls_pane.py" line="58"/>
        <source>Cloud calls</source>
        <translation>云调用</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/cloud_calls_pane.py" line="67"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/cloud_calls_pane.py" line="67"/>
        <source>Opens</source>
        <translation>打开</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/cloud_calls_pane.py" line="67"/>
        <source>Made by</source>
        <translation>生成者</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/cloud_calls_pane.py" line="74"/>
        <source>Scan / open the selected one</source>
        <translation>扫描 / 打开选中的项</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/cloud_calls_pane.py" line="75"/>
        <source>Choose a code picture…</source>
        <translation>选择码图片…</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/cloud_calls_pane.py" line="80"/>
        <source>Pick a code or link in the list, or drop a code picture (PNG) on this pane.</source>
        <translation>在列表中选一个码或链接，或把码图片（PNG）拖到本面板上。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/cloud_calls_pane.py" line="91"/>
        <source>Lenient, like DevTools&apos; local debugging</source>
        <translation>宽松模式（同开发者工具本地调试）</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/cloud_calls_pane.py" line="92"/>
        <source>Cloud calls then need no permissions.openapi in the function&apos;s config.json, and may come from outside a cloud function run.</source>
        <translation>云调用不再检查云函数 config.json 中的 permissions.openapi，也可以来自云函数运行之外。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/cloud_calls_pane.py" line="96"/>
        <source>Codes and links</source>
        <translation>码与链接</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/cloud_calls_pane.py" line="97"/>
        <source>Content security</source>
        <translation>内容安全</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/cloud_calls_pane.py" line="114"/>
        <source>Issued by the functions</source>
        <translation>云函数生成的码与链接</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/cloud_calls_pane.py" line="116"/>
        <source>Scan a code or open a link</source>
        <translation>扫码或打开链接</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/cloud_calls_pane.py" line="118"/>
        <source>As:</source>
        <translation>角色：</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/cloud_calls_pane.py" line="152"/>
        <source>Save words</source>
        <translation>保存词表</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/cloud_calls_pane.py" line="159"/>
        <source>Add a picture…</source>
        <translation>添加图片…</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/cloud_calls_pane.py" line="161"/>
        <source>Save images</source>
        <translation>保存图片列表</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/cloud_calls_pane.py" line="175"/>
        <source>mediaCheckAsync results are pushed to:</source>
        <translation>mediaCheckAsync 的检测结果推送到：</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/cloud_calls_pane.py" line="151"/>
        <source>Words</source>
        <translation>词表</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/cloud_calls_pane.py" line="158"/>
        <source>Images</source>
        <translation>图片</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/cloud_calls_pane.py" line="178"/>
        <source>msgSecCheck and imgSecCheck judge by these lists; saved lists count at once. Words: one a line — the word, a tab, its label, a tab, risky or review. Images: one a line — the SHA-256 of a risky picture, a tab, a note.</source>
        <translation>msgSecCheck 和 imgSecCheck 按这些列表判断；保存后立即生效。词表每行一条：词、制表符、标签、制表符、risky 或 review。图片每行一条：风险图片的 SHA-256、制表符、备注。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/cloud_calls_pane.py" line="193"/>
        <source>Signed out</source>
        <translation>未登录</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/cloud_calls_pane.py" line="230"/>
        <source>the timeline only</source>
        <translation>仅时间线</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/cloud_calls_pane.py" line="266"/>
        <source>URL Scheme</source>
        <translation>URL Scheme</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/cloud_calls_pane.py" line="266"/>
        <source>URL Link</source>
        <translation>URL Link</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/cloud_calls_pane.py" line="267"/>
        <source>Code {id}</source>
        <translation>码 {id}</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/cloud_calls_pane.py" line="289"/>
        <source>Select a code or a link in the list first.</source>
        <translation>请先在列表中选择一个码或链接。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/cloud_calls_pane.py" line="304"/>
        <location filename="../../app/ui/panes/cloud_calls_pane.py" line="379"/>
        <source>{name} could not be read as a picture.</source>
        <translation>无法把 {name} 读取为图片。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/cloud_calls_pane.py" line="310"/>
        <source>Choose a code picture</source>
        <translation>选择码图片</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/cloud_calls_pane.py" line="311"/>
        <source>Pictures (*.png *.jpg *.jpeg)</source>
        <translation>图片 (*.png *.jpg *.jpeg)</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/cloud_calls_pane.py" line="332"/>
        <source>{who} scanned code {id}. The mini program opens {path} with query {query} (scene {scene}).</source>
        <translation>{who} 扫描了码 {id}。小程序打开 {path}，query 为 {query}（场景值 {scene}）。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/cloud_calls_pane.py" line="333"/>
        <location filename="../../app/ui/panes/cloud_calls_pane.py" line="346"/>
        <source>the home page</source>
        <translation>首页</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/cloud_calls_pane.py" line="336"/>
        <source>onLoad(options) gets options.scene = {raw}; decodeURIComponent gives {scene}.</source>
        <translation>onLoad(options) 得到 options.scene = {raw}；decodeURIComponent 后为 {scene}。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/cloud_calls_pane.py" line="344"/>
        <source>{who} opened {link}. The mini program opens {path} with query {query} (scene {scene}).</source>
        <translation>{who} 打开了 {link}。小程序打开 {path}，query 为 {query}（场景值 {scene}）。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/cloud_calls_pane.py" line="350"/>
        <source>A signed-out user</source>
        <translation>未登录的用户</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/cloud_calls_pane.py" line="364"/>
        <location filename="../../app/ui/panes/cloud_calls_pane.py" line="371"/>
        <source>Saved: cloud calls judge by this list from now on.</source>
        <translation>已保存：云调用从现在起按此列表判断。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/cloud_calls_pane.py" line="384"/>
        <source>Added {name}; save the list to use it.</source>
        <translation>已添加 {name}；保存列表后生效。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/cloud_calls_pane.py" line="387"/>
        <source>Add a risky picture</source>
        <translation>添加风险图片</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/cloud_calls_pane.py" line="388"/>
        <source>Pictures (*.png *.jpg *.jpeg *.gif)</source>
        <translation>图片 (*.png *.jpg *.jpeg *.gif)</translation>
    </message>
</context>
<context>
    <name>CollectionsModel</name>
    <message>
        <location filename="../../app/ui/panes/database/models.py" line="29"/>
        <source>Collection</source>
        <translation>集合</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/models.py" line="29"/>
        <source>Documents</source>
        <translation>记录数</translation>
    </message>
</context>
<context>
    <name>CompareColumn</name>
    <message>
        <location filename="../../app/ui/panes/database/compare.py" line="160"/>
        <source>Gets {n} document(s) ({msg})</source>
        <translation>得到 {n} 条记录（{msg}）</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/compare.py" line="162"/>
        <source>{hidden} of the {total} matches are hidden from them</source>
        <translation>{total} 条匹配记录中有 {hidden} 条对其不可见</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/compare.py" line="167"/>
        <source>Refused: it gets none of the {total} matches</source>
        <translation>请求被拒绝：{total} 条匹配记录一条也拿不到</translation>
    </message>
</context>
<context>
    <name>CrashDialog</name>
    <message>
        <location filename="../../app/ui/messages.py" line="144"/>
        <source>Something went wrong</source>
        <translation>出错了</translation>
    </message>
    <message>
        <location filename="../../app/ui/messages.py" line="148"/>
        <source>wxsim hit an unexpected error. Your data is safe and you can keep working. Please copy the details below into a bug report.</source>
        <translation>wxsim 遇到了意外错误。你的数据是安全的，可以继续使用。请复制下面的详细信息附在问题报告里。</translation>
    </message>
    <message>
        <location filename="../../app/ui/messages.py" line="155"/>
        <source>Copy details</source>
        <translation>复制详细信息</translation>
    </message>
</context>
<context>
    <name>DatabasePane</name>
    <message>
        <location filename="../../app/ui/panes/database/pane.py" line="51"/>
        <source>Database</source>
        <translation>数据库</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/pane.py" line="73"/>
        <source>Query</source>
        <translation>查询</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/pane.py" line="74"/>
        <source>Aggregate</source>
        <translation>聚合</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/pane.py" line="115"/>
        <source>New…</source>
        <translation>新建…</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/pane.py" line="116"/>
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/pane.py" line="123"/>
        <source>Permission</source>
        <translation>数据权限</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/pane.py" line="125"/>
        <source>View as</source>
        <translation>查看身份</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/pane.py" line="138"/>
        <source>Add document…</source>
        <translation>添加记录…</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/pane.py" line="139"/>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/pane.py" line="140"/>
        <location filename="../../app/ui/panes/database/document_editing.py" line="89"/>
        <source>Delete document</source>
        <translation>删除记录</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/pane.py" line="155"/>
        <source>Documents</source>
        <translation>记录列表</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/pane.py" line="156"/>
        <source>Indexes</source>
        <translation>索引管理</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/pane.py" line="210"/>
        <source>New collection</source>
        <translation>新建集合</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/pane.py" line="210"/>
        <source>Collection name:</source>
        <translation>集合名称：</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/pane.py" line="216"/>
        <source>Delete collection</source>
        <translation>删除集合</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/pane.py" line="217"/>
        <source>Delete the collection {name} and all {n} of its documents?</source>
        <translation>删除集合 {name} 及其全部 {n} 条记录？</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/pane.py" line="78"/>
        <location filename="../../app/ui/panes/database/pane.py" line="79"/>
        <source>Admin (console)</source>
        <translation>管理员（控制台）</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/pane.py" line="333"/>
        <source>{viewer} gets: {msg}, {n} row(s)</source>
        <translation>{viewer} 得到：{msg}，{n} 条结果</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/pane.py" line="362"/>
        <source>{viewer} gets: {msg}, {n} document(s) ({hidden} of the {total} below are hidden from them)</source>
        <translation>{viewer} 得到：{msg}，{n} 条记录（下表 {total} 条中有 {hidden} 条对其不可见）</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/document_editing.py" line="26"/>
        <source>Select a document first.</source>
        <translation>请先选择一条记录。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/document_editing.py" line="31"/>
        <source>Add document</source>
        <translation>添加记录</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/document_editing.py" line="44"/>
        <source>The document {id} no longer exists.</source>
        <translation>记录 {id} 已不存在。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/document_editing.py" line="49"/>
        <source>Edit document {id}</source>
        <translation>编辑记录 {id}</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/document_editing.py" line="47"/>
        <source>Update (merge the typed fields; _openid kept)</source>
        <translation>更新（合并所填字段；保留 _openid）</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/document_editing.py" line="48"/>
        <source>Replace (the whole document; _openid kept)</source>
        <translation>替换（整条记录；保留 _openid）</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/document_editing.py" line="75"/>
        <source>The _id cannot be changed; add a new document instead.</source>
        <translation>_id 不能修改；请改为添加一条新记录。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/document_editing.py" line="79"/>
        <source>Type the fields to change, e.g. {done: true}.</source>
        <translation>请填写要修改的字段，例如 {done: true}。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/document_editing.py" line="90"/>
        <source>Delete the document {id}?</source>
        <translation>删除记录 {id}？</translation>
    </message>
</context>
<context>
    <name>DiffDialog</name>
    <message>
        <location filename="../../app/ui/panes/snapshots/diff_view.py" line="56"/>
        <source>What</source>
        <translation>内容</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/diff_view.py" line="56"/>
        <source>Before</source>
        <translation>之前</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/diff_view.py" line="56"/>
        <source>After</source>
        <translation>之后</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/diff_view.py" line="75"/>
        <location filename="../../app/ui/panes/snapshots/diff_view.py" line="96"/>
        <source>now</source>
        <translation>现在</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/diff_view.py" line="77"/>
        <source>Compare {before} → {after}</source>
        <translation>对比 {before} → {after}</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/diff_view.py" line="98"/>
        <source>{before} and {after} hold the same state.</source>
        <translation>{before} 与 {after} 的状态相同。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/diff_view.py" line="101"/>
        <source>From {before} to {after}: {collections} collections differ; documents +{added} −{removed} ~{changed}; files +{files_added} −{files_removed} ~{files_changed}.</source>
        <translation>从 {before} 到 {after}：{collections} 个集合有变化；记录 +{added} −{removed} ~{changed}；文件 +{files_added} −{files_removed} ~{files_changed}。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/diff_view.py" line="112"/>
        <source>collection added</source>
        <translation>新增集合</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/diff_view.py" line="112"/>
        <source>collection removed</source>
        <translation>集合已删除</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/diff_view.py" line="113"/>
        <source>changed</source>
        <translation>有改动</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/diff_view.py" line="114"/>
        <source>{name} — {status}: +{added} −{removed} ~{changed}</source>
        <translation>{name} — {status}：+{added} −{removed} ~{changed}</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/diff_view.py" line="117"/>
        <location filename="../../app/ui/panes/snapshots/diff_view.py" line="118"/>
        <source>{n} documents</source>
        <translation>{n} 条记录</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/diff_view.py" line="120"/>
        <source>Permission</source>
        <translation>权限</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/diff_view.py" line="124"/>
        <source>Security rules</source>
        <translation>安全规则</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/diff_view.py" line="131"/>
        <source>… and {n} more documents</source>
        <translation>……另有 {n} 条记录</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/diff_view.py" line="143"/>
        <location filename="../../app/ui/panes/snapshots/diff_view.py" line="144"/>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/diff_view.py" line="153"/>
        <source>Storage: +{added} −{removed} ~{changed} files</source>
        <translation>云存储：文件 +{added} −{removed} ~{changed}</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/diff_view.py" line="156"/>
        <location filename="../../app/ui/panes/snapshots/diff_view.py" line="186"/>
        <location filename="../../app/ui/panes/snapshots/diff_view.py" line="204"/>
        <source>added</source>
        <translation>新增</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/diff_view.py" line="158"/>
        <location filename="../../app/ui/panes/snapshots/diff_view.py" line="188"/>
        <location filename="../../app/ui/panes/snapshots/diff_view.py" line="206"/>
        <source>removed</source>
        <translation>已删除</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/diff_view.py" line="159"/>
        <source>content</source>
        <translation>内容</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/diff_view.py" line="159"/>
        <source>owner</source>
        <translation>所有者</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/diff_view.py" line="159"/>
        <source>content type</source>
        <translation>文件类型</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/diff_view.py" line="184"/>
        <source>Personas</source>
        <translation>角色</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/diff_view.py" line="202"/>
        <source>User list (visits recorded)</source>
        <translation>用户列表（记录的访问）</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/diff_view.py" line="212"/>
        <source>Storage permission</source>
        <translation>存储权限</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/diff_view.py" line="212"/>
        <source>Storage security rules</source>
        <translation>存储安全规则</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/diff_view.py" line="213"/>
        <source>Function test presets</source>
        <translation>云函数测试参数模板</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/diff_view.py" line="214"/>
        <source>Function runtimes</source>
        <translation>云函数运行环境</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/diff_view.py" line="215"/>
        <source>Timer triggers paused</source>
        <translation>定时触发器已暂停</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/diff_view.py" line="216"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
</context>
<context>
    <name>DocumentEditor</name>
    <message>
        <location filename="../../app/ui/panes/database/editor.py" line="35"/>
        <source>JSON or a JS object, e.g. {title: &apos;学习云开发&apos;, done: false, due: new Date(&apos;2025-01-01&apos;)}</source>
        <translation>JSON 或 JS 对象，例如 {title: &apos;学习云开发&apos;, done: false, due: new Date(&apos;2025-01-01&apos;)}</translation>
    </message>
</context>
<context>
    <name>FileManager</name>
    <message>
        <location filename="../../app/ui/file_manager.py" line="16"/>
        <source>No file manager could be started. The folder is: {path}</source>
        <translation>无法打开文件管理器。文件夹位置：{path}</translation>
    </message>
</context>
<context>
    <name>FilesModel</name>
    <message>
        <location filename="../../app/ui/panes/storage/models.py" line="62"/>
        <source>Name</source>
        <translation>文件名</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/models.py" line="62"/>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/models.py" line="62"/>
        <source>Owner</source>
        <translation>上传者</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/models.py" line="62"/>
        <source>Uploaded</source>
        <translation>上传时间</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/models.py" line="63"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/models.py" line="63"/>
        <source>Read</source>
        <translation>可读</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/models.py" line="63"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/models.py" line="76"/>
        <source>admin</source>
        <translation>管理员</translation>
    </message>
</context>
<context>
    <name>FunctionsModel</name>
    <message>
        <location filename="../../app/ui/panes/functions/models.py" line="61"/>
        <source>Function</source>
        <translation>云函数</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/models.py" line="61"/>
        <source>Timeout</source>
        <translation>超时</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/models.py" line="61"/>
        <source>Timer trigger</source>
        <translation>定时触发器</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/models.py" line="61"/>
        <source>Changed</source>
        <translation>修改时间</translation>
    </message>
</context>
<context>
    <name>FunctionsPane</name>
    <message>
        <location filename="../../app/ui/panes/functions/pane.py" line="42"/>
        <source>Functions</source>
        <translation>云函数</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/pane.py" line="66"/>
        <source>Embedded (V8)</source>
        <translation>内置（V8）</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/pane.py" line="67"/>
        <source>Node.js</source>
        <translation>Node.js</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/pane.py" line="68"/>
        <source>Node.js runs the function with its own node_modules and the real wx-server-sdk</source>
        <translation>Node.js 用函数自己的 node_modules 和真正的 wx-server-sdk 运行</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/pane.py" line="69"/>
        <source>Use the embedded runtime</source>
        <translation>改用内置运行环境</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/pane.py" line="71"/>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/pane.py" line="72"/>
        <source>Run trigger now</source>
        <translation>立即触发</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/pane.py" line="96"/>
        <source>Run as</source>
        <translation>调用身份</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/pane.py" line="98"/>
        <source>Preset</source>
        <translation>模板</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/pane.py" line="102"/>
        <source>Save preset…</source>
        <translation>保存模板…</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/pane.py" line="103"/>
        <source>Delete preset</source>
        <translation>删除模板</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/pane.py" line="108"/>
        <source>Runtime</source>
        <translation>运行环境</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/pane.py" line="112"/>
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/pane.py" line="116"/>
        <source>Result</source>
        <translation>返回结果</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/pane.py" line="117"/>
        <source>Logs</source>
        <translation>日志</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/pane.py" line="118"/>
        <source>History (日志)</source>
        <translation>调用记录（日志）</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/pane.py" line="124"/>
        <source>Event (JSON)</source>
        <translation>测试参数 event（JSON）</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/pane.py" line="52"/>
        <source>Console test (no user)</source>
        <translation>云端测试（无用户）</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/pane.py" line="223"/>
        <source>Select a function first.</source>
        <translation>请先选择一个云函数。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/pane.py" line="250"/>
        <source>ok</source>
        <translation>成功</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/pane.py" line="251"/>
        <source>{time} · {source} · {duration:.1f} ms · requestID {rid} · {status}</source>
        <translation>{time} · {source} · {duration:.1f} ms · requestID {rid} · {status}</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/pane.py" line="279"/>
        <source>At {path}, line {line}</source>
        <translation>位置：{path} 第 {line} 行</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/pane.py" line="281"/>
        <source>Open the file in its editor</source>
        <translation>在编辑器中打开该文件</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/pane.py" line="309"/>
        <source>Save preset</source>
        <translation>保存模板</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/pane.py" line="309"/>
        <source>Preset name:</source>
        <translation>模板名称：</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/pane.py" line="350"/>
        <source>The event</source>
        <translation>event</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/pane.py" line="354"/>
        <source>The event is not valid JSON: {error}</source>
        <translation>event 不是有效的 JSON：{error}</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/pane.py" line="357"/>
        <source>The event must be a JSON object, like {&quot;a&quot;: 1}.</source>
        <translation>event 必须是 JSON 对象，例如 {&quot;a&quot;: 1}。</translation>
    </message>
</context>
<context>
    <name>IndexesModel</name>
    <message>
        <location filename="../../app/ui/panes/database/indexes.py" line="52"/>
        <source>Name</source>
        <translation>索引名称</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/indexes.py" line="52"/>
        <source>Fields</source>
        <translation>索引字段</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/indexes.py" line="52"/>
        <source>Kind</source>
        <translation>索引属性</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/indexes.py" line="76"/>
        <source>Unique</source>
        <translation>唯一</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/indexes.py" line="64"/>
        <source>{field} ascending</source>
        <translation>{field} 升序</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/indexes.py" line="65"/>
        <source>{field} descending</source>
        <translation>{field} 降序</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/indexes.py" line="76"/>
        <source>Not unique</source>
        <translation>非唯一</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/indexes.py" line="79"/>
        <source>Built in: every collection has it, and it cannot be dropped</source>
        <translation>内置索引：每个集合都有，不能删除</translation>
    </message>
</context>
<context>
    <name>IndexesTab</name>
    <message>
        <location filename="../../app/ui/panes/database/indexes.py" line="125"/>
        <source>Delete index…</source>
        <translation>删除索引…</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/indexes.py" line="134"/>
        <source>+ Add field</source>
        <translation>+ 添加字段</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/indexes.py" line="135"/>
        <source>Unique</source>
        <translation>唯一</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/indexes.py" line="136"/>
        <source>No two documents may have the same values in these fields</source>
        <translation>任意两条记录在这些字段上的值都不能相同</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/indexes.py" line="137"/>
        <source>Create index</source>
        <translation>创建索引</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/indexes.py" line="153"/>
        <source>New index</source>
        <translation>新建索引</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/indexes.py" line="160"/>
        <source>A query whose conditions or orderBy start with an index&apos;s fields reads only the matching documents; the timeline says which index it used.</source>
        <translation>查询条件或 orderBy 以索引的字段开头时，只读取匹配的记录；时间线会显示查询用了哪个索引。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/indexes.py" line="263"/>
        <source>Type a field for each row (or remove the empty one).</source>
        <translation>每一行都要填写字段（或删除空行）。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/indexes.py" line="270"/>
        <source>Index {name} created.</source>
        <translation>已创建索引 {name}。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/indexes.py" line="290"/>
        <source>The built-in _id_ index cannot be dropped</source>
        <translation>内置的 _id_ 索引不能删除</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/indexes.py" line="297"/>
        <source>Delete the index {name} of {collection}? Queries on its fields then read every document.</source>
        <translation>删除 {collection} 的索引 {name}？之后按这些字段的查询将读取全部记录。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/indexes.py" line="299"/>
        <source>Delete index</source>
        <translation>删除索引</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/indexes.py" line="309"/>
        <source>Index {name} deleted.</source>
        <translation>已删除索引 {name}。</translation>
    </message>
</context>
<context>
    <name>InvocationsModel</name>
    <message>
        <location filename="../../app/ui/panes/functions/models.py" line="100"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/models.py" line="100"/>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/models.py" line="100"/>
        <source>Persona</source>
        <translation>身份</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/models.py" line="100"/>
        <source>Duration</source>
        <translation>耗时</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/models.py" line="100"/>
        <source>Result</source>
        <translation>返回结果</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/models.py" line="113"/>
        <source>ok</source>
        <translation>成功</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/models.py" line="113"/>
        <source>timed out</source>
        <translation>超时</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/functions/models.py" line="113"/>
        <source>error</source>
        <translation>失败</translation>
    </message>
</context>
<context>
    <name>KeyRow</name>
    <message>
        <location filename="../../app/ui/panes/database/indexes.py" line="89"/>
        <source>Field, e.g. city or address.city</source>
        <translation>字段，如 city 或 address.city</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/indexes.py" line="92"/>
        <source>Ascending</source>
        <translation>升序</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/indexes.py" line="93"/>
        <source>Descending</source>
        <translation>降序</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/indexes.py" line="96"/>
        <source>Remove this field</source>
        <translation>移除此字段</translation>
    </message>
</context>
<context>
    <name>ListenersView</name>
    <message>
        <location filename="../../app/ui/panes/listeners.py" line="54"/>
        <source>Persona</source>
        <translation>角色</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/listeners.py" line="54"/>
        <source>Collection</source>
        <translation>集合</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/listeners.py" line="54"/>
        <source>Query</source>
        <translation>查询</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/listeners.py" line="55"/>
        <source>Snapshots</source>
        <translation>快照</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/listeners.py" line="64"/>
        <source>No listener is open. Run a watch() in the client console (Examples → Chat) and it stays open here.</source>
        <translation>没有打开的监听。在客户端控制台运行 watch()（示例 → 聊天室），监听会一直保留在这里。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/listeners.py" line="68"/>
        <source>Close listener</source>
        <translation>关闭监听</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/listeners.py" line="158"/>
        <source>— closed: {why}</source>
        <translation>— 已关闭：{why}</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/listeners.py" line="167"/>
        <source>#{id} init: {n} documents</source>
        <translation>#{id} 初始化：{n} 条记录</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/listeners.py" line="168"/>
        <source>#{id}: {changes} change(s), {n} documents now</source>
        <translation>#{id}：{changes} 处变化，现有 {n} 条记录</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/listeners.py" line="192"/>
        <source>doc {query}</source>
        <translation>文档 {query}</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/listeners.py" line="193"/>
        <source>Signed out</source>
        <translation>未登录</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/listeners.py" line="214"/>
        <source>This listener belongs to another client (a wxsim run-client script): its snapshots go to that script, so only their count is shown here.</source>
        <translation>这个监听属于另一个客户端（wxsim run-client 脚本）：它的快照交给那个脚本，这里只显示数量。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/listeners.py" line="231"/>
        <source>— closed from the console</source>
        <translation>— 已从控制台关闭</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../app/ui/main_window.py" line="80"/>
        <source>wxsim — {project} ({env})</source>
        <translation>wxsim 微信云开发模拟器 — {project}（{env}）</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="132"/>
        <source>Timeline</source>
        <translation>请求时间线</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="143"/>
        <source>env {env} · appid {appid} · data {data}</source>
        <translation>环境 {env} · AppID {appid} · 数据 {data}</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="152"/>
        <source>Settings locked</source>
        <translation>设置已锁定</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="153"/>
        <source>View → Lock settings: persona, permission and runtime changes are off</source>
        <translation>视图 → 锁定设置：身份、权限和运行环境暂不能修改</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="157"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="158"/>
        <source>&amp;Open mini program project…</source>
        <translation>打开小程序项目(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="161"/>
        <source>Recent projects</source>
        <translation>最近的项目</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="169"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="173"/>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="183"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="184"/>
        <source>Guided &amp;tour</source>
        <translation>导览(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="187"/>
        <source>&amp;Welcome screen…</source>
        <translation>欢迎页(&amp;W)…</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="190"/>
        <source>&amp;About wxsim</source>
        <translation>关于 wxsim(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="193"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="195"/>
        <source>&amp;Presenter mode</source>
        <translation>演示模式(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="198"/>
        <source>Large text, high contrast and a big persona badge (F5)</source>
        <translation>大字号、高对比度，并醒目显示当前身份（F5）</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="200"/>
        <source>Zoom &amp;in</source>
        <translation>放大(&amp;I)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="203"/>
        <source>Zoom &amp;out</source>
        <translation>缩小(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="206"/>
        <source>&amp;Actual size</source>
        <translation>原始大小(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="208"/>
        <source>&amp;Theme</source>
        <translation>主题(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="211"/>
        <source>Standard</source>
        <translation>标准</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="211"/>
        <source>High contrast (light)</source>
        <translation>高对比度（浅色）</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="212"/>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="227"/>
        <source>&amp;Timeline</source>
        <translation>请求时间线(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="230"/>
        <source>&amp;Lock settings (read-only)</source>
        <translation>锁定设置（只读）(&amp;K)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="232"/>
        <source>Turn off the controls that change personas, permissions, runtimes and imports, so nobody changes them by accident</source>
        <translation>停用修改身份、权限、运行环境和导入的控件，以免被误改</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="237"/>
        <source>View</source>
        <translation>视图</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="240"/>
        <source>Presenter</source>
        <translation>演示</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="241"/>
        <source>Lock</source>
        <translation>锁定</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="242"/>
        <source>Tour</source>
        <translation>导览</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="245"/>
        <source>Smaller text (Ctrl+-)</source>
        <translation>缩小文字（Ctrl+-）</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="246"/>
        <source>Larger text (Ctrl+=)</source>
        <translation>放大文字（Ctrl+=）</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="389"/>
        <source>Open a mini program project (the folder with project.config.json)</source>
        <translation>打开小程序项目（含 project.config.json 的文件夹）</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="395"/>
        <source>About wxsim</source>
        <translation>关于 wxsim</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="401"/>
        <source>wxsim {version}
微信云开发模拟器 — an offline simulator of WeChat Mini Program Cloud Development: login, database, storage and cloud functions on your laptop.</source>
        <translation>wxsim {version}
微信云开发模拟器 — 离线模拟微信小程序云开发：登录、数据库、存储和云函数，全部在你的电脑上运行。</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="404"/>
        <source>Built {date}</source>
        <translation>构建于 {date}</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="404"/>
        <source>Running from a source checkout</source>
        <translation>从源代码运行</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="405"/>
        <source>Simulates {sdk}</source>
        <translation>模拟对象：{sdk}</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="406"/>
        <source>wxsim never connects to the internet: it looks for no updates. A newer version comes as a new file, from your trainer or the project&apos;s releases.</source>
        <translation>wxsim 从不连接互联网，也不检查更新。新版本以新文件的形式提供，可向培训老师索取，或从项目的发布页获取。</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="416"/>
        <source>wxsim</source>
        <translation>wxsim</translation>
    </message>
</context>
<context>
    <name>MessageCard</name>
    <message>
        <location filename="../../app/ui/panes/messages/inbox.py" line="59"/>
        <source>Open the mini program › {page}</source>
        <translation>进入小程序查看 › {page}</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/messages/inbox.py" line="60"/>
        <source>The card opens no page</source>
        <translation>该消息不跳转页面</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/messages/inbox.py" line="64"/>
        <source>Sent by the cloud function &lt;a href=&quot;#&quot;&gt;{function}&lt;/a&gt;</source>
        <translation>由云函数 &lt;a href=&quot;#&quot;&gt;{function}&lt;/a&gt; 发送</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/messages/inbox.py" line="65"/>
        <source>Sent from outside a cloud function (&lt;a href=&quot;#&quot;&gt;timeline&lt;/a&gt;)</source>
        <translation>不是从云函数中发送的（&lt;a href=&quot;#&quot;&gt;时间线&lt;/a&gt;）</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/messages/inbox.py" line="67"/>
        <source>Select the request that sent it in the timeline</source>
        <translation>在时间线中选中发送它的请求</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/messages/inbox.py" line="74"/>
        <source>Customer service</source>
        <translation>客服消息</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/messages/inbox.py" line="77"/>
        <source>{title} (template message)</source>
        <translation>{title}（模板消息）</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/messages/inbox.py" line="79"/>
        <source>{title} (Official Account)</source>
        <translation>{title}（公众号）</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/messages/inbox.py" line="85"/>
        <source>Message</source>
        <translation>消息</translation>
    </message>
</context>
<context>
    <name>MessagesPane</name>
    <message>
        <location filename="../../app/ui/panes/messages/pane.py" line="41"/>
        <source>Messages</source>
        <translation>消息</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/messages/pane.py" line="50"/>
        <source>The persona writes to the mini program&apos;s customer service: for 48 hours its cloud functions may reply with customerServiceMessage.send, at most 5 times.</source>
        <translation>该角色给小程序客服发一条消息：之后 48 小时内，云函数可以用 customerServiceMessage.send 回复，最多 5 条。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/messages/pane.py" line="58"/>
        <source>What the persona answers wx.requestSubscribeMessage, whether it ticked 总是保持以上选择, and how many messages a function may still send it (each accept adds one; a long-term template is never used up).</source>
        <translation>该角色如何回答 wx.requestSubscribeMessage、是否勾选了「总是保持以上选择」，以及云函数还能给它发几条消息（每次允许加一条；长期模板不会用完）。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/messages/pane.py" line="69"/>
        <source>Templates</source>
        <translation>模板</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/messages/pane.py" line="99"/>
        <source>Persona</source>
        <translation>角色</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/messages/pane.py" line="132"/>
        <source>{name} sends a customer-service message</source>
        <translation>{name} 发送客服消息</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/messages/pane.py" line="134"/>
        <source>Subscriptions of {name}</source>
        <translation>{name} 的订阅</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/messages/pane.py" line="174"/>
        <source>Customer service: no open window (functions get 45015).</source>
        <translation>客服会话：未开启（云函数回复会得到 45015）。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/messages/pane.py" line="177"/>
        <source>Customer service: {left} of 5 replies left until {closes}.</source>
        <translation>客服会话：还可回复 {left}/5 条，截止 {closes}。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/messages/pane.py" line="188"/>
        <source>{name} sent a message: functions may reply 5 times within 48 hours.</source>
        <translation>{name} 发送了一条客服消息：云函数可在 48 小时内回复 5 条。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/messages/pane.py" line="196"/>
        <source>Template {id} saved.</source>
        <translation>模板 {id} 已保存。</translation>
    </message>
</context>
<context>
    <name>PersonaBadge</name>
    <message>
        <location filename="../../app/ui/presenter.py" line="21"/>
        <source>The persona every pane acts as, unless the pane chooses another</source>
        <translation>各页面默认以此身份操作（页面也可以另选身份）</translation>
    </message>
    <message>
        <location filename="../../app/ui/presenter.py" line="31"/>
        <source>Signed out</source>
        <translation>未登录</translation>
    </message>
</context>
<context>
    <name>PersonaBox</name>
    <message>
        <location filename="../../app/ui/panes/persona_box.py" line="48"/>
        <location filename="../../app/ui/panes/persona_box.py" line="70"/>
        <location filename="../../app/ui/panes/persona_box.py" line="81"/>
        <source>Signed out</source>
        <translation>未登录</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/persona_box.py" line="81"/>
        <source>Follow toolbar ({name})</source>
        <translation>跟随工具栏（{name}）</translation>
    </message>
</context>
<context>
    <name>PersonaCompare</name>
    <message>
        <location filename="../../app/ui/panes/database/compare.py" line="47"/>
        <source>Compare</source>
        <translation>对比角色</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/compare.py" line="49"/>
        <source>The same query as two personas side by side: what each gets, and what is hidden from it and why</source>
        <translation>同一查询以两个角色并排运行：各自得到什么，哪些记录对其不可见及原因</translation>
    </message>
</context>
<context>
    <name>PersonaSwitcher</name>
    <message>
        <location filename="../../app/ui/persona_switcher.py" line="20"/>
        <source>Acting as</source>
        <translation>当前身份</translation>
    </message>
    <message>
        <location filename="../../app/ui/persona_switcher.py" line="29"/>
        <source>Acting as:</source>
        <translation>当前身份：</translation>
    </message>
    <message>
        <location filename="../../app/ui/persona_switcher.py" line="50"/>
        <source>Signed out</source>
        <translation>未登录</translation>
    </message>
    <message>
        <location filename="../../app/ui/persona_switcher.py" line="88"/>
        <source>Act as a visitor who is not signed in (no openid)</source>
        <translation>以未登录的访客身份操作（没有 openid）</translation>
    </message>
    <message>
        <location filename="../../app/ui/persona_switcher.py" line="90"/>
        <source>Act as {name} ({openid})</source>
        <translation>以 {name} 的身份操作（{openid}）</translation>
    </message>
</context>
<context>
    <name>PersonasModel</name>
    <message>
        <location filename="../../app/ui/models.py" line="26"/>
        <source>Persona</source>
        <translation>身份</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="26"/>
        <source>openid</source>
        <translation>openid</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="26"/>
        <source>unionid</source>
        <translation>unionid</translation>
    </message>
</context>
<context>
    <name>PhoneInbox</name>
    <message>
        <location filename="../../app/ui/panes/messages/inbox.py" line="100"/>
        <source>Service notifications</source>
        <translation>服务通知</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/messages/inbox.py" line="103"/>
        <source>No messages yet. A message a cloud function sends to this persona appears here.</source>
        <translation>还没有消息。云函数发给该角色的消息会出现在这里。</translation>
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
    <name>RerunDialog</name>
    <message>
        <location filename="../../app/ui/rerun_dialog.py" line="58"/>
        <source>{who} was denied on {target}: {why}</source>
        <translation>{who} 在 {target} 上被拒绝：{why}</translation>
    </message>
    <message>
        <location filename="../../app/ui/rerun_dialog.py" line="60"/>
        <source>{who} changed nothing in {target}: {why}</source>
        <translation>{who} 在 {target} 中没有改到任何记录：{why}</translation>
    </message>
    <message>
        <location filename="../../app/ui/rerun_dialog.py" line="62"/>
        <source>{who} got nothing from {target}: {why}</source>
        <translation>{who} 从 {target} 什么也没得到：{why}</translation>
    </message>
    <message>
        <location filename="../../app/ui/rerun_dialog.py" line="125"/>
        <source>What if the rules were…</source>
        <translation>假如安全规则是…</translation>
    </message>
    <message>
        <location filename="../../app/ui/rerun_dialog.py" line="125"/>
        <source>Re-run as…</source>
        <translation>以其他身份重跑…</translation>
    </message>
    <message>
        <location filename="../../app/ui/rerun_dialog.py" line="127"/>
        <source>As before ({who})</source>
        <translation>与原请求相同（{who}）</translation>
    </message>
    <message>
        <location filename="../../app/ui/rerun_dialog.py" line="134"/>
        <source>Re-run</source>
        <translation>重跑</translation>
    </message>
    <message>
        <location filename="../../app/ui/rerun_dialog.py" line="139"/>
        <source>Run as:</source>
        <translation>身份：</translation>
    </message>
    <message>
        <location filename="../../app/ui/rerun_dialog.py" line="147"/>
        <source>Re-run with these rules</source>
        <translation>按这些规则重跑</translation>
    </message>
    <message>
        <location filename="../../app/ui/rerun_dialog.py" line="148"/>
        <source>Re-run under these rules; nothing was saved.</source>
        <translation>已按这些规则重跑；规则没有保存。</translation>
    </message>
    <message>
        <location filename="../../app/ui/rerun_dialog.py" line="152"/>
        <source>The request</source>
        <translation>原请求</translation>
    </message>
    <message>
        <location filename="../../app/ui/rerun_dialog.py" line="153"/>
        <source>The re-run</source>
        <translation>重跑结果</translation>
    </message>
    <message>
        <location filename="../../app/ui/rerun_dialog.py" line="159"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../app/ui/rerun_dialog.py" line="164"/>
        <source>Not run yet</source>
        <translation>尚未重跑</translation>
    </message>
    <message>
        <location filename="../../app/ui/rerun_dialog.py" line="203"/>
        <source>{who}, under the edited rules (not saved)</source>
        <translation>{who}，按编辑后的规则（未保存）</translation>
    </message>
    <message>
        <location filename="../../app/ui/rerun_dialog.py" line="210"/>
        <source>A dry run: it would touch {n} document(s); nothing was changed.</source>
        <translation>演练：它会影响 {n} 条记录；实际没有改动任何数据。</translation>
    </message>
</context>
<context>
    <name>RowNavigator</name>
    <message>
        <location filename="../../app/ui/panes/database/row_navigator.py" line="23"/>
        <source>Go</source>
        <translation>跳转</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/row_navigator.py" line="28"/>
        <source>Go to row</source>
        <translation>跳到行</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/row_navigator.py" line="54"/>
        <source>No documents</source>
        <translation>没有记录</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/row_navigator.py" line="56"/>
        <source>Showing {first}–{last} of {total}</source>
        <translation>显示 {first}–{last}，共 {total} 条</translation>
    </message>
</context>
<context>
    <name>RulesEditor</name>
    <message>
        <location filename="../../app/ui/panes/rules_editor.py" line="67"/>
        <source>Templates</source>
        <translation>模板</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/rules_editor.py" line="73"/>
        <source>Apply rules</source>
        <translation>应用规则</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/rules_editor.py" line="155"/>
        <source>Click to put the cursor where the error is.</source>
        <translation>点击把光标移到出错的位置。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/rules_editor.py" line="83"/>
        <source>Security rules (JSON)</source>
        <translation>安全规则（JSON）</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/rules_editor.py" line="96"/>
        <source>All users can read; only the uploader can write</source>
        <translation>所有用户可读，仅上传者可读写</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/rules_editor.py" line="97"/>
        <source>Only the uploader can read and write</source>
        <translation>仅上传者可读写</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/rules_editor.py" line="98"/>
        <location filename="../../app/ui/panes/rules_editor.py" line="104"/>
        <source>All users can read; only admins can write</source>
        <translation>所有用户可读，仅管理员可写</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/rules_editor.py" line="99"/>
        <location filename="../../app/ui/panes/rules_editor.py" line="105"/>
        <source>Only admins can read and write</source>
        <translation>仅管理员可读写</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/rules_editor.py" line="102"/>
        <source>Only the creator can read and write</source>
        <translation>仅创建者可读写</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/rules_editor.py" line="103"/>
        <source>All users can read; only the creator can write</source>
        <translation>所有用户可读，仅创建者可读写</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/rules_editor.py" line="106"/>
        <source>Example: published notices</source>
        <translation>示例：已发布的公告</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/rules_editor.py" line="193"/>
        <source>The rules are saved and in force.</source>
        <translation>规则已保存并生效。</translation>
    </message>
</context>
<context>
    <name>SnapshotsModel</name>
    <message>
        <location filename="../../app/ui/panes/snapshots/models.py" line="22"/>
        <source>Named</source>
        <translation>命名快照</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/models.py" line="23"/>
        <source>Automatic checkpoint</source>
        <translation>自动检查点</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/models.py" line="24"/>
        <source>Start state</source>
        <translation>初始状态</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/models.py" line="39"/>
        <source>{name} ({why})</source>
        <translation>{name}（{why}）</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/models.py" line="51"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/models.py" line="51"/>
        <source>Saved at</source>
        <translation>保存时间</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/models.py" line="51"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/models.py" line="51"/>
        <source>Taken because</source>
        <translation>保存原因</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/models.py" line="52"/>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/models.py" line="52"/>
        <source>Documents / files</source>
        <translation>记录 / 文件</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/models.py" line="52"/>
        <source>Size on disk</source>
        <translation>占用空间</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/models.py" line="82"/>
        <source>{collections} collections, {documents} documents, {files} files ({bytes})</source>
        <translation>{collections} 个集合，{documents} 条记录，{files} 个文件（{bytes}）</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/models.py" line="86"/>
        <source>What this snapshot added on disk; files unchanged since an earlier snapshot are kept once.</source>
        <translation>这个快照新占用的磁盘空间；与之前快照相同的文件只保存一份。</translation>
    </message>
</context>
<context>
    <name>SnapshotsPane</name>
    <message>
        <location filename="../../app/ui/panes/snapshots/pane.py" line="45"/>
        <source>Snapshots</source>
        <translation>快照</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/pane.py" line="57"/>
        <source>e.g. before-lesson-2</source>
        <translation>例如 before-lesson-2</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/pane.py" line="60"/>
        <source>what this state is for (optional)</source>
        <translation>这个状态的用途（可不填）</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/pane.py" line="62"/>
        <source>Save snapshot</source>
        <translation>保存快照</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/pane.py" line="64"/>
        <source>Restore</source>
        <translation>恢复</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/pane.py" line="65"/>
        <source>Compare…</source>
        <translation>对比…</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/pane.py" line="66"/>
        <source>Export scenario file…</source>
        <translation>导出场景文件…</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/pane.py" line="67"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/pane.py" line="84"/>
        <source>Save the state now</source>
        <translation>保存当前状态</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/pane.py" line="86"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/pane.py" line="88"/>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/pane.py" line="94"/>
        <source>Snapshots and checkpoints, newest first</source>
        <translation>快照与检查点（最新的在前）</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/pane.py" line="99"/>
        <source>A snapshot keeps the documents, storage files, personas and permissions, not the code. Before a collection is deleted, an import replaces documents, or documents or files are deleted in bulk, a checkpoint is saved by itself (the last 20 are kept). Select two rows to compare them with each other.</source>
        <translation>快照保存数据库记录、云存储文件、角色和权限，不保存代码。删除集合、导入时覆盖记录、批量删除记录或文件之前，会自动保存一个检查点（保留最近 20 个）。选中两行可以互相对比。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/pane.py" line="170"/>
        <source>Select one snapshot in the list first.</source>
        <translation>请先在列表中选择一个快照。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/pane.py" line="184"/>
        <source>Saved the snapshot {name}.</source>
        <translation>已保存快照 {name}。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/pane.py" line="192"/>
        <source>Restore snapshot</source>
        <translation>恢复快照</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/pane.py" line="193"/>
        <source>Put the whole environment back as it was in {name}: documents, storage files, personas and permissions?

The state now is saved as an automatic checkpoint first, so you can undo this. Cloud function code does not change.</source>
        <translation>把整个环境恢复为快照 {name} 时的状态（数据库记录、云存储文件、角色和权限）？

恢复前会先把当前状态保存为一个自动检查点，可以撤销。云函数代码不会改变。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/pane.py" line="211"/>
        <source>Select one snapshot to compare with now, or two to compare with each other.</source>
        <translation>选择一个快照与现在对比，或选择两个快照互相对比。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/pane.py" line="232"/>
        <source>Export a scenario file</source>
        <translation>导出场景文件</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/pane.py" line="232"/>
        <source>wxsim scenario (*.wxsim)</source>
        <translation>wxsim 场景文件 (*.wxsim)</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/pane.py" line="242"/>
        <source>Exporting to {path}…</source>
        <translation>正在导出到 {path}…</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/pane.py" line="246"/>
        <source>Exported {documents} documents and {files} files to {path}. Open it with File → Open scenario file…, or give it to others.</source>
        <translation>已把 {documents} 条记录和 {files} 个文件导出到 {path}。可以用“文件 → 打开场景文件…”打开，也可以发给别人。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/pane.py" line="254"/>
        <source>Delete snapshot</source>
        <translation>删除快照</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/pane.py" line="255"/>
        <source>Delete the snapshot {name}? The data now does not change.</source>
        <translation>删除快照 {name}？现在的数据不会改变。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/pane.py" line="263"/>
        <source>Deleted the snapshot {name}.</source>
        <translation>已删除快照 {name}。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/pane.py" line="268"/>
        <source>Restored {name}. The state before is saved as the checkpoint {checkpoint}.</source>
        <translation>已恢复 {name}。恢复前的状态已保存为检查点 {checkpoint}。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/snapshots/pane.py" line="273"/>
        <source>The code of these cloud functions changed since, and a snapshot does not put code back: {functions}.</source>
        <translation>这些云函数的代码在那之后改过，快照不会恢复代码：{functions}。</translation>
    </message>
</context>
<context>
    <name>StoragePane</name>
    <message>
        <location filename="../../app/ui/panes/storage/pane.py" line="63"/>
        <source>Storage</source>
        <translation>存储</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/pane.py" line="90"/>
        <location filename="../../app/ui/panes/storage/pane.py" line="249"/>
        <source>Select a file to preview it.</source>
        <translation>选择一个文件即可预览。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/pane.py" line="111"/>
        <source>Permission</source>
        <translation>数据权限</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/pane.py" line="113"/>
        <source>Act as</source>
        <translation>操作身份</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/pane.py" line="116"/>
        <source>Upload…</source>
        <translation>上传…</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/pane.py" line="117"/>
        <source>Save as…</source>
        <translation>另存为…</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/pane.py" line="118"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/pane.py" line="119"/>
        <source>Copy fileID</source>
        <translation>复制 fileID</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/pane.py" line="120"/>
        <source>Copy temp URL</source>
        <translation>复制临时链接</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/pane.py" line="121"/>
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/pane.py" line="138"/>
        <source>Drop files here to upload them into the selected folder.</source>
        <translation>把文件拖到这里，即可上传到选中的文件夹。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/pane.py" line="384"/>
        <source>Copied a link valid until {until} ({hours} hours): {url}</source>
        <translation>已复制链接，有效期至 {until}（{hours} 小时）：{url}</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/pane.py" line="79"/>
        <source>Admin (console)</source>
        <translation>管理员（控制台）</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/pane.py" line="227"/>
        <location filename="../../app/ui/panes/storage/pane.py" line="327"/>
        <location filename="../../app/ui/panes/storage/pane.py" line="347"/>
        <source>Select a file first.</source>
        <translation>请先选择一个文件。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/pane.py" line="255"/>
        <location filename="../../app/ui/panes/storage/pane.py" line="275"/>
        <source>No preview for {type}.</source>
        <translation>{type} 类型的文件无法预览。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/pane.py" line="287"/>
        <source>Upload files</source>
        <translation>上传文件</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/pane.py" line="307"/>
        <source>Only files can be uploaded, not folders.</source>
        <translation>只能上传文件，不能上传文件夹。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/pane.py" line="322"/>
        <source>Uploaded {n} file(s).</source>
        <translation>已上传 {n} 个文件。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/pane.py" line="331"/>
        <source>Save as</source>
        <translation>另存为</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/pane.py" line="342"/>
        <source>Saved to {path}</source>
        <translation>已保存到 {path}</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/pane.py" line="349"/>
        <source>Delete file</source>
        <translation>删除文件</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/pane.py" line="349"/>
        <source>Delete {path}?</source>
        <translation>删除 {path}？</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/pane.py" line="362"/>
        <source>Deleted {path}</source>
        <translation>已删除 {path}</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/storage/pane.py" line="368"/>
        <source>Copied {id}</source>
        <translation>已复制 {id}</translation>
    </message>
</context>
<context>
    <name>SubscriptionsTable</name>
    <message>
        <location filename="../../app/ui/panes/messages/settings.py" line="159"/>
        <source>Template</source>
        <translation>模板</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/messages/settings.py" line="159"/>
        <source>Answers</source>
        <translation>回答</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/messages/settings.py" line="159"/>
        <source>Keep the choice</source>
        <translation>总是保持</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/messages/settings.py" line="160"/>
        <source>Sends left</source>
        <translation>剩余可发送</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/messages/settings.py" line="195"/>
        <source>Accept</source>
        <translation>允许</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/messages/settings.py" line="195"/>
        <source>Reject</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/messages/settings.py" line="195"/>
        <source>Ban</source>
        <translation>拒收</translation>
    </message>
</context>
<context>
    <name>TemplatesEditor</name>
    <message>
        <location filename="../../app/ui/panes/messages/settings.py" line="64"/>
        <location filename="../../app/ui/panes/messages/settings.py" line="78"/>
        <source>Template ID</source>
        <translation>模板 ID</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/messages/settings.py" line="64"/>
        <location filename="../../app/ui/panes/messages/settings.py" line="79"/>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/messages/settings.py" line="64"/>
        <location filename="../../app/ui/panes/messages/settings.py" line="80"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/messages/settings.py" line="64"/>
        <location filename="../../app/ui/panes/messages/settings.py" line="81"/>
        <source>Keywords</source>
        <translation>关键词</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/messages/settings.py" line="68"/>
        <location filename="../../app/ui/panes/messages/settings.py" line="110"/>
        <source>One-time</source>
        <translation>一次性</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/messages/settings.py" line="69"/>
        <location filename="../../app/ui/panes/messages/settings.py" line="110"/>
        <source>Long-term</source>
        <translation>长期</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/messages/settings.py" line="71"/>
        <source>One keyword a line: thing1 = 课程名称</source>
        <translation>每行一个关键词：thing1 = 课程名称</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/messages/settings.py" line="73"/>
        <source>Save template</source>
        <translation>保存模板</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/messages/settings.py" line="74"/>
        <source>New</source>
        <translation>新建</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/messages/settings.py" line="75"/>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
</context>
<context>
    <name>TimeTravelMenu</name>
    <message>
        <location filename="../../app/ui/time_travel.py" line="100"/>
        <source>Open scenario file…</source>
        <translation>打开场景文件…</translation>
    </message>
    <message>
        <location filename="../../app/ui/time_travel.py" line="101"/>
        <source>Open a .wxsim file in a new window, in a workspace of its own</source>
        <translation>在新窗口中打开 .wxsim 文件，使用单独的工作区</translation>
    </message>
    <message>
        <location filename="../../app/ui/time_travel.py" line="103"/>
        <source>Reset to start…</source>
        <translation>恢复初始状态…</translation>
    </message>
    <message>
        <location filename="../../app/ui/time_travel.py" line="104"/>
        <source>Put back the data, files, personas and permissions the workspace started with</source>
        <translation>恢复工作区创建时的数据、文件、角色和权限</translation>
    </message>
    <message>
        <location filename="../../app/ui/time_travel.py" line="110"/>
        <source>Reset to start</source>
        <translation>恢复初始状态</translation>
    </message>
    <message>
        <location filename="../../app/ui/time_travel.py" line="111"/>
        <source>Put the whole environment back as it was when this workspace was made (for the demo: its sample data)?

The state now is saved as an automatic checkpoint first, so you can undo this from the status bar or the Snapshots pane.</source>
        <translation>把整个环境恢复为工作区创建时的状态（示例项目即恢复示例数据）？

恢复前会先把当前状态保存为一个自动检查点，可以在状态栏或“快照”页撤销。</translation>
    </message>
    <message>
        <location filename="../../app/ui/time_travel.py" line="126"/>
        <source>Open a scenario file</source>
        <translation>打开场景文件</translation>
    </message>
    <message>
        <location filename="../../app/ui/time_travel.py" line="126"/>
        <source>wxsim scenario (*.wxsim)</source>
        <translation>wxsim 场景文件 (*.wxsim)</translation>
    </message>
    <message>
        <location filename="../../app/ui/time_travel.py" line="141"/>
        <source>Opening {file} in a new window…</source>
        <translation>正在新窗口中打开 {file}…</translation>
    </message>
    <message>
        <location filename="../../app/ui/time_travel.py" line="143"/>
        <source>Could not start wxsim for {file}.</source>
        <translation>无法为 {file} 启动 wxsim。</translation>
    </message>
</context>
<context>
    <name>Timeline</name>
    <message>
        <location filename="../../app/ui/rerun_dialog.py" line="73"/>
        <location filename="../../app/ui/rerun_dialog.py" line="131"/>
        <location filename="../../app/ui/rerun_dialog.py" line="200"/>
        <location filename="../../app/ui/timeline_model.py" line="278"/>
        <source>Admin</source>
        <translation>管理员</translation>
    </message>
    <message>
        <location filename="../../app/ui/rerun_dialog.py" line="53"/>
        <location filename="../../app/ui/rerun_dialog.py" line="72"/>
        <location filename="../../app/ui/rerun_dialog.py" line="130"/>
        <location filename="../../app/ui/rerun_dialog.py" line="201"/>
        <location filename="../../app/ui/timeline_model.py" line="279"/>
        <source>Signed out</source>
        <translation>未登录</translation>
    </message>
    <message>
        <location filename="../../app/ui/rerun_dialog.py" line="218"/>
        <location filename="../../app/ui/timeline_model.py" line="285"/>
        <source>Success</source>
        <translation>成功</translation>
    </message>
    <message>
        <location filename="../../app/ui/rerun_dialog.py" line="219"/>
        <location filename="../../app/ui/timeline_model.py" line="287"/>
        <source>Denied</source>
        <translation>被拒绝</translation>
    </message>
    <message>
        <location filename="../../app/ui/rerun_dialog.py" line="220"/>
        <location filename="../../app/ui/timeline_model.py" line="289"/>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
</context>
<context>
    <name>TimelineDetails</name>
    <message>
        <location filename="../../app/ui/timeline_details.py" line="18"/>
        <source>{who} succeeded: {why}</source>
        <translation>{who} 成功：{why}</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline_details.py" line="21"/>
        <source>{who} was denied: {why}</source>
        <translation>{who} 被拒绝：{why}</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline_details.py" line="24"/>
        <source>{who} failed: {why}</source>
        <translation>{who} 失败：{why}</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline_details.py" line="33"/>
        <source>{who} asked for {action} on {target}, from {source}</source>
        <translation>{who} 通过 {source} 请求 {action}，对象 {target}</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline_details.py" line="35"/>
        <source>{who} asked for {action}, from {source}</source>
        <translation>{who} 通过 {source} 请求 {action}</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline_details.py" line="39"/>
        <source>Why: {reason}</source>
        <translation>原因：{reason}</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline_details.py" line="44"/>
        <source>Error: {message}</source>
        <translation>错误：{message}</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline_details.py" line="46"/>
        <source>Request ID: {id}</source>
        <translation>请求 ID：{id}</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline_details.py" line="48"/>
        <source>Made inside request {id}</source>
        <translation>在请求 {id} 内发出</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline_details.py" line="55"/>
        <source>Request:</source>
        <translation>请求：</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline_details.py" line="56"/>
        <source>Answer:</source>
        <translation>返回：</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline_details.py" line="70"/>
        <source>Plan: index {name}</source>
        <translation>查询计划：使用索引 {name}</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline_details.py" line="71"/>
        <source>Plan: index {name} ({n} documents read)</source>
        <translation>查询计划：使用索引 {name}（扫描 {n} 条记录）</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline_details.py" line="74"/>
        <source>Plan: full scan</source>
        <translation>查询计划：全表扫描</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline_details.py" line="75"/>
        <source>Plan: full scan ({n} documents read)</source>
        <translation>查询计划：全表扫描（扫描 {n} 条记录）</translation>
    </message>
</context>
<context>
    <name>TimelineFilter</name>
    <message>
        <location filename="../../app/ui/timeline_model.py" line="355"/>
        <source>Shown for context: a request made inside it matches the filters.</source>
        <translation>作为上下文显示：在它内部发出的请求符合筛选条件。</translation>
    </message>
</context>
<context>
    <name>TimelineModel</name>
    <message>
        <location filename="../../app/ui/timeline_model.py" line="218"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline_model.py" line="219"/>
        <source>Persona</source>
        <translation>身份</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline_model.py" line="220"/>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline_model.py" line="221"/>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline_model.py" line="222"/>
        <source>Target</source>
        <translation>对象</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline_model.py" line="223"/>
        <source>Duration</source>
        <translation>耗时</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline_model.py" line="224"/>
        <source>Outcome</source>
        <translation>结果</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline_model.py" line="249"/>
        <source>Click to show the requests made inside it</source>
        <translation>点击展开在它里面发出的请求</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline_model.py" line="250"/>
        <source>Click to fold the requests made inside it</source>
        <translation>点击折叠在它里面发出的请求</translation>
    </message>
</context>
<context>
    <name>TimelineView</name>
    <message>
        <location filename="../../app/ui/timeline.py" line="71"/>
        <source>Pause timer triggers</source>
        <translation>暂停定时触发器</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline.py" line="73"/>
        <source>Timer triggers (such as dailyReport) fire no more until this is unticked; the choice is saved with the workspace.</source>
        <translation>定时触发器（如 dailyReport）暂停触发，直到取消勾选；此设置随工作区保存。</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline.py" line="76"/>
        <source>Clear</source>
        <translation>清空</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline.py" line="78"/>
        <source>Empty the timeline. The request log (events.jsonl) keeps every request for QA.</source>
        <translation>清空时间线。请求日志（events.jsonl）仍保留所有请求，供测试查阅。</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline.py" line="79"/>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline.py" line="80"/>
        <source>Save the rows shown, as JSON Lines or CSV.</source>
        <translation>将当前显示的行保存为 JSON Lines 或 CSV。</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline.py" line="104"/>
        <source>Click a request to see who asked, the verdict and why, then what was asked and answered.</source>
        <translation>点击一条请求，查看是谁发起的、结果及原因，以及请求内容和返回结果。</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline.py" line="107"/>
        <source>Re-run as…</source>
        <translation>以其他身份重跑…</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline.py" line="108"/>
        <source>Run this request again as another persona, signed out or as admin, beside the original. Nothing is changed.</source>
        <translation>以另一个角色、未登录访客或管理员的身份重跑这个请求，与原请求并排对照。不会改动任何数据。</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline.py" line="111"/>
        <source>What if…</source>
        <translation>假如规则是…</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline.py" line="112"/>
        <source>Run this request again under edited security rules, which are not saved.</source>
        <translation>按编辑后的安全规则重跑这个请求，规则不会保存。</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline.py" line="139"/>
        <source>Persona</source>
        <translation>身份</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline.py" line="140"/>
        <source>Service</source>
        <translation>服务</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline.py" line="141"/>
        <source>Outcome</source>
        <translation>结果</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline.py" line="180"/>
        <location filename="../../app/ui/timeline.py" line="183"/>
        <location filename="../../app/ui/timeline.py" line="192"/>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline.py" line="184"/>
        <source>Success</source>
        <translation>成功</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline.py" line="185"/>
        <source>Denied</source>
        <translation>被拒绝</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline.py" line="186"/>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline.py" line="229"/>
        <source>Export the rows shown</source>
        <translation>导出当前显示的行</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline.py" line="230"/>
        <source>JSON Lines (*.jsonl);;CSV (*.csv)</source>
        <translation>JSON Lines (*.jsonl);;CSV (*.csv)</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline.py" line="244"/>
        <source>Exported {n} request(s) to {path}</source>
        <translation>已导出 {n} 条请求到 {path}</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline.py" line="195"/>
        <source>Signed out</source>
        <translation>未登录</translation>
    </message>
    <message>
        <location filename="../../app/ui/timeline.py" line="196"/>
        <source>Admin</source>
        <translation>管理员</translation>
    </message>
</context>
<context>
    <name>Tour</name>
    <message>
        <location filename="../../app/ui/tour.py" line="24"/>
        <source>1 · Users and login</source>
        <translation>1 · 用户与登录</translation>
    </message>
    <message>
        <location filename="../../app/ui/tour.py" line="25"/>
        <source>Each persona is a WeChat user with a stable openid, and the toolbar switches who you act as. Click wx.login() and then code2Session to show how a mini program learns its user&apos;s openid.</source>
        <translation>每个身份都是一个拥有固定 openid 的微信用户，工具栏可切换当前身份。先点 wx.login()，再点 code2Session，演示小程序如何拿到用户的 openid。</translation>
    </message>
    <message>
        <location filename="../../app/ui/tour.py" line="30"/>
        <source>2 · Database</source>
        <translation>2 · 数据库</translation>
    </message>
    <message>
        <location filename="../../app/ui/tour.py" line="31"/>
        <source>Collections hold JSON documents, and each collection has one of four permission modes. Choose a persona under View as to show which documents that user gets, and why the others are hidden.</source>
        <translation>集合里存放 JSON 记录，每个集合有四种数据权限之一。在“查看身份”中选择一个身份，演示该用户能查到哪些记录，以及其余记录为何被隐藏。</translation>
    </message>
    <message>
        <location filename="../../app/ui/tour.py" line="36"/>
        <source>3 · Storage</source>
        <translation>3 · 存储</translation>
    </message>
    <message>
        <location filename="../../app/ui/tour.py" line="37"/>
        <source>Every file remembers the openid of the persona who uploaded it. Switch persona to show who may read or delete each file, or drop a file from the desktop to upload it.</source>
        <translation>每个文件都记录着上传者的 openid。切换身份，演示谁可以读取或删除各个文件；也可以从桌面拖入文件来上传。</translation>
    </message>
    <message>
        <location filename="../../app/ui/tour.py" line="42"/>
        <source>4 · Cloud functions</source>
        <translation>4 · 云函数</translation>
    </message>
    <message>
        <location filename="../../app/ui/tour.py" line="43"/>
        <source>The project&apos;s cloud functions run here without a network, with their logs and result. Run one as a persona and watch its own requests nest under it in the timeline.</source>
        <translation>项目里的云函数无需联网即可在这里运行，并显示日志和返回结果。以某个身份运行一个云函数，看它发出的请求如何嵌套在时间线中它的调用之下。</translation>
    </message>
    <message>
        <location filename="../../app/ui/tour.py" line="61"/>
        <source>Guided tour</source>
        <translation>导览</translation>
    </message>
</context>
<context>
    <name>TourDock</name>
    <message>
        <location filename="../../app/ui/tour.py" line="69"/>
        <source>Show me</source>
        <translation>带我去看</translation>
    </message>
    <message>
        <location filename="../../app/ui/tour.py" line="70"/>
        <source>Back</source>
        <translation>上一步</translation>
    </message>
    <message>
        <location filename="../../app/ui/tour.py" line="71"/>
        <location filename="../../app/ui/tour.py" line="106"/>
        <source>Next</source>
        <translation>下一步</translation>
    </message>
    <message>
        <location filename="../../app/ui/tour.py" line="103"/>
        <source>{n} of {total}</source>
        <translation>第 {n} 步，共 {total} 步</translation>
    </message>
    <message>
        <location filename="../../app/ui/tour.py" line="106"/>
        <source>Finish</source>
        <translation>完成</translation>
    </message>
</context>
<context>
    <name>TransferBar</name>
    <message>
        <location filename="../../app/ui/panes/database/transfer.py" line="67"/>
        <source>Import…</source>
        <translation>导入…</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/transfer.py" line="68"/>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/transfer.py" line="70"/>
        <source>Insert (existing _id is an error)</source>
        <translation>Insert（_id 已存在时报错）</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/transfer.py" line="71"/>
        <source>Upsert (existing _id is replaced)</source>
        <translation>Upsert（_id 已存在时替换）</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/transfer.py" line="72"/>
        <source>All or nothing</source>
        <translation>全部成功才导入</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/transfer.py" line="74"/>
        <source>If any line is bad, import nothing</source>
        <translation>只要有一行有误，就什么都不导入</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/transfer.py" line="89"/>
        <source>Import into the collection</source>
        <translation>导入到集合</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/transfer.py" line="90"/>
        <source>JSON Lines (*.json *.jsonl);;CSV (*.csv);;All files (*)</source>
        <translation>JSON Lines (*.json *.jsonl);;CSV (*.csv);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/transfer.py" line="101"/>
        <source>Select a collection to import into.</source>
        <translation>请先选择要导入的集合。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/transfer.py" line="121"/>
        <source>… and {n} more bad lines</source>
        <translation>……另有 {n} 行有误</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/transfer.py" line="123"/>
        <source>{n} _id(s) already existed and were skipped</source>
        <translation>{n} 个 _id 已存在，已跳过</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/transfer.py" line="124"/>
        <source>Imported {inserted} new and replaced {replaced} document(s).</source>
        <translation>新导入 {inserted} 条，替换 {replaced} 条记录。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/transfer.py" line="128"/>
        <source>Nothing was imported: the file has bad lines.</source>
        <translation>未导入任何记录：文件中有错误的行。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/transfer.py" line="137"/>
        <source>Select a collection to export.</source>
        <translation>请先选择要导出的集合。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/transfer.py" line="140"/>
        <source>Export the documents shown</source>
        <translation>导出显示的文档</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/transfer.py" line="141"/>
        <source>JSON Lines (*.json *.jsonl);;CSV (*.csv)</source>
        <translation>JSON Lines (*.json *.jsonl);;CSV (*.csv)</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/transfer.py" line="149"/>
        <source>Fields for CSV</source>
        <translation>CSV 字段</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/transfer.py" line="149"/>
        <source>Fields, comma separated:</source>
        <translation>字段（用逗号分隔）：</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/database/transfer.py" line="170"/>
        <source>Exported {n} document(s) to {path}</source>
        <translation>已导出 {n} 条记录到 {path}</translation>
    </message>
</context>
<context>
    <name>UndoOffer</name>
    <message>
        <location filename="../../app/ui/time_travel.py" line="45"/>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <location filename="../../app/ui/time_travel.py" line="46"/>
        <source>Put back the state saved in this checkpoint</source>
        <translation>恢复这个检查点保存的状态</translation>
    </message>
    <message>
        <location filename="../../app/ui/time_travel.py" line="50"/>
        <source>Hide this</source>
        <translation>隐藏</translation>
    </message>
    <message>
        <location filename="../../app/ui/time_travel.py" line="69"/>
        <source>Saved the checkpoint {checkpoint}</source>
        <translation>已保存检查点 {checkpoint}</translation>
    </message>
</context>
<context>
    <name>UsersModel</name>
    <message>
        <location filename="../../app/ui/models.py" line="49"/>
        <source>openid</source>
        <translation>openid</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="50"/>
        <source>Persona</source>
        <translation>身份</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="51"/>
        <source>First visit</source>
        <translation>首次访问</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="52"/>
        <source>Last visit</source>
        <translation>最近访问</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="53"/>
        <source>Visits</source>
        <translation>访问次数</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="68"/>
        <source>(deleted persona)</source>
        <translation>（已删除的身份）</translation>
    </message>
</context>
<context>
    <name>UsersPane</name>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="36"/>
        <source>Users</source>
        <translation>用户</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="49"/>
        <source>the code from wx.login(), or any text to try</source>
        <translation>wx.login() 返回的 code，也可以随便输入试试</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="73"/>
        <source>Personas</source>
        <translation>身份</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="77"/>
        <source>Add…</source>
        <translation>添加…</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="78"/>
        <source>Rename…</source>
        <translation>重命名…</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="79"/>
        <source>Colour…</source>
        <translation>颜色…</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="80"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="81"/>
        <source>Copy openid</source>
        <translation>复制 openid</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="100"/>
        <source>e.g. 13800138000; empty for the generated one</source>
        <translation>例如 13800138000；留空则用生成的号码</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="103"/>
        <source>Save number</source>
        <translation>保存号码</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="106"/>
        <source>getPhoneNumber button: allow</source>
        <translation>手机号按钮：允许</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="107"/>
        <source>getPhoneNumber button: deny</source>
        <translation>手机号按钮：拒绝</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="110"/>
        <source>Phone number:</source>
        <translation>手机号：</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="117"/>
        <source>Login: wx.login → code2Session</source>
        <translation>登录：wx.login → code2Session</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="118"/>
        <source>wx.cloud.init({traceUser: true})</source>
        <translation>wx.cloud.init({traceUser: true})</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="119"/>
        <source>wx.login()</source>
        <translation>wx.login()</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="120"/>
        <source>code2Session</source>
        <translation>code2Session</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="137"/>
        <source>Users (用户管理): visits recorded with traceUser, latest first</source>
        <translation>用户管理：通过 traceUser 记录的访问，最近访问在前</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="151"/>
        <location filename="../../app/ui/panes/users_pane.py" line="236"/>
        <location filename="../../app/ui/panes/users_pane.py" line="249"/>
        <source>Select a persona in the list first.</source>
        <translation>请先在列表中选择一个身份。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="155"/>
        <source>Add persona</source>
        <translation>添加身份</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="155"/>
        <source>Name:</source>
        <translation>名称：</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="164"/>
        <source>Rename persona</source>
        <translation>重命名身份</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="164"/>
        <source>New name (the openid stays the same):</source>
        <translation>新名称（openid 保持不变）：</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="174"/>
        <source>Persona colour</source>
        <translation>身份颜色</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="184"/>
        <source>Delete persona</source>
        <translation>删除身份</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="185"/>
        <source>Delete {name}? Data this user owns keeps its openid {openid}.</source>
        <translation>删除 {name}？该用户拥有的数据仍保留其 openid {openid}。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="196"/>
        <source>Copied the openid of {name}</source>
        <translation>已复制 {name} 的 openid</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="242"/>
        <source>{name}&apos;s phone number is now {number}.</source>
        <translation>{name} 的手机号现在是 {number}。</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="258"/>
        <source>As {name}:</source>
        <translation>以 {name} 身份：</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="258"/>
        <source>Signed out</source>
        <translation>未登录</translation>
    </message>
    <message>
        <location filename="../../app/ui/panes/users_pane.py" line="281"/>
        <source>Exchanged. Exchange the same code again to see WeChat refuse it.</source>
        <translation>换取成功。再用同一个 code 换取一次，可以看到微信如何拒绝。</translation>
    </message>
</context>
<context>
    <name>WelcomeDialog</name>
    <message>
        <location filename="../../app/ui/welcome.py" line="36"/>
        <source>Welcome to wxsim</source>
        <translation>欢迎使用 wxsim</translation>
    </message>
    <message>
        <location filename="../../app/ui/welcome.py" line="41"/>
        <source>wxsim simulates WeChat cloud development on this computer: three users, four services, no network.</source>
        <translation>wxsim 在这台电脑上模拟微信云开发：三个用户，四项服务，无需联网。</translation>
    </message>
    <message>
        <location filename="../../app/ui/welcome.py" line="45"/>
        <source>Three personas</source>
        <translation>三个身份</translation>
    </message>
    <message>
        <location filename="../../app/ui/welcome.py" line="46"/>
        <source>Four panes</source>
        <translation>四个页面</translation>
    </message>
    <message>
        <location filename="../../app/ui/welcome.py" line="60"/>
        <source>Take the guided tour</source>
        <translation>开始导览</translation>
    </message>
    <message>
        <location filename="../../app/ui/welcome.py" line="74"/>
        <source>A student with an openid of their own, and the one you act as when the app starts. What 学生A writes to a collection that only its creator may read, nobody else sees.</source>
        <translation>一名有自己 openid 的学生，也是应用启动时的当前身份。学生A 写入“仅创建者可读写”集合的数据，其他人都看不到。</translation>
    </message>
    <message>
        <location filename="../../app/ui/welcome.py" line="77"/>
        <source>A second student with a different openid. Switch to 学生B to show that one user cannot read or delete another user&apos;s data.</source>
        <translation>另一名学生，openid 与学生A 不同。切换到学生B，演示一个用户无法读取或删除另一个用户的数据。</translation>
    </message>
    <message>
        <location filename="../../app/ui/welcome.py" line="79"/>
        <source>A third user, handy as the teacher&apos;s account. The name gives no extra rights: only the console and cloud functions act as admin.</source>
        <translation>第三个用户，适合用作老师的账号。这个名字不带来额外权限：只有控制台和云函数以管理员身份操作。</translation>
    </message>
    <message>
        <location filename="../../app/ui/welcome.py" line="85"/>
        <source>Users</source>
        <translation>用户</translation>
    </message>
    <message>
        <location filename="../../app/ui/welcome.py" line="85"/>
        <source>The personas and the wx.login → code2Session walkthrough. The user list shows who visited with traceUser.</source>
        <translation>管理身份，并演示 wx.login → code2Session 的登录流程。用户列表显示通过 traceUser 记录的访问者。</translation>
    </message>
    <message>
        <location filename="../../app/ui/welcome.py" line="87"/>
        <source>Database</source>
        <translation>数据库</translation>
    </message>
    <message>
        <location filename="../../app/ui/welcome.py" line="87"/>
        <source>Collections, documents and a query bar that takes what a mini program writes. View as a persona to see what that user&apos;s query returns, and why.</source>
        <translation>集合、记录，以及可直接输入小程序查询代码的查询栏。以某个身份查看，即可看到该用户的查询结果及原因。</translation>
    </message>
    <message>
        <location filename="../../app/ui/welcome.py" line="90"/>
        <source>Storage</source>
        <translation>存储</translation>
    </message>
    <message>
        <location filename="../../app/ui/welcome.py" line="90"/>
        <source>Files with their owner and what the acting persona may read or delete. Drop files on it to upload them as that persona.</source>
        <translation>文件及其上传者，以及当前身份可以读取或删除哪些文件。把文件拖进来，即以该身份上传。</translation>
    </message>
    <message>
        <location filename="../../app/ui/welcome.py" line="92"/>
        <source>Functions</source>
        <translation>云函数</translation>
    </message>
    <message>
        <location filename="../../app/ui/welcome.py" line="92"/>
        <source>The project&apos;s cloud functions, run as a persona or as a console test. The result, the logs and the history show below the event.</source>
        <translation>项目里的云函数，可以某个身份运行，或作为控制台测试运行。返回结果、日志和调用记录显示在测试参数下方。</translation>
    </message>
</context>
</TS>
