// Node's util: format, inspect, promisify, callbackify, inherits, deprecate, types (the common part).
'use strict'
const lib = require('wxsim:lib')
const kCustomPromisify = Symbol.for('nodejs.util.promisify.custom')
const tag = (v) => Object.prototype.toString.call(v).slice(8, -1)

function promisify (original) {
  if (typeof original !== 'function') throw new TypeError('The "original" argument must be of type function')
  if (original[kCustomPromisify]) return original[kCustomPromisify]
  function promisified (...args) {
    return new Promise((resolve, reject) => {
      original.call(this, ...args, (err, ...values) => (err ? reject(err) : resolve(values[0])))
    })
  }
  Object.setPrototypeOf(promisified, Object.getPrototypeOf(original))
  Object.defineProperty(promisified, kCustomPromisify, { value: promisified })
  return promisified
}
promisify.custom = kCustomPromisify

function callbackify (original) {
  return function (...args) {
    const callback = args.pop()
    original.apply(this, args).then((value) => queueMicrotask(() => callback(null, value)),
      (err) => queueMicrotask(() => callback(err || Object.assign(new Error('Promise was rejected with a falsy value'), { reason: err }))))
  }
}

function inherits (ctor, superCtor) {
  Object.defineProperty(ctor, 'super_', { value: superCtor, writable: true, configurable: true })
  Object.setPrototypeOf(ctor.prototype, superCtor.prototype)
}

function deprecate (fn, message) {
  let warned = false
  return function (...args) {
    if (!warned) { warned = true; process.emitWarning(`DeprecationWarning: ${message}`) }
    return new.target ? Reflect.construct(fn, args, new.target) : fn.apply(this, args)
  }
}

function isDeepStrictEqual (a, b) {
  if (Object.is(a, b)) return true
  if (typeof a !== 'object' || typeof b !== 'object' || !a || !b) return false
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false
  if (a instanceof Date) return a.getTime() === b.getTime()
  const ka = Object.keys(a); const kb = Object.keys(b)
  return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && isDeepStrictEqual(a[k], b[k]))
}

const types = {
  isPromise: (v) => v instanceof Promise,
  isDate: (v) => v instanceof Date,
  isRegExp: (v) => v instanceof RegExp,
  isNativeError: (v) => v instanceof Error,
  isMap: (v) => v instanceof Map,
  isSet: (v) => v instanceof Set,
  isArrayBuffer: (v) => v instanceof ArrayBuffer,
  isTypedArray: (v) => ArrayBuffer.isView(v) && !(v instanceof DataView),
  isUint8Array: (v) => v instanceof Uint8Array,
  isAsyncFunction: (v) => tag(v) === 'AsyncFunction',
  isGeneratorFunction: (v) => tag(v) === 'GeneratorFunction' || tag(v) === 'AsyncGeneratorFunction'
}

lib.inspect.custom = Symbol.for('nodejs.util.inspect.custom')

module.exports = {
  format: lib.format,
  inspect: lib.inspect,
  promisify,
  callbackify,
  inherits,
  deprecate,
  isDeepStrictEqual,
  types,
  TextEncoder,
  TextDecoder,
  isArray: Array.isArray,
  isBuffer: (v) => Buffer.isBuffer(v),
  isString: (v) => typeof v === 'string',
  isNumber: (v) => typeof v === 'number',
  isBoolean: (v) => typeof v === 'boolean',
  isFunction: (v) => typeof v === 'function',
  isObject: (v) => v !== null && typeof v === 'object',
  isUndefined: (v) => v === undefined,
  isNullOrUndefined: (v) => v === null || v === undefined,
  isPrimitive: (v) => v === null || (typeof v !== 'object' && typeof v !== 'function'),
  isDate: types.isDate,
  isRegExp: types.isRegExp,
  isError: types.isNativeError
}
