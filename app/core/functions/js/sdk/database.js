// The database builder shared by both shims: collection/doc/where/orderBy/skip/limit/field and
// the calls that send `database.*` actions with the wire params of tcb-wire §4, then shape the
// answers as wx-server-sdk (and the mini program's base library) present them (spec §3.10).
//
// A `side` object tells the two apart (see wx-server-sdk.js and wxsim-client.js):
//   client             true for the mini program (limit 20, no createCollection/transactions)
//   send(a, p, env)    the host call; `env` is database({env})'s, if any
//   limits             {default, max} of get(): server 100/1000, client 20/20
//   settle(api, o, run) Promise (server) or callbacks (client), failures shaped per side
//   missingDocument(id) client only: the error of doc(id).get() on nothing
//   cloudConfig()      server only: init()'s config (throwOnNotFound)
'use strict'
const { getType, isArray, isObject, ServerDate, DbRegExp } = require('wxsim:sdk/types')
const { Command } = require('wxsim:sdk/commands')
const { makeGeo } = require('wxsim:sdk/geo')
const ser = require('wxsim:sdk/serializer')
const ejson = require('wxsim:sdk/ejson')
const { HostError, assertType, assertObjectNotEmpty, assertRequiredParam } = require('wxsim:sdk/errors')
const { Aggregate, startTransaction, runTransaction } = require('wxsim:sdk/aggregate')
const { uuid } = require('wxsim:sdk/transport')
const { watch } = require('wxsim:sdk/watch')

const docsOf = (list) => (list || []).map((item) => ejson.formatDocument(ejson.decode(item)))
const idQuery = (id) => ejson.stringify({ _id: id })

class Database {
  constructor (side, config = {}) {
    this._side = side
    this.config = config
    this.command = Command
    this.Geo = makeGeo()
    this.serverDate = (options) => new ServerDate(options)
    this.RegExp = (options) => new DbRegExp(options)
    if (!side.client) {
      this.createCollection = (name) => this._settle('createCollection', undefined, async () => {
        const res = await this._send('database.addCollection', { collectionName: name })
        return { errMsg: 'createCollection:ok', requestId: res.requestId || uuid() }
      })
      this.startTransaction = () => startTransaction(this)
      this.runTransaction = (callback, times) => runTransaction(this, callback, times)
    }
  }

  collection (name) {
    if (!name) throw new Error('Collection name is required')
    return new CollectionReference(this, name, {})
  }

  _collection (name, transactionId) { return new CollectionReference(this, name, {}, transactionId) }

  _send (action, params) { return this._side.send(action, params, this.config.env) }
  _settle (api, options, run) { return this._side.settle(api, options, run) }
}

class Query {
  constructor (db, coll, filter, options, transactionId) {
    this._db = db
    this._coll = coll
    this._filter = filter // the where() condition, already an EJSON string ('' for none)
    this._options = options
    this._transactionId = transactionId
  }

  _with (changes, filter = this._filter) {
    return new Query(this._db, this._coll, filter, { ...this._options, ...changes }, this._transactionId)
  }

  where (query) {
    if (getType(query) !== 'object') throw Error('查询参数必须为对象')
    const keys = Object.keys(query)
    if (keys.length && !keys.some((k) => query[k] !== undefined)) throw Error('查询参数对象值不能均为undefined')
    return this._with({}, ejson.stringify(ser.encodeQuery(query)))
  }

  orderBy (fieldPath, direction) {
    if (!/^[a-zA-Z0-9-_.]/.test(fieldPath)) throw new Error()
    if (direction !== 'asc' && direction !== 'desc') throw new Error('排序字符不合法')
    // Object.assign keeps a repeated field at its first position, with the new direction.
    const order = Object.assign({}, this._options.order, { [fieldPath]: direction === 'desc' ? -1 : 1 })
    return this._with({ order })
  }

  limit (limit) {
    if (!Number.isInteger(limit)) throw new Error('limitmust be integer')
    return this._with({ limit })
  }

