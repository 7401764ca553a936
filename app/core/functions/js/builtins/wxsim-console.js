// The database console's code, run in the JS worker like a mini program script: the query bar's
// boxes and the document editor's text are compiled by V8 and serialized by the SDK shims
// themselves, so the console reads exactly what a mini program (or a cloud function) sends.
// Used by app/core/database/console_query.py through a one-line module in the data folder.
//
//   runQuery({collectionName, where, orderBy, field, skip, limit, viewer, answer})
//     The box texts build `db.collection(name).where(…)` + the orderBy box's order + `.skip()`
//     `.limit()` `.field(…)`; then the viewer's own `get()` is sent: through the mini program's
//     wx.cloud (viewer 'client') or wx-server-sdk (viewer 'server'). `answer: false` sends
//     nothing and only reports what would go out.
//     → {wire: the get's params, answer: {ok: true, errMsg, count} | {ok: false, errCode, errMsg}}
//   runAggregate({collectionName, pipeline, viewer})
//     The pipeline box's text continues `db.collection(name).aggregate()` (`.match(…).group(…)`,
//     the leading `.` optional); then the viewer's own `.end()` is sent, as runQuery's get().
//     → {stages: the pipeline's stages as sent, answer: like runQuery's}
//   parseDocument({text}) → {data: canonical EJSON of the value} | {blank: true}
//   Either may return {failed: {box, name, message, stack}}: a box's code threw, or the SDK
//   refused its value (e.g. orderBy's 排序字符不合法), in the SDK's own words.
//
// A SyntaxError in a box is thrown out of the call, carrying `wxsimFile` (the box) and
// `wxsimSource` (the function body V8 refused), so the worker adds V8's line and caret
// (runtime/child/v8_worker.py). A box's text starts on line TEXT_LINE of that body.
'use strict'
const { createWx } = require('wxsim-client')
const cloud = require('wx-server-sdk')
const ejson = require('wxsim:sdk/ejson')
const ser = require('wxsim:sdk/serializer')
const { getType } = require('wxsim:sdk/types')
const { Query } = require('wxsim:sdk/database')

const TEXT_LINE = 3 // console_query.py counts on it
const SCOPE = 'const { db, _, $, orderBy } = this'
// Only white space and comments: an empty box.
const BLANK = /^(?:\s|\/\/[^\n\r\u2028\u2029]*|\/\*[\s\S]*?\*\/)*$/
const NOT_AN_ORDER = "write orderBy('field', 'asc' or 'desc'), e.g. orderBy('progress', 'desc')"
const NO_SENDING = "the console's boxes build a query; they cannot send requests"

let wx = null // the mini program's wx.cloud, initialised once per instance like app.js does

function viewerDatabase (viewer) {
  if (viewer === 'server') {
    cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV }) // only the first call takes effect
    return cloud.database()
  }
  if (wx === null) {
    wx = createWx({ env: process.env.TCB_ENV })
    wx.cloud.init({ env: process.env.TCB_ENV, traceUser: true })
  }
  return wx.cloud.database()
}

/**
 * The box as a function of the scope, or null for an empty box; a SyntaxError is thrown.
 * `head` ends the line before the text (the text stays on line TEXT_LINE, its columns as typed).
 */
function compile (box, text, head = '') {
  if (typeof text !== 'string' || BLANK.test(text)) return null
  const body = `${SCOPE}\nreturn (${head}\n${text}\n)\n//# sourceURL=${box}`
  try {
    return new Function(body) // eslint-disable-line no-new-func
  } catch (e) {
    if (e instanceof SyntaxError) Object.assign(e, { wxsimFile: box, wxsimSource: body })
    throw e
  }
}

function failure (box, e) {
  const isError = e instanceof Error
  return {
    box,
    name: isError ? String(e.name) : 'Error',
    message: isError ? String(e.message) : String(e),
    stack: isError && e.stack ? String(e.stack) : ''
  }
}

/** Runs `step`; returns a failure of `box` if it threw (a box's code or the SDK refusing it). */
function attempt (box, step) {
  try {
    step()
    return null
  } catch (e) {
    return failure(box, e)
  }
}

/**
 * Lets `db` send one request, and only once `open()` was called (the boxes are evaluated
 * before, so code typed in a box cannot send any); records that request's params.
 */
function gate (db, answer) {
  const side = db._side
  const state = { wire: null, opened: false, open () { this.opened = true } }
  db._side = Object.assign({}, side, {
    send (action, params, env) {
      if (!state.opened || state.wire !== null) throw new Error(NO_SENDING)
      state.wire = params
      return answer ? side.send(action, params, env) : Promise.resolve({ list: [] })
    }
  })
  return state
}

