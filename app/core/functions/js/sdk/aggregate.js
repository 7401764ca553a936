// collection.aggregate() pipelines (@cloudbase/database aggregate.ts + wx-server-sdk's wrapper)
// and the server's transactions (transaction/index.ts). Both only serialize and send; the
// backend decides what it supports and its errors reach the caller shaped like any other.
'use strict'
const { getType } = require('wxsim:sdk/types')
const { Command } = require('wxsim:sdk/commands')
const { Point } = require('wxsim:sdk/geo')
const ser = require('wxsim:sdk/serializer')
const ejson = require('wxsim:sdk/ejson')
const { HostError, TCB_ERR_CODE } = require('wxsim:sdk/errors')
const { uuid } = require('wxsim:sdk/transport')

const STAGES = ['addFields', 'bucket', 'bucketAuto', 'collStats', 'count', 'facet', 'graphLookup', 'group',
  'limit', 'lookup', 'out', 'project', 'redact', 'replaceRoot', 'sample', 'skip', 'sort', 'sortByCount', 'unwind']

/**
 * A pipeline. Like the SDK's, stage methods add to the same stage list and return the
 * pipeline, so `agg.match(…); agg.end()` sends the match too.
 */
class Aggregate {
  constructor (db, collectionName) {
    this._db = db
    this._collectionName = collectionName
    this._stages = []
  }

  _pipe (stage, param) {
    // Objects are EJSON strings; scalars plain JSON (`$limit: "2"`, `$unwind: "\"$a\""`).
    const stageValue = getType(param) === 'object' ? ejson.stringify(param) : JSON.stringify(param)
    this._stages.push({ stageKey: '$' + stage, stageValue })
    return this
  }

  match (query) { return this._pipe('match', ser.encodeQuery(query)) }

  geoNear (param) {
    const options = { ...param }
    if (options.query) options.query = ser.encodeQuery(options.query)
    if (options.near) options.near = new Point(options.near.longitude, options.near.latitude).toJSON()
    return this._pipe('geoNear', options)
  }

  indexStats () { return this._pipe('indexStats', {}) }

  /** For `lookup({pipeline})`: the stages as plain objects (`$.pipeline()…done()`). */
  done () { return this._stages.map(({ stageKey, stageValue }) => ({ [stageKey]: JSON.parse(stageValue) })) }

  unwrap () { return this._stages }

  end (options) {
    if (!this._db) throw new Error('Aggregation pipeline cannot send request')
    const server = !this._db._side.client
    return this._db._settle('collection.aggregate', options, async () => {
      let res
      try {
        res = await this._db._send('database.aggregateDocuments', { collectionName: this._collectionName, stages: this._stages.slice() })
      } catch (e) {
        // wx-server-sdk 4.x does not map the backend's code here: errCode -1 and its bare message.
        if (server && e instanceof HostError && !e.local) throw new Error(e.detail || e.message)
        throw e
      }
      return { list: res && res.list ? res.list.map((item) => ejson.decode(item)) : undefined, errMsg: 'collection.aggregate:ok' }
    })
  }
}
for (const stage of STAGES) Aggregate.prototype[stage] = function (param) { return this._pipe(stage, param) }

Command.aggregate.pipeline = () => new Aggregate(null, null)

// --- transactions (server only) ---------------------------------------------------------------
// As @cloudbase/database's transaction/index.ts under wx-server-sdk 4.0.2: start, commit and
// rollback fail with node-sdk's TcbError ({code, message, requestId}, the backend's string code),
// which wx-server-sdk passes through unconverted; runTransaction retries its callback when what
// it caught carries code DATABASE_TRANSACTION_CONFLICT (a conflict at commit: the document calls
// inside the callback fail as `document.update:fail -501001 …`, without that code).

const CONFLICT = 'DATABASE_TRANSACTION_CONFLICT'

/** node-sdk's TcbError for a failure the host reported. */
function tcbError (e) {
  if (!(e instanceof HostError)) return e
  const error = new Error(e.detail || e.message)
  error.code = e.tcbCode || Object.keys(TCB_ERR_CODE).find((name) => TCB_ERR_CODE[name] === e.code) || 'SYS_ERR'
  error.requestId = uuid()
  return error
}

class Transaction {
  constructor (db) {
    this._db = db
    this._id = undefined
    this.aborted = false
    this.abortReason = undefined
    this.commited = false
    this.inited = false
  }

  async init () {
    let res
    try {
      res = await this._db._send('database.startTransaction', {})
    } catch (e) { throw tcbError(e) }
    this.inited = true
    this._id = res.transactionId
  }

  collection (name) {
    if (!name) throw new Error('Collection name is required')
    return this._db._collection(name, this._id)
  }

  async commit () {
    let res
    try {
      res = await this._db._send('database.commitTransaction', { transactionId: this._id })
    } catch (e) { throw tcbError(e) }
    this.commited = true
    return res
  }

  async rollback (reason) {
    let res
    try {
      res = await this._db._send('database.abortTransaction', { transactionId: this._id })
    } catch (e) { throw tcbError(e) }
    this.aborted = true
    this.abortReason = reason
    return res
  }
}

async function startTransaction (db) {
  const transaction = new Transaction(db)
  await transaction.init()
  return transaction
}

/**
 * Runs `callback(transaction)` and commits; a throw or rollback(reason) rolls back and rejects
 * (with the reason). A conflict is retried `times` more times, the last one's error rejected.
 */
async function runTransaction (db, callback, times = 3) {
  let transaction
  try {
    transaction = new Transaction(db)
    await transaction.init()
    const result = await callback(transaction)
    if (transaction.aborted === true) throw transaction.abortReason
    await transaction.commit()
    return result
  } catch (error) {
    if (transaction.inited === false) throw error
    const throwWithRollback = async (error) => {
      if (!transaction.aborted && !transaction.commited) {
        try { await transaction.rollback() } catch (e) { /* as the SDK: the original error matters */ }
        throw error
      }
      if (transaction.aborted === true) throw transaction.abortReason
      throw error
    }
    if (times <= 0) await throwWithRollback(error)
    if (error && error.code === CONFLICT) return await runTransaction(db, callback, --times)
    await throwWithRollback(error)
  }
}

module.exports = { Aggregate, Transaction, startTransaction, runTransaction }
