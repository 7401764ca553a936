// CommonJS for cloud functions on bare V8: Node's resolution over files the worker fetched ahead.
// require() is synchronous but mini-racer only offers async host calls, so file contents are
// fetched before user code runs: the function's own files at once, node_modules packages one
// whole package at a time, following the require('literal') calls a static scan finds.
(function (W) {
  'use strict'
  const ROOT = '/var/user' // where SCF puts the code; the worker maps it onto the function dir
  const NODE_BUILTINS = new Set(('assert async_hooks buffer child_process cluster console constants crypto dgram ' +
    'diagnostics_channel dns domain events fs fs/promises http http2 https inspector module net os path ' +
    'path/posix perf_hooks process punycode querystring readline repl stream stream/promises ' +
    'string_decoder sys timers timers/promises tls trace_events tty url util util/types v8 vm wasi ' +
    'worker_threads zlib').split(' '))
  const builtinSources = new Map() // name -> JS source, registered by the worker
  const internal = new Map() // modules only built-ins may require
  const builtinCache = new Map()
  const nodes = new Map() // virtual path -> {dir, entries (null: not listed yet), text}
  const fetched = new Set()
  const toScan = []
  const cache = Object.create(null)
  let mainModule

  class NeedListing { constructor (dir) { this.dir = dir } }

  // --- paths (always POSIX, always absolute, under ROOT) ----------------------------------
  function normalize (p) {
    const out = []
    for (const part of p.split('/')) {
      if (part === '..') out.pop(); else if (part && part !== '.') out.push(part)
    }
    return '/' + out.join('/')
  }
  const join = (base, rel) => normalize(rel.startsWith('/') ? rel : base + '/' + rel)
  const dirname = (p) => p.slice(0, p.lastIndexOf('/')) || '/'

  // --- the fetched file tree ----------------------------------------------------------------
  function lookup (p) {
    const node = nodes.get(p)
    if (node) return node
    if (p === ROOT) throw new NeedListing(ROOT)
    if (!p.startsWith(ROOT + '/')) return null // nothing outside the function is reachable
    const parent = lookup(dirname(p))
    if (!parent || !parent.dir) return null
    if (parent.entries) return null // listed, and p is not in it
    throw new NeedListing(dirname(p))
  }
  const isFile = (p) => { const n = lookup(p); return !!n && !n.dir }
  const isDir = (p) => { const n = lookup(p); return !!n && n.dir }

  function merge (tree) {
    for (const [dir, entries] of Object.entries(tree.dirs)) {
      nodes.set(dir, { dir: true, entries })
      for (const [name, kind] of Object.entries(entries)) {
        const child = dir + '/' + name
        if (!nodes.has(child)) nodes.set(child, { dir: kind === 'd', entries: null, text: null })
      }
    }
    for (const [file, text] of Object.entries(tree.files)) {
      nodes.set(file, { dir: false, text })
      if (/\.c?js$/.test(file)) toScan.push(file)
    }
  }

  async function ensure (attempt) {
    for (;;) {
      try { return attempt() } catch (e) {
        if (!(e instanceof NeedListing)) throw e
        if (fetched.has(e.dir)) throw new Error(`wxsim loader: ${e.dir} was listed but is still unknown`)
        fetched.add(e.dir)
        merge(JSON.parse(await W.fsRaw(e.dir)))
      }
    }
  }

  async function preload () {
    while (toScan.length) {
      const file = toScan.pop()
      const re = /\brequire\s*\(\s*(['"`])([^'"`\n]+)\1\s*\)/g
      for (let m; (m = re.exec(nodes.get(file).text || ''));) {
        if (builtinName(m[2]) !== null) continue
        try { await ensure(() => resolveFile(m[2], dirname(file))) } catch (e) { /* reported if it ever runs */ }
      }
    }
  }

  // --- Node's resolution algorithm ----------------------------------------------------------
  function builtinName (spec) {
    const name = spec.startsWith('node:') ? spec.slice(5) : spec
    return builtinSources.has(name) || NODE_BUILTINS.has(name) || spec.startsWith('node:') ? name : null
  }

  function asFile (x) {
    for (const candidate of [x, x + '.js', x + '.json', x + '.cjs']) if (isFile(candidate)) return candidate
    return null
  }
  const asIndex = (x) => (isFile(x + '/index.js') ? x + '/index.js' : isFile(x + '/index.json') ? x + '/index.json' : null)

  function readPackage (dir) {
    const file = dir + '/package.json'
    if (!isFile(file)) return null
    try { return JSON.parse(nodes.get(file).text) } catch (e) { return null }
  }

  function asDirectory (x) {
    const pkg = readPackage(x)
    if (pkg && typeof pkg.main === 'string' && pkg.main) {
      const main = join(x, pkg.main)
      const found = asFile(main) || asIndex(main)
      if (found) return found
    }
    return asIndex(x)
  }

  function exportsTarget (exp, sub) {
    if (typeof exp === 'string' || Array.isArray(exp) || (exp && !Object.keys(exp).some((k) => k.startsWith('.')))) exp = { '.': exp }
    let target = exp && exp[sub]
    for (const k of Object.keys(exp || {})) {
      const star = k.indexOf('*')
      if (target === undefined && star >= 0 && sub.startsWith(k.slice(0, star)) && sub.endsWith(k.slice(star + 1))) {
        const middle = sub.slice(star, sub.length - (k.length - star - 1))
        target = JSON.parse(JSON.stringify(exp[k]).split('*').join(middle))
      }
    }
    while (target && typeof target === 'object') target = Array.isArray(target) ? target[0] : (target.require || target.node || target.default)
    return typeof target === 'string' ? target : null
  }

  function fromNodeModules (spec, from) {
    const parts = spec.split('/')
    const name = spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
    const sub = spec.slice(name.length)
    for (let dir = from; dir.startsWith(ROOT); dir = dirname(dir)) {
      if (dir.endsWith('/node_modules')) continue
      const pkgDir = dir + '/node_modules/' + name
      if (!isDir(pkgDir)) continue
      const pkg = readPackage(pkgDir)
      const target = pkg && pkg.exports !== undefined ? exportsTarget(pkg.exports, '.' + sub) : null
      const found = (target && asFile(join(pkgDir, target))) || asFile(pkgDir + sub) || asDirectory(pkgDir + sub)
      if (found) return found
    }
    return null
  }

  function resolveFile (spec, from) {
    if (/^\.\.?(\/|$)|^\//.test(spec)) {
      const x = join(from, spec)
      return asFile(x) || asDirectory(x)
    }
    return fromNodeModules(spec, from)
  }

  function notFound (spec, parent, why) {
    const stack = []
    for (let m = parent; m && !m.builtin; m = m.parent) stack.push('- ' + m.filename)
    const e = new Error(`Cannot find module '${spec}'${why || ''}${stack.length ? '\nRequire stack:\n' + stack.join('\n') : ''}`)
    e.code = 'MODULE_NOT_FOUND'
    return e
  }

  // --- modules ------------------------------------------------------------------------------
  class Module {
    constructor (filename, parent, builtin) {
      Object.assign(this, { id: filename, filename, exports: {}, loaded: false, parent, children: [], builtin })
      if (parent) parent.children.push(this)
    }
  }

  function compile (module, text) {
    const body = text.replace(/^\uFEFF/, '').replace(/^#!.*/, '') // keep line numbers
    const source = '(function (exports, require, module, __filename, __dirname) {' + body + '\n})\n//# sourceURL=' + module.filename
    let fn
    try { fn = (0, eval)(source) } catch (e) {
      if (e instanceof SyntaxError) e.wxsimFile = module.filename // the worker adds line and caret
      throw e
    }
    fn.call(module.exports, module.exports, makeRequire(module), module, module.filename, dirname(module.filename))
  }

  function loadFile (filename, parent) {
    const cached = cache[filename]
    if (cached) { if (parent) parent.children.push(cached); return cached.exports }
    const node = nodes.get(filename)
    if (node.text === null) throw new Error(`Cannot load '${filename}': only .js and .json files up to 4 MB can be required`)
    const module = new Module(filename, parent, false)
    if (!parent) mainModule = module
    cache[filename] = module // before running, so require cycles see the partial exports like Node
    try {
      if (filename.endsWith('.json')) {
        try { module.exports = JSON.parse(node.text.replace(/^\uFEFF/, '')) } catch (e) { e.message = filename + ': ' + e.message; throw e }
      } else compile(module, node.text)
    } catch (e) { delete cache[filename]; throw e }
    module.loaded = true
    return module.exports
  }

  function loadBuiltin (name) {
    if (!builtinCache.has(name)) {
      const module = new Module(`wxsim:builtin/${name}.js`, null, true)
      builtinCache.set(name, module)
      try { compile(module, builtinSources.get(name)) } catch (e) { builtinCache.delete(name); throw e }
      module.loaded = true
    }
    return builtinCache.get(name).exports
  }

  function requireFrom (parent, spec) {
    if (typeof spec !== 'string' || !spec) throw new TypeError(`The "id" argument must be a non-empty string. Received ${W.lib.inspect(spec)}`)
    if (parent.builtin && internal.has(spec)) return internal.get(spec)
    const name = builtinName(spec)
    if (name !== null) {
      if (builtinSources.has(name)) return loadBuiltin(name)
      const offered = Array.from(builtinSources.keys()).filter((n) => NODE_BUILTINS.has(n)).join(', ')
      throw notFound(spec, parent, ` (Node built-in modules other than ${offered} are not available in the embedded runtime)`)
    }
    let filename
    try { filename = resolveFile(spec, dirname(parent.filename)) } catch (e) {
      if (!(e instanceof NeedListing)) throw e
      throw notFound(spec, parent, " (packages are loaded ahead of time from require('…') calls with a literal name; this one was computed at run time)")
    }
    if (!filename) throw notFound(spec, parent)
    return loadFile(filename, parent)
  }

  function makeRequire (module) {
    const require = (spec) => requireFrom(module, spec)
    require.resolve = (spec) => {
      if (builtinName(spec) !== null) return spec
      let found = null
      try { found = resolveFile(spec, dirname(module.filename)) } catch (e) { if (!(e instanceof NeedListing)) throw e }
      if (!found) throw notFound(spec, module)
      return found
    }
    require.cache = cache
    Object.defineProperty(require, 'main', { get: () => mainModule })
    return require
  }

  // --- one invocation -----------------------------------------------------------------------
  function callHandler (fn, event, context) {
    return new Promise((resolve, reject) => {
      const callback = (error, value) => (error ? reject(error) : resolve(value)) // SCF's callback style
      const returned = fn(event, context, callback)
      if (returned && typeof returned.then === 'function') returned.then(resolve, reject)
      else if (fn.length < 3 || returned !== undefined) resolve(returned)
    })
  }

  async function invoke (p) {
    for (const hook of beforeRun) hook()
    const entry = join(ROOT, p.entry)
    for (const name of p.prelude || []) loadBuiltin(name) // e.g. the client's global wx
    if (!cache[entry]) {
      await ensure(() => lookup(entry))
      await preload()
      if (!isFile(entry)) throw new Error(`Cannot find module '${entry}': a cloud function needs its entry file ${p.entry}`)
      try { loadFile(entry, null) } catch (e) { W.mustRecycle = true; throw e } // a failed init is not reused
    }
    const exported = cache[entry].exports
    const handler = exported && exported[p.handler]
    if (typeof handler !== 'function') {
      throw new Error(`${p.entry} does not export a function '${p.handler}' (write exports.${p.handler} = async (event, context) => { … })`)
    }
    const value = await callHandler(handler, p.event, p.context)
    for (const hook of afterMain) await hook() // e.g. a client run waits for its open listeners
    return value
  }

  function describe (e) {
    const isError = e instanceof Error || (e !== null && typeof e === 'object' && typeof e.message === 'string')
    const out = isError
      ? { name: String(e.name || 'Error'), message: e.message, stack: String(e.stack || `${e.name}: ${e.message}`) }
      : { name: 'Error', message: typeof e === 'string' ? e : W.lib.inspect(e), stack: '' }
    out.stack = out.stack.split('\n').filter((line) => !/^\s+at .*wxsim:/.test(line)).join('\n') // our frames are noise
    if (e && typeof e.errCode === 'number') out.code = e.errCode
    if (e && typeof e.errMsg === 'string') out.errMsg = e.errMsg
    if (e && e.wxsimFile) out.file = e.wxsimFile
    // Code compiled at run time (the console's boxes): the body V8 refused, for the worker to
    // compile again (never run) and read the line and caret from.
    if (e && typeof e.wxsimSource === 'string') out.source = e.wxsimSource
    return out
  }

  W.run = async function (payload) {
    const p = JSON.parse(payload)
    const crashed = W.begin(p.env)
    let meta; let text = 'null'
    try {
      const value = await Promise.race([invoke(p), crashed])
      text = JSON.stringify(value === undefined ? null : value)
      if (text === undefined) text = 'null' // a function or a symbol: JSON has no such thing
      meta = { error: null }
    } catch (e) {
      meta = { error: describe(e) }
      text = 'null'
    }
    W.end()
    meta.recycle = !!W.mustRecycle
    meta.pending = W.pendingWork()
    W.doneRaw(JSON.stringify(meta) + '\n' + text)
  }

  W.addBuiltin = (name, source) => { builtinSources.set(name, source) }
  internal.set('wxsim:host', W.host)
  internal.set('wxsim:lib', W.lib)
  // Built-ins that live across a run: what to reset as one begins, what to wait for after main.
  const beforeRun = []
  const afterMain = []
  internal.set('wxsim:lifecycle', { beforeRun: (hook) => beforeRun.push(hook), afterMain: (hook) => afterMain.push(hook) })
})(globalThis.__wxsim)
