// How an API call settles. Server (wx-server-sdk 4.x): always a Promise, callbacks ignored.
// Mini program (spec §1.1): a Promise when no success/fail/complete is given, otherwise the
// callbacks (complete always, after success or fail) and no Promise.
'use strict'

const hasCallbacks = (o) => !!o && typeof o === 'object' &&
  ['success', 'fail', 'complete'].some((k) => typeof o[k] === 'function')

/** Calls a user callback; a throw surfaces as an uncaught error, as in the real runtime. */
function invoke (fn, value) {
  if (typeof fn !== 'function') return
  try { fn(value) } catch (e) { queueMicrotask(() => { throw e }) }
}

/**
 * Runs `run()` (async, may throw synchronously) and settles it the mini program way.
 * `fail(e)` shapes any error into the API's failure object. Returns a Promise, or `task`
 * (e.g. an UploadTask) / undefined when callbacks were given.
 */
function settleClient (options, run, fail, task) {
  const promise = (async () => {
    try { return await run() } catch (e) { throw fail(e) }
  })()
  if (!hasCallbacks(options)) return promise
  promise.then(
    (res) => { invoke(options.success, res); invoke(options.complete, res) },
    (err) => { invoke(options.fail, err); invoke(options.complete, err) })
  return task
}

/** The server way: a Promise whose rejection is shaped by `fail(e)`. */
function settleServer (options, run, fail) {
  return (async () => {
    try { return await run() } catch (e) { throw fail(e) }
  })()
}

/** UploadTask / DownloadTask stand-ins: the transfer is local and instant, so nothing to report. */
function transferTask () {
  const noop = () => {}
  return {
    abort: noop,
    onProgressUpdate: noop,
    offProgressUpdate: noop,
    onHeadersReceived: noop,
    offHeadersReceived: noop
  }
}

module.exports = { hasCallbacks, settleClient, settleServer, transferTask }
