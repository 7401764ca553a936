// Extended JSON as the real SDK speaks it (tcb-wire §5): `EJSON.stringify(x, {relaxed: false})`
// of bson@4 after the SDK's filterUndefined, and `EJSON.parse` (relaxed) of what comes back.
'use strict'
const { getType, isObject, isArray, isDate, isRegExp, BSONRegExp } = require('wxsim:sdk/types')
const geo = require('wxsim:sdk/geo')

const INT32_MIN = -0x80000000
const INT32_MAX = 0x7fffffff
const INT64_MIN = -Math.pow(2, 63)
const INT64_MAX = Math.pow(2, 63)

function encodeNumber (n) {
  if (Math.floor(n) === n) {
    if (n >= INT32_MIN && n <= INT32_MAX) return { $numberInt: n.toString() }
    if (n >= INT64_MIN && n <= INT64_MAX) return { $numberLong: n.toString() }
  }
  return { $numberDouble: n.toString() }
}

/**
 * Canonical EJSON of a value, as JSON-ready data. `topLevel` objects drop undefined keys (the
 * SDK's filterUndefined, which does not look inside arrays); bson turns any other undefined
 * into null.
 */
function toCanonical (value, seen = [], dropUndefined = true) {
  if (value === undefined) return null
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value
  if (typeof value === 'number') return encodeNumber(value)
  if (typeof value !== 'object') return undefined // functions and symbols vanish, as in JSON
  if (seen.includes(value)) throw new TypeError('Converting circular structure to EJSON')
  const inner = [...seen, value]
  if (isArray(value)) return value.map((item) => toCanonical(item, inner, false))
  if (isDate(value)) return { $date: { $numberLong: value.getTime().toString() } }
  if (isRegExp(value)) return { $regularExpression: { pattern: value.source, options: value.flags.split('').sort().join('') } }
  if (value instanceof BSONRegExp) return { $regularExpression: { pattern: value.pattern, options: value.options } }
  const out = {}
  const keep = dropUndefined && isObject(value)
  for (const key in value) {
    if (value[key] === undefined && keep) continue
    const encoded = toCanonical(value[key], inner, keep)
    if (encoded !== undefined) out[key] = encoded
  }
  return out
}

/** The EJSON string the SDK puts in `query`, `data`, `order`, `projection` and stage values. */
function stringify (value) {
  return JSON.stringify(toCanonical(value))
}

const CODECS = {
  $numberInt: (v) => parseInt(v.$numberInt, 10),
  $numberLong: (v) => Number(v.$numberLong), // bson's relaxed mode: a JS number, maybe inexact
  $numberDouble: (v) => parseFloat(v.$numberDouble),
  $numberDecimal: (v) => Number(v.$numberDecimal),
  $regularExpression: (v) => new BSONRegExp(v.$regularExpression.pattern, v.$regularExpression.options),
  $regex: (v) => new BSONRegExp(v.$regex, v.$options),
  $binary: (v) => Buffer.from(typeof v.$binary === 'string' ? v.$binary : v.$binary.base64, 'base64'),
  $oid: (v) => v.$oid
}

function decodeDate (d) {
  if (typeof d === 'string') return new Date(Date.parse(d))
  if (typeof d === 'number') return new Date(d)
  if (d && typeof d === 'object' && d.$numberLong !== undefined) return new Date(Number(d.$numberLong))
  return new Date(NaN)
}

/** Relaxed EJSON (a string or already-parsed JSON) to JS values: `{$date}` → Date, and so on. */
function decode (value) {
  if (typeof value === 'string') return decodeValue(JSON.parse(value))
  return decodeValue(value)
}

function decodeValue (value) {
  if (value === null || typeof value !== 'object') return value
  if (isArray(value)) return value.map(decodeValue)
  if (value.$undefined) return null
  for (const key of Object.keys(value)) {
    if (key[0] === '$' && value[key] != null && CODECS[key]) return CODECS[key](value)
  }
  if (value.$date != null) return decodeDate(value.$date)
  const out = {}
  for (const key of Object.keys(value)) out[key] = decodeValue(value[key])
  return out
}

/**
 * What `get()` hands the user (util.ts formatResDocumentData): Geo objects as db.Geo classes,
 * other objects (a regex's {pattern, options} too) rebuilt as plain objects.
 */
function formatDocument (doc) {
  if (isArray(doc)) return doc.map(formatDocument)
  if (getType(doc) !== 'object') return doc
  if (typeof doc.type === 'string' && 'coordinates' in doc) {
    const shape = geo.fromGeoJSON(doc)
    if (shape) return shape
  }
  const out = {}
  for (const key of Object.keys(doc)) out[key] = formatDocument(doc[key])
  return out
}

module.exports = { toCanonical, stringify, decode, formatDocument }
