// 发表评论前先做内容安全检查：1.0 版遇到风险内容直接抛出 87014；
// 2.0 版总是成功返回，结论在 result.suggest（risky / review / pass）里。
// 工作区的词表（云调用面板里可以编辑）默认有“违禁示例”和“待审示例”。
const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })

exports.main = async (event) => {
  const { OPENID } = cloud.getWXContext()
  const content = event.text || '你好'
  let v1
  try {
    v1 = await cloud.openapi.security.msgSecCheck({ content })
  } catch (err) {
    v1 = { errCode: err.errCode, errMsg: err.errMsg }
  }
  const v2 = await cloud.openapi.security.msgSecCheck({ content, version: 2, scene: 2, openid: OPENID })
  return { v1, v2: { suggest: v2.result.suggest, label: v2.result.label, detail: v2.detail } }
}
