// Error codes, texts and shapes (spec §2.2): wx-server-sdk's CloudSDKError and toSDKError for
// the server, the base library's `<api>:fail …` errors for the mini program, and the bridge
// from the host's replies (`{code, message}` of a CloudError) to both.
'use strict'

// wx-server-sdk config/error.config.ts ERR_CODE (the texts app/core/errors.py also uses).
const ERR_TEXT = {
  '-1': 'unknown error',
  '-404011': 'cloud function execution error',
  '-501001': 'resource system error',
  '-501002': 'resource server timeout',
  '-501003': 'exceed request limit',
  '-501004': 'exceed concurrent request limit',
  '-501005': 'invalid env',
  '-501006': 'invalid common parameters',
  '-501007': 'invalid parameters',
  '-501008': 'invalid request source',
  '-501009': 'resource not initialized',
  '-502001': 'database request fail',
  '-502002': 'database invalid command',
  '-502003': 'database permission denied',
  '-502004': 'database exceed collection limit',
  '-502005': 'database collection not exists',
  '-503001': 'storage request fail',
  '-503002': 'storage permission denied',
  '-503003': 'storage file not exists',
  '-503004': 'storage invalid sign parameter',
  '-504001': 'functions request fail',
  '-504002': 'functions execute fail',
  '-601001': 'system error',
  '-601002': 'system args error',
  '-601003': 'system network error',
  '-601004': 'api permission denied',
  '-601005': 'invalid cloudID',
  '-601006': 'cloudID expired',
  '-601007': 'cloudID and calling user does not match',
  '-601008': 'server-side request timedout',
  '-601009': 'missing mobile phone',
  '-601010': 'no write permission',
  '-601011': 'no privilege permission',
  '-601012': 'unauthorized env',
  '-601013': 'no multiend permission',
  '-601015': 'access denied (cloudfunction cloudbase_auth returns empty errCode)',
  '-601016': 'missing env auth info',
  '-601017': 'access denied (cloudbase_auth returns non-zero errCode)',
  '-602001': 'database query result size exceed limit (1MB)',
  '-604001': 'cloudfunction result size exceed limit (1MB)',
  '-604100': 'API not found',
  '-604101': 'function has no permission to call this API',
  '-604102': 'call open API timeout',
  '-604103': 'call open API system error',
  '-604104': 'illegal source of invocation'
}

// The backend's string codes (tcb-wire §3.1), used per item in storage answers.
const TCB_ERR_CODE = {
  SUCCESS: 0,
  SYS_ERR: -501001,
  SERVER_TIMEOUT: -501002,
  EXCEED_REQUEST_LIMIT: -501003,
  EXCEED_CONCURRENT_REQUEST_LIMIT: -501004,
  INVALIID_ENV: -501005,
  INVALID_COMMON_PARAM: -501006,
  INVALID_PARAM: -501007,
  INVALID_REQUEST_SOURCE: -501008,
  RESOURCE_NOT_INITIAL: -501009,
  DATABASE_REQUEST_FAILED: -502001,
  DATABASE_INVALID_OPERRATOR: -502002,
  DATABASE_PERMISSION_DENIED: -502003,
  DATABASE_COLLECTION_EXCEED_LIMIT: -502004,
  DATABASE_COLLECTION_NOT_EXIST: -502005,
  STORAGE_REQUEST_FAIL: -503001,
  STORAGE_EXCEED_AUTHORITY: -503002,
  STORAGE_FILE_NONEXIST: -503003,
  STORAGE_SIGN_PARAM_INVALID: -503004,
  FUNCTIONS_REQUEST_FAIL: -504001,
  FUNCTIONS_EXECUTE_FAIL: -504002
}

/** A failure the host reported: a CloudError's code and its full text (`<text>. <detail>`). */
class HostError extends Error {
  constructor (code, message, local = false) {
    super(message)
    this.code = code
    this.local = local // raised by the SDK itself in the backend's words (e.g. 不能更新_id的值)
  }

  /** An SDK-side check that reports like the backend: `<code> <text>. <detail>`. */
  static local (code, detail) {
    return new HostError(code, `${ERR_TEXT[code] || ERR_TEXT['-1']}. ${detail}`, true)
  }

  /** The backend's own words, without the code's text that CloudError puts in front. */
  get detail () {
    const text = ERR_TEXT[this.code] || ERR_TEXT['-1'] // CloudError.text falls back the same way
    if (this.message === text) return ''
    return this.message.startsWith(text + '. ') ? this.message.slice(text.length + 2) : this.message
  }
}

/** wx-server-sdk's parameter-assertion error: errMsg is the bare reason, errCode -1. */
class CloudSDKError extends Error {
  constructor ({ errCode, errMsg }) {
    super(errMsg)
    this.errCode = errCode || -1
    this.errMsg = errMsg
    Object.defineProperty(this, 'message', {
      get () { return `errCode: ${this.errCode} ${ERR_TEXT[this.errCode] || ''} | errMsg: ` + this.errMsg },
      set (msg) { this.errMsg = msg },
      configurable: true
    })
  }
}

