// Node's path module, POSIX flavour (the cloud runs Linux), with process.cwd() as /var/user.
'use strict'

function assertPath (p) {
  if (typeof p !== 'string') throw new TypeError(`The "path" argument must be of type string. Received ${typeof p}`)
}

function normalizeParts (p, allowAboveRoot) {
  const out = []
  for (const part of p.split('/')) {
    if (!part || part === '.') continue
    if (part === '..') {
      if (out.length && out[out.length - 1] !== '..') out.pop()
      else if (allowAboveRoot) out.push('..')
    } else out.push(part)
  }
  return out.join('/')
}

function normalize (p) {
  assertPath(p)
  if (!p) return '.'
  const absolute = p.startsWith('/')
  let out = normalizeParts(p, !absolute)
  if (!out && !absolute) out = '.'
  if (out && p.endsWith('/')) out += '/'
  return (absolute ? '/' : '') + out
}

function join (...parts) {
  parts.forEach(assertPath)
  const joined = parts.filter((x) => x).join('/')
  return joined ? normalize(joined) : '.'
}

function resolve (...parts) {
  let resolved = ''
  for (let i = parts.length - 1; i >= -1 && !resolved.startsWith('/'); i--) {
    const p = i >= 0 ? parts[i] : process.cwd()
    assertPath(p)
    if (p) resolved = p + '/' + resolved
  }
  return '/' + normalizeParts(resolved, false)
}

function dirname (p) {
  assertPath(p)
  if (!p) return '.'
  const trimmed = p.length > 1 ? p.replace(/\/+$/, '') : p
  const i = trimmed.lastIndexOf('/')
  if (i < 0) return '.'
  if (i === 0) return '/'
  return trimmed.slice(0, i).replace(/\/+$/, '') || '/'
}

function basename (p, ext) {
  assertPath(p)
  const base = p.replace(/\/+$/, '').split('/').pop()
  return ext && base !== ext && base.endsWith(ext) ? base.slice(0, -ext.length) : base
}

function extname (p) {
  const base = basename(p)
  const dot = base.lastIndexOf('.')
  return dot <= 0 ? '' : base.slice(dot)
}

function relative (from, to) {
  const a = resolve(from).split('/').filter(Boolean)
  const b = resolve(to).split('/').filter(Boolean)
  let i = 0
  while (i < a.length && i < b.length && a[i] === b[i]) i++
  return a.slice(i).map(() => '..').concat(b.slice(i)).join('/')
}

function parse (p) {
  assertPath(p)
  const root = p.startsWith('/') ? '/' : ''
  const base = basename(p)
  const ext = extname(p)
  let dir = dirname(p)
  if (dir === '.' && !p.includes('/')) dir = ''
  return { root, dir, base, ext, name: ext ? base.slice(0, -ext.length) : base }
}

function format (obj) {
  const dir = obj.dir || obj.root || ''
  const base = obj.base || (obj.name || '') + (obj.ext || '')
  return dir ? (dir === obj.root ? dir + base : dir + '/' + base) : base
}

const path = {
  sep: '/',
  delimiter: ':',
  normalize,
  join,
  resolve,
  dirname,
  basename,
  extname,
  relative,
  parse,
  format,
  isAbsolute: (p) => { assertPath(p); return p.startsWith('/') },
  toNamespacedPath: (p) => p
}
path.posix = path
module.exports = path