function scopeOf (db, collectionName) {
  const _ = db.command
  return { db, _, $: _.aggregate, orderBy: (path, direction) => db.collection(collectionName).orderBy(path, direction) }
}

/** The order box as typed: `orderBy(…)` chains, a leading `.` allowed (kept as a space, so columns stay). */
const orderText = (text) => (typeof text === 'string' ? text.replace(/^(\s*)\./, '$1 ') : text)

function withOrderOf (query, value) {
  if (!(value instanceof Query)) throw new Error(NOT_AN_ORDER)
  for (const [path, direction] of Object.entries(value._options.order || {})) {
    query = query.orderBy(path, direction < 0 ? 'desc' : 'asc')
  }
  return query
}

async function runQuery (event) {
  const db = viewerDatabase(event.viewer)
  const sending = gate(db, event.answer !== false)
  const scope = scopeOf(db, event.collectionName)
  const boxes = [ // all compiled first: a syntax error anywhere is reported before anything runs
    ['where', compile('where', event.where), (query, value) => query.where(value)],
    ['orderBy', compile('orderBy', orderText(event.orderBy)), withOrderOf],
    ['field', compile('field', event.field), (query, value) => query.field(value)]
  ]
  let query = db.collection(event.collectionName)
  for (const [box, fn, apply] of boxes) {
    const failed = fn && attempt(box, () => { query = apply(query, fn.call(scope)) })
    if (failed) return { failed }
  }
  if (event.skip) query = query.skip(event.skip)
  if (event.limit) query = query.limit(event.limit)
  sending.open()
  let answer
  try {
    const res = await query.get()
    answer = { ok: true, errMsg: res.errMsg, count: res.data.length }
  } catch (e) {
    const errCode = e && typeof e.errCode === 'number' ? e.errCode : -1
    answer = { ok: false, errCode, errMsg: String(e && e.errMsg !== undefined ? e.errMsg : e && e.message) }
  }
  return { wire: sending.wire, answer: event.answer === false ? null : answer }
}

const LEADING_DOT = /^(?:\s|\/\/[^\n\r\u2028\u2029]*|\/\*[\s\S]*?\*\/)*\./
const NOT_A_PIPELINE = "write the stages that follow aggregate(), e.g. .match({done: false}).group({_id: '$owner', n: $.sum(1)})"

async function runAggregate (event) {
  const db = viewerDatabase(event.viewer)
  const sending = gate(db, true)
  const pipeline = db.collection(event.collectionName).aggregate()
  const text = typeof event.pipeline === 'string' ? event.pipeline : ''
  // `.match(…)` continues `this.pipeline` from the line before; `match(…)` gets the dot there.
  const fn = compile('pipeline', text, LEADING_DOT.test(text) ? 'this.pipeline' : 'this.pipeline.')
  if (fn) {
    const scope = Object.assign(scopeOf(db, event.collectionName), { pipeline })
    const failed = attempt('pipeline', () => {
      if (fn.call(scope) !== pipeline) throw new Error(NOT_A_PIPELINE)
    })
    if (failed) return { failed }
  }
  const stages = pipeline._stages.slice()
  sending.open()
  return { stages, answer: await answerOf(() => pipeline.end(), (res) => res.list.length) }
}

/** What the viewer's request answers: {ok: true, errMsg, count} or {ok: false, errCode, errMsg}. */
async function answerOf (send, count) {
  try {
    const res = await send()
    return { ok: true, errMsg: res.errMsg, count: count(res) }
  } catch (e) {
    const errCode = e && typeof e.errCode === 'number' ? e.errCode : -1
    return { ok: false, errCode, errMsg: String(e && e.errMsg !== undefined ? e.errMsg : e && e.message) }
  }
}

async function parseDocument (event) {
  const fn = compile('document', event.text)
  if (!fn) return { blank: true }
  const db = viewerDatabase('server')
  gate(db, false) // never opened: a document is plain data
  let value
  const failed = attempt('document', () => { value = fn.call(scopeOf(db, '')) })
  if (failed) return { failed }
  const type = getType(value)
  if (type !== 'object') {
    return { failed: failure('document', new Error(`parameter.data should be object instead of ${type}`)) }
  }
  if (ser.hasUpdateCommand(value)) {
    return { failed: failure('document', new Error('a document holds values, not update commands such as _.inc()')) }
  }
  return { data: ejson.stringify(ser.serialize(value)) }
}

module.exports = { runQuery, runAggregate, parseDocument, TEXT_LINE }
