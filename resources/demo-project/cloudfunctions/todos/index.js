// 待办事项的增删改查：演示 db.command 与权限（云函数以管理员身份运行）
const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
const db = cloud.database()
const _ = db.command

exports.main = async (event) => {
  const { OPENID } = cloud.getWXContext()
  const todos = db.collection('todos')
  switch (event.action) {
    case 'add':
      // 云函数写入不会自动带上 _openid，需要自己写
      return todos.add({ data: { _openid: OPENID, title: event.title, done: false, progress: 0, createdAt: db.serverDate() } })
    case 'progress':
      return todos.doc(event.id).update({ data: { progress: _.inc(event.step || 10) } })
    case 'done':
      return todos.where({ _openid: OPENID, progress: _.gte(100) }).update({ data: { done: true } })
    case 'remove':
      return todos.doc(event.id).remove()
    case 'stats': {
      const open = await todos.where({ done: false }).count()
      const mine = await todos.where({ _openid: OPENID }).count()
      return { open: open.total, mine: mine.total }
    }
    default: {
      const res = await todos.where({ _openid: OPENID }).orderBy('progress', 'desc').limit(event.limit || 10).get()
      console.log(`找到 ${res.data.length} 条待办`)
      return res.data
    }
  }
}
