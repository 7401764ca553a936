// wx-server-sdk's non-database APIs (spec §2.3, §2.5): callFunction, the storage calls, logger,
// and the cloud-only APIs that cannot work offline. `cloud.send(action, params, service,
// apiConfig)` reaches the host with the env of that service.
'use strict'
const { getType } = require('wxsim:sdk/types')
const { settleServer } = require('wxsim:sdk/convention')
const { uuid } = require('wxsim:sdk/transport')
const {
  ERR_TEXT, TCB_ERR_CODE, HostError, serverFailure, assertType, OFFLINE_CODE, offlineReason
} = require('wxsim:sdk/errors')

const SERVER_UPLOAD_STATUS = -1 // what wx-server-sdk reports in every version (tcb-wire §6)

function settle (api, options, run) {
  return settleServer(options, async () => {
    if (!options) throw `Params for ${api} must be an object instead of ${typeof options}` // eslint-disable-line no-throw-literal
    return run()
  }, (e) => serverFailure(api, e))
}

/** JSON.parse when it parses, the raw value otherwise (node-sdk, then wx-server-sdk again). */
function parsed (value) {
  if (typeof value !== 'string') return value
  try { return JSON.parse(value) } catch (e) { return value }
}

function callFunction (cloud, options) {
  return settle('callFunction', options, async () => {
    assertType(options, { name: 'string' })
    if (Object.prototype.hasOwnProperty.call(options, 'data')) assertType(options, { data: 'object' })
    const params = { function_name: options.name, request_data: JSON.stringify(options.data || {}) }
    const res = await cloud.send('functions.invokeFunction', params, 'functions', options.config)
    return { result: parsed(parsed(res.response_data)), errMsg: 'callFunction:ok', requestID: res.requestID || res.requestId || uuid() }
  })
}

const isBytes = (x) => x instanceof Uint8Array

function uploadFile (cloud, options) {
  return settle('uploadFile', options, async () => {
    assertType(options, { cloudPath: 'string' })
    const content = options.fileContent
    if (!content || !isBytes(content)) throw new Error(`Type of fileContent must be fs.ReadStream instead of ${typeof content}`)
    const params = { cloudPath: options.cloudPath, contentBase64: Buffer.from(content).toString('base64') }
    const res = await cloud.send('storage.uploadFile', params, 'storage', options.config)
    return { fileID: res.fileID, statusCode: SERVER_UPLOAD_STATUS, errMsg: 'uploadFile:ok' }
  })
}

function downloadFile (cloud, options) {
  return settle('downloadFile', options, async () => {
    assertType(options, { fileID: 'string' })
    const res = await cloud.send('storage.downloadFile', { fileID: options.fileID }, 'storage', options.config)
    return { fileContent: Buffer.from(res.contentBase64 || '', 'base64'), statusCode: 200, errMsg: 'downloadFile:ok' }
  })
}

function checkFileList (list) {
  assertType({ fileList: list }, { fileList: 'array' })
  if (!list.length) throw new Error('fileList must be a non-empty array')
}

/** A backend per-item code ('SUCCESS', 'STORAGE_FILE_NONEXIST', …) as the server SDK reports it. */
function itemStatus (code) {
  if (!code || TCB_ERR_CODE[code] === 0) return { status: 0, errMsg: 'ok' }
  const status = TCB_ERR_CODE[code] || TCB_ERR_CODE.SYS_ERR
  return { status, errMsg: ERR_TEXT[status] || ERR_TEXT['-1'] }
}

function deleteFile (cloud, options) {
  return settle('deleteFile', options, async () => {
    checkFileList(options.fileList)
    options.fileList.forEach((f, i) => {
      if (typeof f !== 'string') throw new Error(`Type of fileList[${i}] must be string instead of ${typeof f}`)
    })
    const res = await cloud.send('storage.batchDeleteFile', { fileid_list: options.fileList }, 'storage', options.config)
    const fileList = (res.delete_list || []).filter(Boolean).map((f) => ({ fileID: f.fileID, ...itemStatus(f.code) }))
    return { fileList, errMsg: 'deleteFile:ok' }
  })
}

/** getTempFileURL items on the wire: strings or {fileID, maxAge}. */
function wireFileList (list) {
  return list.map((item, i) => {
    if (typeof item === 'string') return { fileid: item }
    if (getType(item) === 'object' && typeof item.fileID === 'string') return { fileid: item.fileID, max_age: item.maxAge }
    throw new Error(`fileList[${i}] must be a fileID string or an object with fileID and maxAge`)
  })
}

function getTempFileURL (cloud, options) {
  return settle('getTempFileURL', options, async () => {
    checkFileList(options.fileList)
    const params = { file_list: wireFileList(options.fileList) }
    const res = await cloud.send('storage.batchGetDownloadUrl', params, 'storage', options.config)
    const fileList = (res.download_list || []).filter(Boolean).map((f) => {
      const status = itemStatus(f.code)
      return { fileID: f.fileID, ...status, maxAge: f.maxAge, tempFileURL: status.status === 0 ? f.tempFileURL : '' }
    })
    return { fileList, errMsg: 'getTempFileURL:ok' }
  })
}

// --- what needs the real WeChat servers ----------------------------------------------------

/** A rejection for an API wxsim cannot offer: errCode -604100 (API not found). */
function offline (api, name) {
  return Promise.reject(serverFailure(api, HostError.local(OFFLINE_CODE, offlineReason(name))))
}

/**
 * `cloud.openapi` / `cloud.cloudPay`: any path is callable (`cloud.openapi.subscribeMessage.send(…)`),
 * and calling the namespace with options (`cloud.openapi({appid})`) gives it back, as the SDK's
 * Proxy does. Every call rejects: these go to WeChat's servers, which wxsim does not have.
 */
function offlineNamespace (namespace, guard) {
  const callable = (paths) => new Proxy(function () {}, {
    get (target, prop) {
      if (prop === 'toJSON') return () => ({})
      if (typeof prop === 'symbol' || prop === 'then') return undefined // not a thenable, not inspectable
      return callable([...paths, prop])
    },
    apply () {
      guard()
      const api = [namespace, ...paths].join('.')
      return offline(api, `cloud.${api}`)
    }
  })
  const root = new Proxy(function () {}, {
    get (target, prop) {
      if (prop === 'toJSON') return () => ({})
      if (typeof prop === 'symbol' || prop === 'then') return undefined
      return callable([prop])
    },
    apply (target, thisArg, args) {
      if (!args[0] || getType(args[0]) !== 'object') throw new Error('an options object is expected')
      return root
    }
  })
  return root
}

/** cloud.logger(): structured logs go to the console with their level (node-sdk's fallback). */
function logger () {
  const log = (level) => (msg) => {
    if (getType(msg) !== 'object') {
      const error = new Error('log msg must be an object')
      error.code = 'INVALID_PARAM'
      throw error
    }
    console[level]({ ...msg })
  }
  return { log: log('log'), info: log('info'), warn: log('warn'), error: log('error') }
}

module.exports = {
  callFunction,
  uploadFile,
  downloadFile,
  deleteFile,
  getTempFileURL,
  offline,
  offlineNamespace,
  logger,
  parsed,
  wireFileList
}
