// Node globals a cloud function expects: console capture, timers, process, queueMicrotask, host calls.
(function (W) {
  'use strict'
  const G = globalThis
  const engineSetTimeout = G.setTimeout // mini-racer's, built on Atomics.waitAsync
  // Console lines go into shared memory that the worker's Python side reads every 50 ms, even
  // while this thread spins in a runaway loop; a host call per line would cost ~0.1–0.5 ms.
  const SPOOL_BYTES = 4 * 1024 * 1024 // also the per-invocation log limit
  const HEADER = 8 // Int32 at 0: bytes written after the header; the worker resets it per call
  const spool = new SharedArrayBuffer(SPOOL_BYTES)
  const spoolEnd = new Int32Array(spool, 0, 1)
  const spoolBytes = new Uint8Array(spool)
  W.spool = spool

  // --- per-invocation state ---------------------------------------------------------------
  let active = false
  let truncated = false
  let crash = null // rejects the running invocation on an uncaught exception, as Node would die

  function emit (level, args) {
    if (!active || truncated) return // between invocations (a stray timer) nobody gets the line
    const time = Date.now() / 1000
    let line = W.lib.utf8Encode(JSON.stringify({ level, text: W.lib.format(...args), time }) + '\n')
    const end = spoolEnd[0]
    if (HEADER + end + line.length > SPOOL_BYTES - 256) { // keep room for the marker
      truncated = true
      line = W.lib.utf8Encode(JSON.stringify({ level: 'warn', text: '… (log output truncated at 4 MB)', time }) + '\n')
    }
    spoolBytes.set(line, HEADER + end)
    Atomics.store(spoolEnd, 0, end + line.length) // publish after the bytes are in place
  }

  W.begin = function (env) {
    active = true
    truncated = false
    for (const k of Object.keys(process.env)) delete process.env[k]
    for (const [k, v] of Object.entries(env || {})) process.env[k] = String(v)
    return new Promise((resolve, reject) => { crash = reject })
  }

  W.end = function () {
    active = false
    crash = null
  }

  W.uncaught = function (error) {
    W.mustRecycle = true // Node would have exited: the next call gets a fresh instance
    if (crash) crash(error)
  }

  // --- console ----------------------------------------------------------------------------
  const counts = new Map()
  const timers = new Map()
  const console = {}
  for (const level of ['log', 'info', 'warn', 'error', 'debug']) console[level] = (...args) => emit(level, args)
  console.trace = (...args) => emit('error', ['Trace: ' + W.lib.format(...args) + '\n' + new Error().stack.split('\n').slice(2).join('\n')])
  console.dir = (value, options) => emit('log', [W.lib.inspect(value, options)])
  console.assert = (ok, ...args) => { if (!ok) emit('error', ['Assertion failed' + (args.length ? ': ' + W.lib.format(...args) : '')]) }
  console.count = (label = 'default') => { counts.set(label, (counts.get(label) || 0) + 1); emit('info', [`${label}: ${counts.get(label)}`]) }
  console.time = (label = 'default') => { timers.set(label, Date.now()) }
  console.timeEnd = console.timeLog = (label = 'default') => emit('info', [`${label}: ${Date.now() - (timers.get(label) || Date.now())}ms`])
  G.console = console

  // --- timers -----------------------------------------------------------------------------
  let nextTimerId = 1
  const pending = new Map()

  function delayOf (ms) {
    ms = Number(ms)
    return ms >= 1 && ms <= 2147483647 ? ms : 1 // Node's rule; undefined must not mean "forever"
  }

  class Timeout {
    constructor (fn, ms, args, repeat) {
      if (typeof fn !== 'function') throw new TypeError('The "callback" argument must be of type function')
      Object.assign(this, { _fn: fn, _ms: ms, _args: args, _repeat: repeat, _id: nextTimerId++, _gen: 0 })
      pending.set(this._id, this)
      this._schedule()
    }

    _schedule () {
      const gen = ++this._gen
      // Atomics.waitAsync with 0 ms answers synchronously (no promise), so immediates wait 10 µs.
      engineSetTimeout(() => this._fire(gen), this._ms || 0.01)
    }

    _fire (gen) {
      if (gen !== this._gen || !pending.has(this._id)) return // cleared or refreshed meanwhile
      if (this._repeat) this._schedule(); else pending.delete(this._id)
      try { this._fn(...this._args) } catch (e) { W.uncaught(e) }
    }

    ref () { return this }
    unref () { return this }
    hasRef () { return true }
    refresh () { if (pending.has(this._id)) this._schedule(); return this }
    close () { clear(this); return this }
    [Symbol.toPrimitive] () { return this._id }
  }

  function clear (timer) {
    if (timer === null || timer === undefined) return
    const id = typeof timer === 'object' ? timer._id : Number(timer)
    const found = pending.get(id)
    if (found) { pending.delete(id); found._gen++ }
  }

  G.setTimeout = (fn, ms, ...args) => new Timeout(fn, delayOf(ms), args, false)
  G.setInterval = (fn, ms, ...args) => new Timeout(fn, delayOf(ms), args, true)
  G.setImmediate = (fn, ...args) => new Timeout(fn, 0, args, false)
  G.clearTimeout = G.clearInterval = G.clearImmediate = clear

  G.queueMicrotask = (fn) => {
    Promise.resolve().then(() => { try { fn() } catch (e) { W.uncaught(e) } })
  }

  // --- process ----------------------------------------------------------------------------
  const started = Date.now()
  const noop = function () { return this }
  const process = {
    env: {},
    version: 'v16.13.0',
    versions: { node: '16.13.0', v8: '9.4.146.24-node.14' },
    platform: 'linux',
    arch: 'x64',
    argv: ['/var/lang/node16/bin/node', '/var/user/index.js'],
    execArgv: [],
    pid: 1,
    exitCode: undefined,
    release: { name: 'node' },
    cwd: () => '/var/user',
    uptime: () => (Date.now() - started) / 1000,
    hrtime: Object.assign((prev) => {
      const ns = Math.round(performanceNow() * 1e6)
      const t = [Math.floor(ns / 1e9), ns % 1e9]
      if (!prev) return t
      const d = (t[0] - prev[0]) * 1e9 + t[1] - prev[1]
      return [Math.floor(d / 1e9), d % 1e9]
    }, { bigint: () => BigInt(Math.round(performanceNow() * 1e6)) }),
    memoryUsage: () => ({ rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 }),
    nextTick: (fn, ...args) => G.queueMicrotask(() => fn(...args)),
    emitWarning: (w) => emit('warn', [String(w)]),
    exit: (code) => { throw new Error(`process.exit(${code === undefined ? '' : code}) is not supported in a cloud function`) },
    on: noop, once: noop, off: noop, addListener: noop, removeListener: noop, removeAllListeners: noop,
    emit: () => false,
    listeners: () => []
  }
  function performanceNow () { return Date.now() - started } // no high-resolution clock in bare V8
  G.process = process
  G.global = G

  // --- host calls (used by built-in shims through require('wxsim:host')) -------------------
  let hostCallsInFlight = 0
  W.host = {
    async call (action, params) {
      let replyText
      hostCallsInFlight++
      try {
        replyText = await W.callRaw(String(action), JSON.stringify(params === undefined ? {} : params))
      } finally {
        hostCallsInFlight--
      }
      const reply = JSON.parse(replyText)
      if (reply.error) {
        const error = new Error(reply.error.message)
        error.errCode = reply.error.code
        error.errMsg = reply.error.message
        if (reply.error.tcb) error.tcbCode = reply.error.tcb
        throw error
      }
      return reply.result
    }
  }

  // Work that may still run JS after a call returned: timers not yet fired (or intervals) and
  // host calls not yet answered (a promise the function did not await). It would run while
  // the instance is idle, so the worker reports it and the pool checks that the instance
  // still answers before reusing it. Counted here, in the same turn as the return, so a reply
  // arriving meanwhile cannot hide it.
  W.pendingWork = () => pending.size + hostCallsInFlight
})(globalThis.__wxsim)
