// The mini program's `wx.cloud` (spec §1) for code run as a signed-in user (`wxsim run-client`).
// The host answers its calls as that user (a client Caller: permissions, `_openid`, limit 20).
//
//   const client = require('wxsim-client')
//   client.install({ env, init: { traceUser: true }, tempDir })  // globalThis.wx
//   const outcome = await client.runMain(() => userModule.main())    // {ok, value} | {ok:false, errCode, errMsg}
//
// wx.cloud.init({env, traceUser}) (first call wins) sends `auth.initCloud {traceUser}`; the host
// should make every later request of this run carry Caller.trace_user = traceUser. wx.login()
// sends `auth.wxLogin {}` and resolves {errMsg: 'login:ok', code}.
'use strict'
const { Database } = require('wxsim:sdk/database')
const { clientError, clientFailure, OFFLINE_CODE, offlineReason } = require('wxsim:sdk/errors')
const { settleClient } = require('wxsim:sdk/convention')
const transport = require('wxsim:sdk/transport')
const api = require('wxsim:sdk/client-api')
const { requestSubscribeMessage } = require('wxsim:sdk/subscribe')
const opendata = require('wxsim:sdk/client-opendata')

const NOT_INITED = "Cloud API isn't enabled, please call wx.cloud.init() first"
const MISSING = (id) => `document.get:fail document.get:fail cannot find document with _id ${id}, ` +
  'please make sure that the document exists and you have the corresponding Read permission'

class WxCloud {
  /** `defaults`: {env, tempDir} from install(); `instance`: new wx.cloud.Cloud({resourceEnv, traceUser}). */
  constructor (defaults, instance) {
    this._defaults = defaults || {}
    this._instance = instance
    this._inited = false
    this._env = undefined
    this._ready = Promise.resolve()
    if (instance && !instance.resourceEnv) throw new Error('missing resourceEnv')
    const self = this
    this.Cloud = function (options) { return new WxCloud(self._defaults, options || {}) }
  }

  init (options = {}) {
    if (this._instance) {
      if (!this._inited) this._start(this._instance.resourceEnv, this._instance.traceUser)
      return this._ready
    }
    if (this._inited) return // only the first call takes effect (spec §1.2)
    this._start(options.env, options.traceUser)
  }

  _start (env, traceUser) {
    this._inited = true
    this._env = env
    const params = { traceUser: Boolean(traceUser) }
    // The visit is recorded by the host; a host without auth.initCloud is no reason to fail.
    this._ready = transport.send('auth.initCloud', params, this._envFor('default')).then(() => {}, () => {})
  }

  check () {
    if (!this._inited) throw new Error(NOT_INITED)
  }

  _envFor (service, apiConfig) {
    if (apiConfig && typeof apiConfig.env === 'string') return apiConfig.env
    const env = this._env
    if (typeof env === 'string' && env) return env
    if (env && typeof env === 'object' && typeof env[service] === 'string') return env[service]
    return this._defaults.env
  }

  async send (action, params, service, apiConfig) {
    await this._ready
    return transport.send(action, params, this._envFor(service, apiConfig))
  }

  tempDir () {
    const env = process.env
    return this._defaults.tempDir || env.WXSIM_TMPDIR || env.TMPDIR || env.TEMP || env.TMP || '/tmp'
  }

  database (options = {}) {
    this.check()
    const cloud = this
    const side = {
      client: true,
      limits: { default: 20, max: 20 },
      send: (action, params, env) => cloud.send(action, params, 'database', env ? { env } : undefined),
      settle: (apiName, opts, run) => settleClient(opts, run, (e) => clientFailure(apiName, e)),
      missingDocument: (id) => clientError(-1, MISSING(id))
    }
    return new Database(side, options || {})
  }

  callFunction (options) { return api.callFunction(this, options) }
  uploadFile (options) { return api.uploadFile(this, options) }
  downloadFile (options) { return api.downloadFile(this, options) }
  deleteFile (options) { return api.deleteFile(this, options) }
  getTempFileURL (options) { return api.getTempFileURL(this, options) }
  CloudID (id) { return opendata.cloudID(id) }

  // Cloud-only features: they need WeChat's servers.
  CDN () { throw offlineError('wx.cloud.CDN') }
  callContainer (options = {}) { return offlineCall('cloud.callContainer', options) }
  connectContainer (options = {}) { return offlineCall('cloud.connectContainer', options) }
}

function offlineError (name) {
  return clientError(OFFLINE_CODE, `${name.replace(/^wx\./, '')}:fail ${offlineReason(name)}`)
}

function offlineCall (apiName, options) {
  return settleClient(options, async () => { throw offlineError('wx.' + apiName) }, (e) => e)
}

/** A fresh `wx` with `wx.cloud` (and wx.login); `defaults.env` is used until init names one. */
function createWx (defaults = {}) {
  const cloud = new WxCloud(defaults)
  const login = (options = {}) => settleClient(options, async () => {
    const res = await transport.send('auth.wxLogin', {})
    return { errMsg: 'login:ok', code: res.code }
  }, (e) => clientFailure('login', e))
  const { simulateGetPhoneNumber, getWeRunData } = opendata
  return { cloud, login, requestSubscribeMessage, simulateGetPhoneNumber, getWeRunData }
}

/** Installs `globalThis.wx` (and initialises wx.cloud when `options.init` is given). */
function install (options = {}) {
  const wx = createWx({ env: options.env, tempDir: options.tempDir })
  if (options.init) wx.cloud.init({ env: options.env, ...options.init })
  globalThis.wx = wx
  return wx
}

/** Runs a mini program entry and reports how it ended in JSON terms, for `wxsim run-client`. */
async function runMain (fn, ...args) {
  try {
    const value = await fn(...args)
    return { ok: true, value: value === undefined ? null : value }
  } catch (e) {
    const errCode = e && typeof e.errCode === 'number' ? e.errCode : -1
    const errMsg = e && typeof e.errMsg === 'string' ? e.errMsg : String(e && e.message !== undefined ? e.message : e)
    return { ok: false, errCode, errMsg, stack: e && e.stack ? String(e.stack) : '' }
  }
}

module.exports = { createWx, install, runMain, WxCloud }
