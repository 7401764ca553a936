// 云函数模板：返回调用者的 openid。小程序调用时 event.userInfo 带着它；云端测试（无用户）、
// 定时触发和其他云函数的调用没有 event.userInfo，这时从 getWXContext() 读取（无用户时为 null）。
const cloud = require('wx-server-sdk')

exports.main = (event, context) => {
  console.log(event)
  console.log(context)

  // 可执行其他自定义逻辑
  // console.log 的内容可以在云开发云函数调用日志查看

  const openid = event.userInfo ? event.userInfo.openId : cloud.getWXContext().OPENID
  return {
    openid: openid || null,
  }
}