  skip (offset) {
    if (!Number.isInteger(offset)) throw new Error('offsetmust be integer')
    return this._with({ offset })
  }

  field (projection) { return this._with({ projection: ser.projection(projection) }) }

  get (options) {
    return this._db._settle('collection.get', options, async () => {
      const { order, offset, limit, projection } = this._options
      const { default: byDefault, max } = this._db._side.limits
      const params = { collectionName: this._coll, queryType: 'WHERE' }
      if (this._transactionId) params.transactionId = this._transactionId
      if (this._filter) params.query = this._filter
      if (order) params.order = ejson.stringify(order)
      if (offset) params.offset = offset
      params.limit = limit ? (limit < max ? limit : max) : byDefault
      if (projection) params.projection = ejson.stringify(projection)
      const res = await this._db._send('database.getDocument', params)
      return { data: docsOf(res.list), errMsg: 'collection.get:ok' }
    })
  }

  count (options) {
    return this._db._settle('collection.count', options, async () => {
      const params = { collectionName: this._coll, queryType: 'WHERE' }
      if (this._filter) params.query = this._filter
      const res = await this._db._send('database.calculateDocument', params)
      return { total: res.total, errMsg: 'collection.count:ok' }
    })
  }

  update (options) {
    return this._db._settle('collection.update', options, async () => {
      assertType(options.data, 'object')
      assertObjectNotEmpty(options.data, 'options.data')
      checkNoId(options.data)
      const params = {
        collectionName: this._coll,
        queryType: 'WHERE',
        multi: options.multi !== false,
        merge: true,
        upsert: false,
        data: ejson.stringify(ser.encodeUpdate(options.data))
      }
      if (this._filter) params.query = this._filter
      const res = await this._db._send('database.modifyDocument', params)
      return { stats: { updated: res.updated || 0 }, errMsg: 'collection.update:ok' }
    })
  }

  remove (options = {}) {
    return this._db._settle('collection.remove', options, async () => {
      const { offset, limit, projection, order } = this._options
      if (offset !== undefined || limit !== undefined || projection !== undefined || order !== undefined) {
        console.warn('`offset`, `limit`, `projection`, `orderBy` are not supported in remove() operation')
      }
      const params = { collectionName: this._coll, queryType: 'WHERE', multi: options.multi !== false }
      if (this._filter) params.query = this._filter
      const res = await this._db._send('database.removeDocument', params)
      return { stats: { removed: res.deleted }, errMsg: 'collection.remove:ok' }
    })
  }

  /** A realtime listener on this query (spec §3.12; sdk/watch.js): the mini program's. */
  watch (options) {
    const { order, limit, projection } = this._options
    const params = { collectionName: this._coll, queryType: 'WHERE' }
    if (this._filter) params.query = this._filter
    if (order) params.order = ejson.stringify(order)
    if (limit) params.limit = limit
    if (projection) params.projection = ejson.stringify(projection)
    return watch((action, p) => this._db._send(action, p), params, options)
  }
}

class CollectionReference extends Query {
  constructor (db, coll, options, transactionId) {
    super(db, coll, '', options, transactionId)
  }

  get name () { return this._coll }

  doc (docId) {
    if (typeof docId !== 'string' && typeof docId !== 'number') throw new Error('docId必须为字符串或数字')
    return new DocumentReference(this._db, this._coll, docId, {}, this._transactionId)
  }

  add (options) {
    return this._db._settle('collection.add', options, async () => {
      const data = options.data
      const many = isArray(data)
      if (many && this._db._side.client) throw new Error('parameter.data should be object instead of array')
      const items = many ? data : [data]
      if (!items.length || !items.every(isObject)) throw new Error('parameter.data should be object')
      const params = { collectionName: this._coll, data: items.map((item) => ejson.stringify(ser.serialize(item))) }
      if (this._transactionId) params.transactionId = this._transactionId
      const res = await this._db._send('database.insertDocument', params)
      return many ? { _ids: res.insertedIds, errMsg: 'collection.add:ok' } : { _id: res.insertedIds[0], errMsg: 'collection.add:ok' }
    })
  }

