// 云函数调用云函数：SOURCE 会变成 "wx_client,scf"，OPENID 沿用最初的调用者
const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })

exports.main = async () => {
  const res = await cloud.callFunction({ name: 'login', data: {} })
  return { login: res.result, context: cloud.getWXContext() }
}
