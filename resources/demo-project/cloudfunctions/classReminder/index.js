// 上课提醒：给调用者发一条订阅消息。小程序端须先 wx.requestSubscribeMessage 并「允许」，
// 每次允许只能发送一条；没有订阅（或已用完）时微信回答 43101。
const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })

exports.main = async (event) => {
  const { OPENID } = cloud.getWXContext()
  try {
    return await cloud.openapi.subscribeMessage.send({
      touser: OPENID,
      templateId: 'Kq3oXmZ1CLsJ0m7XbR2k9VqT4fWnYp8dHa3eG6uZ1iK', // 上课提醒
      page: 'pages/index/index',
      data: {
        thing1: { value: event.course || '高等数学' }, // 课程名称
        time2: { value: event.time || '2024年9月2日 08:00' }, // 上课时间
        thing3: { value: event.room || '教学楼 A201' }, // 上课地点
        thing4: { value: '请提前 10 分钟到教室' } // 温馨提示
      }
    })
  } catch (e) {
    return e // { errCode, errMsg }，如 43101：用户没有订阅，或订阅次数已用完
  }
}
