// A persistent Node.js worker that runs one cloud function folder with real Node semantics.
//
// Started by app/core/functions/runtime/node_process.py as `node --max-old-space-size=N worker.js`.
// One JSON object per line: the parent writes to our stdin, we write to fd 1; stderr is for
// diagnostics. User code never sees fd 0/1: process.stdin/stdout/stderr are replaced by
// stand-ins, so nothing it prints can corrupt the protocol.
//
// Parent -> worker:
//   {"type":"init","log_limit":bytes,"result_limit":{"bytes","code","message"}}   first, once
//   {"type":"invoke","id","dir","entry","handler","prelude":[…],"event","context","env"}
// Worker -> parent:
//   {"type":"ready","node":"v20…"}                        after init
//   {"type":"log","id","level","text","time"}              each console line, written at once
//                                                          so lines before a runaway loop survive
//   {"type":"stale","id"}                                  a file this instance loaded changed:
//                                                          nothing ran; use a fresh instance
//   {"type":"done","id","error":null|{name,message,stack,code?,errMsg?},"recycle":bool,
//    "result":…}                                           recycle: do not reuse this process
'use strict'
const fs = require('fs')
const path = require('path')
const util = require('util')
const Module = require('module')
const { Readable, Writable } = require('stream')

const LEVELS = ['log', 'info', 'warn', 'error', 'debug']
const IDLE_LINES = 200 // lines printed between calls, shown with the next call (as SCF thaws)
const pause = new Int32Array(new SharedArrayBuffer(4))
let config = { log_limit: 4 * 1024 * 1024, result_limit: null }
let current = null // the running call: {id, logBytes, truncated, crash}
let boundDir = null
let entryLoaded = false
let lastEnvKeys = []
const baseEnv = { ...process.env } // what the pool started us with (SDK defaults included)
const idleLines = []
const watched = new Map() // path -> "mtimeNs:size" (or "-" if absent) when it was loaded

// --- the protocol channel: fd 1, synchronous, never through a stream ------------------------
function writeAll (fd, text) {
  const buf = Buffer.from(text, 'utf8')
  for (let off = 0; off < buf.length;) {
    try { off += fs.writeSync(fd, buf, off) } catch (e) {
      if (e.code !== 'EAGAIN') throw e
      Atomics.wait(pause, 0, 0, 1) // someone made the pipe non-blocking: wait for the reader
    }
  }
}
const send = (msg) => writeAll(1, JSON.stringify(msg) + '\n')
const diagnose = (text) => { try { writeAll(2, `[wxsim node worker] ${text}\n`) } catch (e) {} }

// --- console capture --------------------------------------------------------------------------
let consoleLevel = null // set while one of our console wrappers runs
const partial = { 1: '', 2: '' }

function emit (level, text) {
  const time = Date.now() / 1000
  if (!current) {
    if (idleLines.length < IDLE_LINES) idleLines.push({ level, text, time })
    return
  }
  if (current.truncated) return
  current.logBytes += Buffer.byteLength(text)
  if (current.logBytes > config.log_limit) {
    current.truncated = true
    text = `… (log output truncated at ${Math.round(config.log_limit / 1048576)} MB)`
    level = 'warn'
  }
  send({ type: 'log', id: current.id, level, text, time })
}

function onWrite (fd, text) {
  if (consoleLevel) { emit(consoleLevel, text.endsWith('\n') ? text.slice(0, -1) : text); return }
  const lines = (partial[fd] + text).split('\n') // raw process.stdout/stderr writes: by line
  partial[fd] = lines.pop()
  for (const line of lines) emit(fd === 1 ? 'log' : 'error', line)
}

function flushPartial () {
  for (const fd of [1, 2]) if (partial[fd]) { emit(fd === 1 ? 'log' : 'error', partial[fd]); partial[fd] = '' }
}

function standIn (fd) {
  const stream = new Writable({ write (chunk, encoding, done) { onWrite(fd, chunk.toString()); done() } })
  return Object.assign(stream, { fd, isTTY: false, _type: 'pipe' })
}

