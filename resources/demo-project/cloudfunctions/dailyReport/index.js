// 定时触发器：每分钟统计一次未完成的待办（SOURCE 为 wx_trigger，没有 OPENID）
const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
const db = cloud.database()

exports.main = async () => {
  const { SOURCE } = cloud.getWXContext()
  const open = await db.collection('todos').where({ done: false }).count()
  console.log(`[${SOURCE}] 未完成的待办：${open.total} 条`)
  return { open: open.total, at: new Date().toISOString() }
}
