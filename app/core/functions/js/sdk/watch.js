// Realtime listeners in the mini program shim (spec §3.12): `collection.where(…).orderBy(…)
// .limit(…).watch({onChange, onError})` and `doc(id).watch(…)`, each a Watcher with close().
//
// The host holds the listener (app/core/database/watch.py) and judges it by the persona's read
// permission and rules; the shim opens it (`database.watchOpen`, whose answer is the init
// snapshot), then long-polls `database.watchPoll` and hands each snapshot to onChange in order,
// or the listener's error (-4020xx) to onError, after which it is closed.
//
// A listener keeps a client run alive: once `exports.main` has returned, the run waits until
// every watcher is closed, or until WXSIM_WATCH_SECONDS have passed since the run began (then
// the shim closes those still open); 0 closes them as soon as main returns. In the client
// console (WXSIM_WATCH_HANDOVER) the run ends when main returns and its open listeners stay
// open for the console pane, which goes on reading their snapshots (app/ui/panes/listeners.py).
'use strict'
const ejson = require('wxsim:sdk/ejson')
const lifecycle = require('wxsim:lifecycle')

const POLL_MS = 500 // how long one poll may wait on the host; close() is seen within it
const open = new Set() // watchers not closed yet, of this run
const made = new Set() // every watcher of this run: none may leave a poll in flight when it ends
let runStarted = Date.now()

const documentOf = (wire) => ejson.formatDocument(ejson.decode(wire))

function snapshotOf (wire) {
  const docChanges = wire.docChanges.map((change) => {
    const out = { ...change }
    if ('doc' in change) out.doc = documentOf(change.doc)
    if ('updatedFields' in change) out.updatedFields = ejson.decode(change.updatedFields)
    return out
  })
  const snapshot = { id: wire.id, docChanges, docs: wire.docs.map(documentOf) }
  if (wire.type) snapshot.type = wire.type
  return snapshot
}

/** The platform's error object for onError: an Error with errCode and errMsg. */
function watchError (code, message) {
  const error = new Error(message)
  error.errCode = code
  error.errMsg = message
  return error
}

class Watcher {
  constructor (send, params, options) {
    this._send = send
    this._onChange = options.onChange
    this._onError = options.onError
    this._closed = false
    this._listenerId = null
    this._handedOver = false
    open.add(this)
    made.add(this)
    this._running = this._run(params)
  }

  async _run (params) {
    let opened
    try {
      opened = await this._send('database.watchOpen', params)
    } catch (e) {
      return this._fail(watchError(typeof e.code === 'number' ? e.code : -402002, e.message))
    }
    this._listenerId = opened.listenerId
    if (this._closed) return this._send('database.watchClose', { listenerId: this._listenerId }).catch(() => {})
    this._deliver(opened.snapshot)
    while (!this._closed && !this._handedOver) {
      let answer
      try {
        answer = await this._send('database.watchPoll', { listenerId: this._listenerId, waitMs: POLL_MS })
      } catch (e) {
        if (!this._closed) this._fail(watchError(typeof e.code === 'number' ? e.code : -402009, e.message))
        return
      }
      for (const snapshot of answer.snapshots) {
        if (this._closed) return
        this._deliver(snapshot)
      }
      if (answer.error) return this._fail(watchError(answer.error.errCode, answer.error.errMsg))
    }
  }

  _deliver (wire) {
    try {
      this._onChange(snapshotOf(wire))
    } catch (e) {
      // The page's own handler threw: reported as the console would, the listener goes on.
      console.error('watch onChange threw:', e)
    }
  }

  _fail (error) {
    this._closed = true
    open.delete(this)
    this._onError(error)
  }

  /** The run is over but the listener stays open: stop polling once the poll under way is in. */
  async _handOver () {
    this._handedOver = true
    open.delete(this)
    // The poll under way would wait up to POLL_MS: the host ends it now, the listener stays open.
    if (this._listenerId && !this._closed) await this._send('database.watchHandOver', { listenerId: this._listenerId }).catch(() => {})
    await this._running
  }

  /** Stop listening: no snapshot reaches onChange after this; resolves once the host closed it. */
  async close () {
    if (this._closed) return
    this._closed = true
    open.delete(this)
    if (this._listenerId) await this._send('database.watchClose', { listenerId: this._listenerId })
  }
}

/** `watch(options)` of a query or document: `params` are the read's wire params. */
function watch (send, params, options) {
  if (!options || typeof options.onChange !== 'function' || typeof options.onError !== 'function') {
    throw new Error('watch() needs both onChange and onError functions: watch({ onChange (snapshot) {}, onError (err) {} })')
  }
  return new Watcher(send, params, options)
}

async function untilClosed () {
  if (process.env.WXSIM_WATCH_HANDOVER) return Promise.all([...open].map((w) => w._handOver()))
  const seconds = Number(process.env.WXSIM_WATCH_SECONDS)
  const deadline = Number.isFinite(seconds) && process.env.WXSIM_WATCH_SECONDS !== '' ? runStarted + seconds * 1000 : Infinity
  while (open.size && Date.now() < deadline) {
    await Promise.race([...open].map((w) => w._running).concat(new Promise((resolve) => setTimeout(resolve, 100))))
  }
  await Promise.all([...open].map((w) => w.close().catch(() => {})))
  await Promise.all([...made].map((w) => w._running)) // each poll under way comes back first
}

lifecycle.beforeRun(() => { runStarted = Date.now(); open.clear(); made.clear() })
lifecycle.afterMain(untilClosed)

module.exports = { watch }