const realStdin = process.stdin // created before user code can replace the getter
const fakeStdin = new Readable({ read () { this.push(null) } })
const fakeStdout = standIn(1)
const fakeStderr = standIn(2)
// The global console binds process.stdout/stderr lazily, so it writes to the stand-ins too.
for (const [name, value] of [['stdin', fakeStdin], ['stdout', fakeStdout], ['stderr', fakeStderr]]) {
  Object.defineProperty(process, name, { configurable: true, enumerable: true, get: () => value })
}
for (const level of LEVELS) {
  const original = console[level] // Node formats (util.format, group indent) and writes once
  console[level] = function (...args) {
    const outer = consoleLevel
    consoleLevel = level
    try { return original.apply(this, args) } finally { consoleLevel = outer }
  }
}

// --- files this instance loaded, so an edit recycles it -------------------------------------
function signature (file) {
  const st = fs.statSync(file, { bigint: true, throwIfNoEntry: false })
  return st ? `${st.mtimeNs}:${st.size}` : '-'
}

function watch (file) {
  const inside = file.startsWith(boundDir + path.sep)
  const parts = (inside ? file.slice(boundDir.length + 1) : file).split(path.sep)
  const at = parts.indexOf('node_modules') // counted from the function folder, whatever is above it
  if (at < 0) { watched.set(file, signature(file)); return }
  // Hundreds of package files would cost ~1 ms to stat per call; an npm install rewrites
  // node_modules (entries) and its .package-lock.json, which is what changes packages.
  const top = parts.slice(0, at + 1).join(path.sep)
  const root = inside ? path.join(boundDir, top) : top
  for (const p of [root, path.join(root, '.package-lock.json')]) if (!watched.has(p)) watched.set(p, signature(p))
}

for (const ext of ['.js', '.json', '.node']) {
  const load = Module._extensions[ext]
  // Stat before reading: an edit after this point shows as a changed signature later.
  Module._extensions[ext] = function (module, filename) { watch(filename); return load.call(this, module, filename) }
}

const isStale = () => { for (const [p, sig] of watched) if (signature(p) !== sig) return true; return false }

// --- one invocation ----------------------------------------------------------------------------
function applyEnv (env) {
  // Only the keys the platform sets per call are replaced; what user code set itself stays.
  for (const key of lastEnvKeys) {
    if (key in env) continue
    if (key in baseEnv) process.env[key] = baseEnv[key]; else delete process.env[key]
  }
  for (const [key, value] of Object.entries(env)) process.env[key] = String(value)
  lastEnvKeys = Object.keys(env)
}

function callHandler (fn, event, context) {
  return new Promise((resolve, reject) => {
    const callback = (error, value) => (error ? reject(error) : resolve(value)) // SCF's callback style
    const returned = fn(event, context, callback)
    if (returned && typeof returned.then === 'function') returned.then(resolve, reject)
    else if (fn.length < 3 || returned !== undefined) resolve(returned)
  })
}

function load (msg) {
  const entry = path.resolve(msg.dir, msg.entry)
  if (entryLoaded) return require(entry) // Node's module cache: the warm path
  for (const name of msg.prelude || []) require(require.resolve(name, { paths: [msg.dir] }))
  if (!fs.existsSync(entry)) throw new Error(`Cannot find module '${entry}': a cloud function needs its entry file ${msg.entry}`)
  try {
    const exported = require(entry)
    entryLoaded = true
    return exported
  } catch (e) {
    current.recycle = true // a failed initialisation is not reused, as on the platform
    throw e
  }
}

async function run (msg) {
  applyEnv(msg.env || {})
  if (boundDir === null) { process.chdir(msg.dir); boundDir = msg.dir }
  if (boundDir !== msg.dir) throw new Error(`this instance runs ${boundDir}, not ${msg.dir}`)
  const exported = load(msg)
  const handler = exported && exported[msg.handler]
  if (typeof handler !== 'function') {
    throw new Error(`${msg.entry} does not export a function '${msg.handler}' (write exports.${msg.handler} = async (event, context) => { … })`)
  }
  return callHandler(handler, msg.event, msg.context)
}

