// The mini program's wx.cloud calls other than the database (spec §1.3, §1.5–1.8): the
// `cloud.` errMsg prefix, callbacks or a Promise (§1.1), local file paths for storage.
// `cloud.send(action, params, service, apiConfig)` reaches the host (see wxsim-client.js).
'use strict'
const { TCB_ERR_CODE, HostError, clientError, clientFailure } = require('wxsim:sdk/errors')
const { settleClient, transferTask } = require('wxsim:sdk/convention')
const { uuid } = require('wxsim:sdk/transport')
const { wireFileList } = require('wxsim:sdk/server-api')

const CLIENT_UPLOAD_STATUS = 200

/** The base library's callFunction failures (the shapes app/core/functions/sdk.py gives). */
function callFunctionFailure (e) {
  if (!(e instanceof HostError) || e.local) return clientFailure('cloud.callFunction', e)
  const detail = e.detail
  if (e.code === -501000) {
    const callId = `${Date.now()}-${uuid().replace(/-/g, '').slice(0, 14)}`
    return clientError(-501000, `cloud.callFunction:fail Error: errCode: -501000  | errMsg: ${detail} (callId: ${callId})`)
  }
  const thrown = /^requestID ([0-9a-f-]+), ([\s\S]*)$/.exec(detail)
  if (thrown) {
    return clientError(-404011, `cloud.callFunction:fail requestID ${thrown[1]}, cloud function service error code ` +
      `${e.code}, error message ${thrown[2]}`)
  }
  return clientError(e.code, `cloud.callFunction:fail ${e.code} ${e.message}`)
}

function callFunction (cloud, options = {}) {
  return settleClient(options, async () => {
    cloud.check()
    if (typeof options.name !== 'string' || !options.name) throw new Error('parameter.name should be string')
    if (Object.prototype.hasOwnProperty.call(options, 'data') && (typeof options.data !== 'object' || Array.isArray(options.data))) {
      throw new Error('parameter.data should be object')
    }
    const params = { function_name: options.name, request_data: JSON.stringify(options.data || {}) }
    const res = await cloud.send('functions.invokeFunction', params, 'functions', options.config)
    let result = res.response_data
    try { result = JSON.parse(result) } catch (e) { /* the raw string, as the SDK falls back */ }
    return { errMsg: 'cloud.callFunction:ok', result, requestID: res.requestID || res.requestId || uuid() }
  }, callFunctionFailure)
}

function settle (cloud, api, options, run, task) {
  return settleClient(options, async () => { cloud.check(); return run() }, (e) => clientFailure(api, e), task)
}

function uploadFile (cloud, options = {}) {
  return settle(cloud, 'cloud.uploadFile', options, async () => {
    if (typeof options.filePath !== 'string' || !options.filePath) throw new Error('filePath must be the path of a local file')
    const params = { cloudPath: options.cloudPath, localPath: options.filePath }
    const res = await cloud.send('storage.uploadFile', params, 'storage', options.config)
    return { fileID: res.fileID, statusCode: CLIENT_UPLOAD_STATUS, errMsg: 'cloud.uploadFile:ok' }
  }, transferTask())
}

/** The file name's extension, as Python's PurePosixPath.suffix gives it (at most 16 chars). */
function suffixOf (fileID) {
  const name = String(fileID).split('/').pop()
  const dot = name.lastIndexOf('.')
  return dot > 0 && dot < name.length - 1 ? name.slice(dot, dot + 16) : ''
}

function downloadFile (cloud, options = {}) {
  return settle(cloud, 'cloud.downloadFile', options, async () => {
    const dir = cloud.tempDir()
    const sep = dir.includes('\\') && !dir.includes('/') ? '\\' : '/'
    const name = `wxsim-${uuid().replace(/-/g, '').slice(0, 16)}${suffixOf(options.fileID)}`
    const dest = dir.endsWith(sep) ? dir + name : dir + sep + name
    const res = await cloud.send('storage.downloadFile', { fileID: options.fileID, localPath: dest }, 'storage', options.config)
    return { tempFilePath: res.localPath || dest, statusCode: 200, errMsg: 'cloud.downloadFile:ok' }
  }, transferTask())
}

function checkList (list) {
  if (!Array.isArray(list) || !list.length) throw new Error('fileList must be a non-empty array')
}

function deleteFile (cloud, options = {}) {
  return settle(cloud, 'cloud.deleteFile', options, async () => {
    checkList(options.fileList)
    options.fileList.forEach((f, i) => {
      if (typeof f !== 'string') throw new Error(`Type of fileList[${i}] must be string instead of ${typeof f}`)
    })
    const res = await cloud.send('storage.batchDeleteFile', { fileid_list: options.fileList }, 'storage', options.config)
    const fileList = (res.delete_list || []).map((f) => ({
      fileID: f.fileID,
      ...(f.code === 'SUCCESS' ? { status: 0, errMsg: 'ok' } : { status: -1, errMsg: f.code })
    }))
    return { fileList, errMsg: 'cloud.deleteFile:ok' }
  })
}

function getTempFileURL (cloud, options = {}) {
  return settle(cloud, 'cloud.getTempFileURL', options, async () => {
    checkList(options.fileList)
    const params = { file_list: wireFileList(options.fileList) }
    const res = await cloud.send('storage.batchGetDownloadUrl', params, 'storage', options.config)
    const fileList = (res.download_list || []).map((f) => {
      const ok = f.code === 'SUCCESS'
      return {
        fileID: f.fileID,
        tempFileURL: ok ? f.tempFileURL : '',
        maxAge: f.maxAge,
        status: ok ? 0 : (TCB_ERR_CODE[f.code] || TCB_ERR_CODE.SYS_ERR),
        errMsg: ok ? 'ok' : f.code
      }
    })
    return { fileList, errMsg: 'cloud.getTempFileURL:ok' }
  })
}

module.exports = { callFunction, uploadFile, downloadFile, deleteFile, getTempFileURL, CLIENT_UPLOAD_STATUS }