  aggregate () { return new Aggregate(this._db, this._coll) }
}

class DocumentReference {
  constructor (db, coll, id, options, transactionId) {
    this._db = db
    this._coll = coll
    this._id = id
    this._options = options
    this._transactionId = transactionId
  }

  field (projection) {
    if (!this._db._side.client) {
      assertRequiredParam(projection, 'object', 'field')
      assertType(projection, 'object', 'field')
    }
    return new DocumentReference(this._db, this._coll, this._id, { projection: ser.projection(projection) }, this._transactionId)
  }

  _params (extra) {
    const params = { collectionName: this._coll, query: idQuery(this._id), queryType: 'DOC', multi: false, ...extra }
    if (this._transactionId) params.transactionId = this._transactionId
    return params
  }

  /** A realtime listener on this one document (spec §3.12). */
  watch (options) {
    const params = this._params({})
    if (this._options.projection) params.projection = ejson.stringify(this._options.projection)
    return watch((action, p) => this._db._send(action, p), params, options)
  }

  get (options) {
    const side = this._db._side
    return this._db._settle('document.get', options, async () => {
      const params = this._params({})
      if (this._options.projection) params.projection = ejson.stringify(this._options.projection)
      const docs = docsOf((await this._db._send('database.getDocument', params)).list)
      if (docs.length) return { data: docs[0], errMsg: 'document.get:ok' }
      if (side.client) throw side.missingDocument(this._id)
      if (throwOnNotFound(this._db)) throw `document with _id ${this._id} does not exist` // eslint-disable-line no-throw-literal
      return { data: null, errMsg: 'document.get:ok' }
    })
  }

  set (options) {
    return this._db._settle('document.set', options, async () => {
      checkData(options)
      if (!this._id) throw HostError.local(-501007, 'docId不能为空')
      checkNoId(options.data)
      if (ser.hasUpdateCommand(options.data)) throw HostError.local(-502001, 'update operator complicit')
      const data = ejson.stringify(ser.serialize(options.data))
      const res = await this._db._send('database.modifyDocument', this._params({ data, merge: false, upsert: true }))
      const created = res.upsert_id !== null && res.upsert_id !== undefined && res.upsert_id !== '' ? 1 : 0
      return { _id: this._id, errMsg: 'document.set:ok', stats: { updated: res.updated, created } }
    })
  }

  update (options) {
    return this._db._settle('document.update', options, async () => {
      checkData(options)
      checkNoId(options.data)
      const data = ejson.stringify(ser.encodeUpdate(options.data))
      const res = await this._db._send('database.modifyDocument', this._params({ data, merge: true, upsert: false }))
      return { stats: { updated: res.updated }, errMsg: 'document.update:ok' }
    })
  }

  remove (options) {
    return this._db._settle('document.remove', options, async () => {
      const res = await this._db._send('database.removeDocument', this._params({}))
      return { stats: { removed: res.deleted || 0 }, errMsg: 'document.remove:ok' }
    })
  }

  delete (options) { return this.remove(options) } // the transaction spelling
}

function checkData (options) {
  assertType(options, { data: 'object' })
  assertObjectNotEmpty(options.data, 'options.data')
}

function checkNoId (data) {
  if (Object.prototype.hasOwnProperty.call(data, '_id')) throw HostError.local(-501007, '不能更新_id的值')
}

/** database({throwOnNotFound}) wins over init({throwOnNotFound}); the default is true. */
function throwOnNotFound (db) {
  if (Object.prototype.hasOwnProperty.call(db.config, 'throwOnNotFound')) return Boolean(db.config.throwOnNotFound)
  const cloudConfig = db._side.cloudConfig ? db._side.cloudConfig() : {}
  if (cloudConfig && Object.prototype.hasOwnProperty.call(cloudConfig, 'throwOnNotFound')) return Boolean(cloudConfig.throwOnNotFound)
  return true
}

module.exports = { Database, Query, CollectionReference, DocumentReference, docsOf }