function describe (e) {
  try {
    const isError = e instanceof Error || (e !== null && typeof e === 'object' && typeof e.message === 'string')
    const out = isError
      ? { name: String(e.name || 'Error'), message: String(e.message), stack: String(e.stack || `${e.name}: ${e.message}`) }
      : { name: 'Error', message: typeof e === 'string' ? e : util.inspect(e), stack: '' }
    // Our frames (and our place in Node's "Require stack") are noise to the user.
    const ours = (text) => text.split('\n').filter((line) => !line.includes(__filename)).join('\n')
    out.message = ours(out.message)
    out.stack = ours(out.stack)
    if (isError && e.code === 'MODULE_NOT_FOUND' && /^Cannot find module '[^./]/.test(out.message)) {
      out.message += '\n(run `npm install` in the function\'s folder)'
    }
    if (e && typeof e.errCode === 'number') out.code = e.errCode
    if (e && typeof e.errMsg === 'string') out.errMsg = e.errMsg
    return out
  } catch (inner) {
    return { name: 'Error', message: 'the function threw a value that cannot be described', stack: '' }
  }
}

function serialise (value) {
  const text = JSON.stringify(value === undefined ? null : value)
  if (text === undefined) return 'null' // a function or a symbol: JSON has no such thing
  const limit = config.result_limit
  if (limit && Buffer.byteLength(text) > limit.bytes) {
    throw Object.assign(new Error(limit.message), { errCode: limit.code, stack: `Error: ${limit.message}` })
  }
  return text
}

async function invoke (msg) {
  if (entryLoaded && isStale()) { send({ type: 'stale', id: msg.id }); return }
  const call = current = { id: msg.id, logBytes: 0, truncated: false, recycle: false }
  for (const line of idleLines.splice(0)) send({ type: 'log', id: msg.id, ...line })
  const crashed = new Promise((resolve, reject) => { call.crash = reject })
  let error = null
  let text = 'null'
  try {
    text = serialise(await Promise.race([run(msg), crashed]))
  } catch (e) {
    error = describe(e)
  }
  flushPartial()
  current = null
  const head = { type: 'done', id: msg.id, error, recycle: call.recycle }
  writeAll(1, JSON.stringify(head).slice(0, -1) + ',"result":' + text + '}\n')
}

// An error nobody catches fails the running call, and the process is not reused (its state is
// unknown); between calls there is no call to blame, so the process just ends.
function uncaught (e) {
  if (current) { current.recycle = true; current.crash(e); return }
  diagnose(`uncaught between calls: ${util.inspect(e)}`)
  process.exit(70)
}
process.on('uncaughtException', uncaught)
process.on('unhandledRejection', uncaught)
process.on('SIGINT', () => {}) // Ctrl-C in a terminal reaches the group; the parent decides

// --- the message loop ---------------------------------------------------------------------------
function onMessage (msg) {
  if (msg.type === 'init') {
    config = { ...config, ...msg }
    send({ type: 'ready', node: process.version })
  } else if (msg.type === 'invoke') {
    if (current) { diagnose(`invoke ${msg.id} while ${current.id} runs: ignored`); return }
    invoke(msg).catch((e) => { diagnose(`internal error: ${util.inspect(e)}`); process.exit(71) })
  }
}

let pending = []
realStdin.on('data', (chunk) => {
  let at = chunk.indexOf(10)
  if (at < 0) { pending.push(chunk); return }
  let start = 0
  while (at >= 0) {
    pending.push(chunk.subarray(start, at))
    const line = Buffer.concat(pending).toString('utf8')
    pending = []
    if (line) onMessage(JSON.parse(line))
    start = at + 1
    at = chunk.indexOf(10, start)
  }
  if (start < chunk.length) pending.push(chunk.subarray(start))
})
realStdin.on('end', () => process.exit(0)) // the parent closed us (or went away)