const isSDKError = (e) => !!e && e instanceof Error && typeof e.errMsg === 'string'

function withCode (error, errCode, errMsg) {
  error.errCode = errCode
  error.errMsg = errMsg === undefined ? error.message + '' : errMsg
  return error
}

/** toSDKError of wx-server-sdk (utils/error.ts), plus the host's failures. */
function serverFailure (api, e) {
  const prefix = `${api}:fail `
  if (e instanceof HostError) return withCode(new Error(`${prefix}${e.code} ${e.message}`), e.code)
  if (isSDKError(e)) return e
  if (e instanceof Error) {
    e.message = prefix + e.message
    if (typeof e.stack === 'string') e.stack = e.stack.slice(0, 7) + prefix + e.stack.slice(7)
    return withCode(e, -1)
  }
  if (typeof e === 'string') return withCode(new Error(prefix + e), -1)
  if (e && typeof e === 'object') {
    const text = ERR_TEXT[e.errCode] || ''
    return withCode(new Error(`${api}:fail ${e.errCode} ${text}. ${e.errMsg || ''}`), e.errCode || -1)
  }
  return withCode(new Error(`${api}:fail`), -1)
}

/** A mini program failure: Error-like with errCode/errMsg; prints like the base library's. */
function clientError (errCode, errMsg) {
  const error = new Error(`errCode: ${errCode} ${ERR_TEXT[errCode] || ''} | errMsg: ${errMsg}`)
  error.errCode = errCode
  error.errMsg = errMsg
  error.wxsimShaped = true
  return error
}

/**
 * The client's `<api>:fail …`: a backend error reads
 * `collection.get:fail -502003 database permission denied | errMsg: <detail>`.
 */
function clientFailure (api, e) {
  if (e && e.wxsimShaped) return e
  if (e instanceof HostError && e.local) return clientError(e.code, `${api}:fail ${e.code} ${e.message}`)
  if (e instanceof HostError) {
    const detail = e.detail
    const text = ERR_TEXT[e.code] || ERR_TEXT['-1']
    return clientError(e.code, `${api}:fail ${e.code} ${text}` + (detail ? ` | errMsg: ${detail}` : ''))
  }
  if (e instanceof CloudSDKError) return clientError(e.errCode, `${api}:fail ${e.errMsg}`)
  if (e instanceof Error) return clientError(typeof e.errCode === 'number' ? e.errCode : -1, `${api}:fail ${e.message}`)
  return clientError(-1, `${api}:fail ${typeof e === 'string' ? e : String(e)}`)
}

// --- wx-server-sdk utils/assert.ts -------------------------------------------------------------

const typeOf = (x) => Object.prototype.toString.call(x).slice(8, -1).toLowerCase()

/** '' when `input` matches `ref` ('string', {data: 'object'}, …), else the SDK's reason text. */
function typeMismatch (input, ref, name = 'parameter') {
  const inputType = typeOf(input)
  const refType = typeOf(ref)
  if (refType === 'string') return inputType !== ref ? `${name} should be ${ref} instead of ${inputType};` : ''
  if (inputType !== refType) return `${name} should be ${refType} instead of ${inputType}; `
  let errors = ''
  if (inputType === 'object') for (const key in ref) errors += typeMismatch(input[key], ref[key], `${name}.${key}`)
  if (inputType === 'array') for (let i = 0; i < ref.length; i++) errors += typeMismatch(input[i], ref[i], `${name}[${i}]`)
  return errors
}

function assertType (param, ref, name = 'parameter') {
  const reason = typeMismatch(param, ref, name)
  if (reason) throw new CloudSDKError({ errMsg: reason })
}

function assertObjectNotEmpty (target, name) {
  if (Object.keys(target).length === 0) throw new CloudSDKError({ errMsg: `${name} must not be empty` })
}

function assertRequiredParam (param, name, funcName) {
  if (param === undefined || param === null) {
    throw new CloudSDKError({ errMsg: `parameter ${name} of function ${funcName} must be provided` })
  }
}

const OFFLINE_CODE = -604100

/** What every cloud-only API (openapi, CDN, open data…) answers in wxsim. */
function offlineReason (name) {
  return `${name} is not available offline in wxsim`
}

module.exports = {
  ERR_TEXT,
  TCB_ERR_CODE,
  HostError,
  CloudSDKError,
  isSDKError,
  serverFailure,
  clientError,
  clientFailure,
  typeMismatch,
  assertType,
  assertObjectNotEmpty,
  assertRequiredParam,
  OFFLINE_CODE,
  offlineReason
}
