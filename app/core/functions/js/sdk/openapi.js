// `cloud.openapi`: cloud calls as wx-server-sdk 4.0.2 makes them (openapi.md §1): any path is
// callable, parameters go camelCase → snake_case, results come back snake_case → camelCase with
// `errMsg`/`errCode` appended, and failures take the SDK's three shapes (E1 WeChat's errcode,
// E2 the platform's -6041xx, E3 the backend's error). The host answers `wx.openApi` with
// WeChat's JSON body, or `{contentType, base64}` for a binary answer such as a PNG.
'use strict'
const { isObject, isArray, isString } = require('wxsim:sdk/types')
const { CloudSDKError, HostError, serverFailure } = require('wxsim:sdk/errors')

/** utils.convertCase of the SDK, line for line (key order included: a renamed key moves last). */
function convertCase (input, toSnake) {
  if (isString(input)) {
    return toSnake
      ? input.replace(/[A-Z]/g, (match, ind) => `${ind ? '_' : ''}${match.toLowerCase()}`)
      : input.replace(/_[a-z]/g, (match) => match[1].toUpperCase())
  }
  if (isObject(input)) return convertObject(input, toSnake)
  if (isArray(input)) {
    return input.map((item) => isObject(item) ? convertObject(item, toSnake)
      : isArray(item) ? convertCase(item, toSnake) : item)
  }
  return input
}

function convertObject (input, toSnake) {
  const data = Object.assign({}, input)
  for (const key in data) {
    const val = isObject(data[key]) || isArray(data[key]) ? convertCase(data[key], toSnake) : data[key]
    const convertedKey = convertCase(key, toSnake)
    data[convertedKey] = val
    if (convertedKey !== key) delete data[key]
  }
  return data
}

/**
 * The namespace: `cloud.openapi.<a>.<b>(params)` calls API `a.b`; `cloud.openapi({convertCase,
 * appid})` gives a namespace with those options. `guard` throws before init, synchronously.
 */
function namespace (cloud, guard, options = {}) {
  const callable = (paths) => new Proxy(function () {}, {
    get (target, prop) {
      if (prop === 'toJSON') return () => ({})
      if (typeof prop === 'symbol' || prop === 'then') return undefined // not a thenable, not inspectable
      return callable([...paths, prop])
    },
    apply (target, thisArg, args) {
      guard()
      return call(cloud, paths.join('.'), args[0], options)
    }
  })
  return new Proxy(function () {}, {
    get (target, prop) {
      if (prop === 'toJSON') return () => ({})
      if (typeof prop === 'symbol' || prop === 'then') return undefined
      return callable([prop])
    },
    apply (target, thisArg, args) {
      if (!args[0] || !isObject(args[0])) throw new Error('an options object is expected')
      return namespace(cloud, guard, { ...args[0] })
    }
  })
}

async function call (cloud, api, data, options) {
  const displayAPIName = `openapi.${api}`
  const shouldConvertCase = options.convertCase !== false
  try {
    const converted = shouldConvertCase ? convertCase(data, true) : data
    const params = {}
    for (const key in converted) {
      const file = filePair(key, converted[key])
      if (file) {
        params[key] = file
        continue
      }
      const text = JSON.stringify(converted[key]) // one protobuf pair per key; undefined ones are dropped
      if (text !== undefined) params[key] = JSON.parse(text)
    }
    const request = { apiName: api, apiType: 0, data: params }
    if (options.appid) request.appid = options.appid
    const res = await cloud.send('wx.openApi', request, 'default')
    let result
    if (isString(res.base64)) {
      result = { contentType: res.contentType.trim(), buffer: Buffer.from(res.base64, 'base64') }
    } else {
      result = { ...res }
      delete result.errcode
      delete result.errmsg
      if (shouldConvertCase) result = convertCase(result, false)
    }
    return { ...result, errMsg: `${displayAPIName}:ok`, errCode: 0 }
  } catch (e) {
    throw failure(displayAPIName, e)
  }
}

// mime-db's first extension of the types a media parameter takes (param-converter.ts); others get 'png'.
const EXTENSIONS = { 'image/png': 'png', 'image/jpeg': 'jpeg', 'image/gif': 'gif', 'image/bmp': 'bmp',
  'image/webp': 'webp', 'image/tiff': 'tif', 'audio/mpeg': 'mpga', 'audio/mp4': 'm4a', 'audio/wav': 'wav' }

/**
 * A media parameter, `{contentType, value: <Buffer>}`, travels as a file pair: its bytes and a
 * name (`fileName`, which case conversion has renamed away unless it is off, else `<key>.<ext>`),
 * without its content type (§1.1). The host sees `{$file: name, size, base64}`, as from the gateway.
 */
function filePair (key, val) {
  if (!isObject(val) || !(val.contentType || val.content_type) || !val.value || !Buffer.isBuffer(val.value)) return null
  const contentType = String(val.contentType || val.content_type)
  const name = val.fileName || `${key}.${EXTENSIONS[contentType] || 'png'}`
  return { $file: name, size: val.value.length, base64: val.value.toString('base64') }
}

const isPlatformCode = (code) => code <= -604100 && code > -604200

function failure (displayAPIName, e) {
  if (e instanceof HostError && e.code > 0) { // E1: WeChat's errcode and errmsg
    return new CloudSDKError({ errCode: e.code, errMsg: `${displayAPIName}:fail ${e.detail}` })
  }
  if (e instanceof HostError && isPlatformCode(e.code)) { // E2: no body, only the code
    return new CloudSDKError({ errCode: e.code, errMsg: `system error: error code: ${e.code}` })
  }
  return serverFailure(displayAPIName, e) // E3: `<api>:fail -501007 invalid parameters. …`
}

module.exports = { namespace }
