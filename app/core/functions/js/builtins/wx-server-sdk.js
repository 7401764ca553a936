// wx-server-sdk for cloud functions in wxsim: the 4.x API (spec §2) over host calls in the
// backend's vocabulary (tcb-wire §4, §5). No network: each call is one `wxsim:host` action.
//
// Per invocation the host sets process.env as SCF does (tcb-wire §2.3), and getWXContext()
// reads it: WX_CONTEXT_KEYS (comma list, e.g. WX_OPENID,WX_APPID,WX_UNIONID,WX_CLIENTIP,
// WX_CLIENTIPV6), the variables it names, TCB_ENV (or SCF_NAMESPACE) and TCB_SOURCE.
// DYNAMIC_CURRENT_ENV and init() without env mean TCB_ENV || SCF_NAMESPACE.
'use strict'

function load (name) {
  try {
    return require('wxsim:sdk/' + name)
  } catch (e) {
    if (e && e.code === 'MODULE_NOT_FOUND' && /wxsim:sdk\//.test(e.message)) {
      throw new Error('wxsim: the SDK shim needs its shared modules: register every js/sdk/<name>.js ' +
        "as the built-in 'wxsim:sdk/<name>' next to 'wx-server-sdk' (JsPool(builtins=…))")
    }
    throw e
  }
}

const { isObject } = load('types')
const { Database } = load('database')
const { CloudSDKError, serverFailure } = load('errors')
const { settleServer } = load('convention')
const transport = load('transport')
const api = load('server-api')
const openapi = load('openapi')
const opendata = load('opendata')

const VERSION = '4.0.2' // the wx-server-sdk release whose behaviour this follows
const DYNAMIC_CURRENT_ENV = Symbol.for('SYMBOL_CURRENT_ENV')
const NOT_INITED = "Cloud API isn't enabled, please call init first\n" +
  '请先调用 init 完成初始化后再调用其他云 API。init 方法可传入一个对象用于设置默认配置，详见文档。'

const currentEnv = () => process.env.TCB_ENV || process.env.SCF_NAMESPACE
const resolveEnv = (env) => (typeof env === 'string' && env ? env : currentEnv())

class Cloud {
  constructor (options) {
    this.inited = false
    this.config = { env: {} }
    this.isCloudInstance = !!options
    if (options) {
      this.instanceOptions = JSON.parse(JSON.stringify(options))
      if (!options.resourceEnv) throw new Error('missing resourceEnv')
    }
    this.exportAPI = this.buildAPI()
  }

  check () {
    if (!this.inited) throw new CloudSDKError({ errMsg: NOT_INITED })
  }

  guard (fn) {
    return (...args) => { this.check(); return fn(...args) }
  }

  /** The env of a service: the call's `config.env`, else init's (`{database,…,default}`). */
  envFor (service, apiConfig) {
    if (apiConfig && apiConfig.env) return resolveEnv(apiConfig.env)
    if (this.isCloudInstance) return this.instanceOptions.resourceEnv
    const envs = this.config.env || {}
    return resolveEnv(envs[service] || envs.default)
  }

  send (action, params, service, apiConfig) {
    return transport.send(action, params, this.envFor(service, apiConfig))
  }

  setConfig (config) {
    this.config = { ...config, env: isObject(config.env) ? config.env : { default: config.env } }
  }

  database (config = {}) {
    const cloud = this
    const side = {
      client: false,
      limits: { default: 100, max: 1000 },
      send: (action, params, env) =>
        transport.send(action, params, env && !cloud.isCloudInstance ? resolveEnv(env) : cloud.envFor('database')),
      settle: (apiName, options, run) => settleServer(options, run, (e) => serverFailure(apiName, e)),
      cloudConfig: () => cloud.config
    }
    return new Database(side, config || {})
  }

  buildAPI () {
    const cloud = this
    const offline = (name) => this.guard(() => api.offline(name, `cloud.${name}`))
    const exported = {
      version: VERSION,
      get DYNAMIC_CURRENT_ENV () { return DYNAMIC_CURRENT_ENV },
      init: this.isCloudInstance
        ? async () => { cloud.inited = true }
        : (config = {}) => {
            if (cloud.inited) return
            cloud.inited = true
            cloud.setConfig(config)
          },
      updateConfig: (config = {}) => cloud.setConfig(config),
      Cloud: function (options) { return new Cloud(options).exportAPI },
      createNewInstance: (config) => {
        const instance = new Cloud()
        instance.exportAPI.init(config)
        return instance.exportAPI
      },
      getWXContext,
      database: this.guard((config) => cloud.database(config)),
      callFunction: this.guard((options) => api.callFunction(cloud, options)),
      uploadFile: this.guard((options) => api.uploadFile(cloud, options)),
      downloadFile: this.guard((options) => api.downloadFile(cloud, options)),
      getTempFileURL: this.guard((options) => api.getTempFileURL(cloud, options)),
      deleteFile: this.guard((options) => api.deleteFile(cloud, options)),
      logger: this.guard(() => api.logger()),
      callOpenAPI: offline('callOpenAPI'),
      getOpenData: this.guard((options) => opendata.getOpenData(cloud, options)),
      getVoIPSign: offline('getVoIPSign'),
      getCloudCallSign: offline('getCloudCallSign'),
      openapi: openapi.namespace(cloud, () => cloud.check()),
      cloudPay: api.offlineNamespace('cloudPay', () => cloud.check())
    }
    return exported
  }
}

const BLACKLIST = ['API_TOKEN', 'TRIGGER_API_TOKEN_V0']

/** The caller's identity, from the invocation's env exactly as wx-server-sdk reads it. */
function getWXContext () {
  const context = {}
  const keys = process.env.WX_CONTEXT_KEYS
  if (!keys) return context
  for (const key of keys.split(',')) {
    if (!key || BLACKLIST.some((b) => b === key || 'WX_' + b === key)) continue
    let value = process.env[key]
    if (value === undefined) continue
    if (/^[-]?\d+$/.test(value)) value = parseInt(value)
    if (key.startsWith('WX_') && key.length > 3) context[key.slice(3)] = value
    else context[key] = value
  }
  context.ENV = process.env.TCB_ENV || process.env.SCF_NAMESPACE
  if (process.env.TCB_SOURCE) context.SOURCE = process.env.TCB_SOURCE
  return context
}

module.exports = new Cloud().exportAPI
