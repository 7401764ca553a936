// Type helpers and the SDK's special values (serverDate, db.RegExp), shared by both shims.
// Mirrors @cloudbase/database's utils/type.ts and helper/symbol.ts: special objects carry a
// non-enumerable `_internalType` marker, which is how the serializers recognise them.
'use strict'

const getType = (x) => Object.prototype.toString.call(x).slice(8, -1).toLowerCase()
const isObject = (x) => getType(x) === 'object'
const isArray = (x) => Array.isArray(x)
const isDate = (x) => getType(x) === 'date'
const isRegExp = (x) => getType(x) === 'regexp'
const isString = (x) => typeof x === 'string'
const isNumber = (x) => getType(x) === 'number'
const isFunction = (x) => typeof x === 'function'

/** The marker type: only the instances below exist, so `instanceof` identifies SDK objects. */
class InternalType {
  constructor (name) { Object.defineProperty(this, 'name', { value: name }) }
}

const T = {}
for (const name of ['UNSET_FIELD_NAME', 'UPDATE_COMMAND', 'QUERY_COMMAND', 'LOGIC_COMMAND',
  'GEO_POINT', 'GEO_LINE_STRING', 'GEO_POLYGON', 'GEO_MULTI_POINT', 'GEO_MULTI_LINE_STRING',
  'GEO_MULTI_POLYGON', 'SERVER_DATE', 'REGEXP']) T[name] = new InternalType(name)

const isInternalObject = (x) => !!x && x._internalType instanceof InternalType

/** Defines the non-enumerable marker, so EJSON and JSON never see it. */
function mark (object, type) {
  Object.defineProperty(object, '_internalType', { value: type, enumerable: false, configurable: true, writable: true })
  return object
}

/** db.serverDate({offset}): the server's time plus offset ms, filled in when the request runs. */
class ServerDate {
  constructor ({ offset = 0 } = {}) {
    this.offset = offset
    mark(this, T.SERVER_DATE)
  }

  parse () { return { $tcb_server_date: { offset: this.offset } } }
}

/** db.RegExp({regexp, options}): the way to get flags JS literals cannot carry (`s`). */
class DbRegExp {
  constructor ({ regexp, options } = {}) {
    if (!regexp) throw new TypeError('regexp must be a string')
    this.$regularExpression = { pattern: regexp || '', options: options || '' }
    mark(this, T.REGEXP)
  }

  parse () {
    return { $regularExpression: { pattern: this.$regularExpression.pattern, options: this.$regularExpression.options } }
  }
}

/** A regex read back from the database: bson's BSONRegExp shape ({pattern, options}). */
class BSONRegExp {
  constructor (pattern, options) {
    this.pattern = pattern
    this.options = (options || '').split('').sort().join('')
  }

  toRegExp () { return new RegExp(this.pattern, this.options.replace(/[^gimsuy]/g, '')) }
}
Object.defineProperty(BSONRegExp.prototype, '_bsontype', { value: 'BSONRegExp' })

module.exports = {
  getType,
  isObject,
  isArray,
  isDate,
  isRegExp,
  isString,
  isNumber,
  isFunction,
  isInternalObject,
  InternalType,
  T,
  mark,
  ServerDate,
  DbRegExp,
  BSONRegExp
}
