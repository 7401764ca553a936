// 把一段文字上传到云存储，并返回可以在浏览器里打开的临时链接
const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })

exports.main = async (event) => {
  const { OPENID } = cloud.getWXContext()
  const text = event.text || `来自 ${OPENID || '控制台'} 的笔记，${new Date().toISOString()}`
  const upload = await cloud.uploadFile({
    cloudPath: `notes/${OPENID || 'console'}-${Date.now()}.txt`,
    fileContent: Buffer.from(text, 'utf8'),
  })
  const links = await cloud.getTempFileURL({ fileList: [upload.fileID] })
  return { fileID: upload.fileID, url: links.fileList[0].tempFileURL }
}
