// 生成一张分享海报用的小程序码：scene 带上邀请人，扫码后页面从 query.scene 里读出来
// （记得 decodeURIComponent）。图片存进云存储，返回 fileID 和临时链接。
// 云调用要在 config.json 的 permissions.openapi 里声明 wxacode.getUnlimited。
const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })

exports.main = async (event) => {
  const { OPENID } = cloud.getWXContext()
  const scene = event.scene || `from=${(OPENID || 'console').slice(-12)}`
  const code = await cloud.openapi.wxacode.getUnlimited({ scene, page: 'pages/index/index', width: 430 })
  const upload = await cloud.uploadFile({
    cloudPath: `posters/${scene.replace(/[^0-9A-Za-z_-]/g, '_')}.png`,
    fileContent: code.buffer,
  })
  const links = await cloud.getTempFileURL({ fileList: [upload.fileID] })
  return { scene, contentType: code.contentType, fileID: upload.fileID, url: links.fileList[0].tempFileURL }
}
