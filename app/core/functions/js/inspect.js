// util.format and a compact util.inspect, close enough to Node's for console output.
(function (W) {
  'use strict'
  const IDENT = /^[A-Za-z_$][\w$]*$/

  function quote (s) {
    return "'" + s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n') + "'"
  }

  function key (k) {
    return typeof k === 'symbol' ? `[${k.toString()}]` : (IDENT.test(k) ? k : quote(k))
  }

  function wrapEntries (prefix, entries, open, close, indent) {
    if (!entries.length) return prefix + open + close
    // Node's isBelowBreakLength: short containers stay on one line, long ones get one entry a line.
    const start = entries.length + indent * 2 + open.length + prefix.trim().length + 10
    const total = entries.reduce((sum, e) => sum + e.length, entries.length + start)
    const single = `${prefix}${open} ${entries.join(', ')} ${close}`
    if (total <= 80 && !single.includes('\n')) return single
    const pad = '  '.repeat(indent + 1)
    return `${prefix}${open}\n${pad}${entries.join(',\n' + pad)}\n${'  '.repeat(indent)}${close}`
  }

  function fnText (f) {
    const src = Function.prototype.toString.call(f)
    if (src.startsWith('class')) return `[class ${f.name || '(anonymous)'}]`
    return `[Function: ${f.name || '(anonymous)'}]`
  }

  function props (obj, depth, seen, indent, skipIndices) {
    const out = []
    for (const k of Reflect.ownKeys(obj)) {
      const d = Object.getOwnPropertyDescriptor(obj, k)
      if (!d || !d.enumerable || (skipIndices && typeof k === 'string' && /^\d+$/.test(k))) continue
      const v = d.get ? (d.set ? '[Getter/Setter]' : '[Getter]') : fmt(d.value, depth, seen, indent + 1)
      out.push(`${key(k)}: ${v}`)
    }
    return out
  }

  function fmtObject (v, depth, seen, indent) {
    const custom = v[Symbol.for('nodejs.util.inspect.custom')]
    if (typeof custom === 'function') return String(custom.call(v, depth, { depth }))
    if (v instanceof Error) return v.stack || String(v)
    if (v instanceof Date) return isNaN(v) ? 'Invalid Date' : v.toISOString()
    if (v instanceof RegExp) return String(v)
    if (v instanceof Promise) return 'Promise { <unknown> }'
    if (W.lib.Buffer && v instanceof W.lib.Buffer) {
      const hex = Array.from(v.subarray(0, 50), (b) => (b < 16 ? '0' : '') + b.toString(16))
      return `<Buffer${hex.length ? ' ' + hex.join(' ') : ''}${v.length > 50 ? ` ... ${v.length - 50} more bytes` : ''}>`
    }
    const isArray = Array.isArray(v)
    if (depth < 0) return isArray ? '[Array]' : `[${(v.constructor && v.constructor.name) || 'Object'}]`
    seen.push(v)
    try {
      const next = depth - 1
      if (isArray || ArrayBuffer.isView(v)) {
        const items = Array.from(v.length > 100 ? Array.prototype.slice.call(v, 0, 100) : v, (x) => fmt(x, next, seen, indent + 1))
        if (v.length > 100) items.push(`... ${v.length - 100} more items`)
        const prefix = isArray ? '' : `${v.constructor.name}(${v.length}) `
        return wrapEntries(prefix, items.concat(props(v, next, seen, indent, true)), '[', ']', indent)
      }
      if (v instanceof Map) {
        const items = Array.from(v, ([k, x]) => `${fmt(k, next, seen, indent + 1)} => ${fmt(x, next, seen, indent + 1)}`)
        return wrapEntries(`Map(${v.size}) `, items, '{', '}', indent)
      }
      if (v instanceof Set) return wrapEntries(`Set(${v.size}) `, Array.from(v, (x) => fmt(x, next, seen, indent + 1)), '{', '}', indent)
      const proto = Object.getPrototypeOf(v)
      let prefix = ''
      if (proto === null) prefix = '[Object: null prototype] '
      else if (proto !== Object.prototype && proto.constructor && proto.constructor.name) prefix = proto.constructor.name + ' '
      return wrapEntries(prefix, props(v, next, seen, indent), '{', '}', indent)
    } finally {
      seen.pop()
    }
  }

  function fmt (v, depth, seen, indent) {
    switch (typeof v) {
      case 'string': return quote(v)
      case 'number': return Object.is(v, -0) ? '-0' : String(v)
      case 'bigint': return `${v}n`
      case 'symbol': return v.toString()
      case 'function': return fnText(v)
      case 'undefined': return 'undefined'
      case 'boolean': return String(v)
    }
    if (v === null) return 'null'
    if (seen.includes(v)) return '[Circular *1]'
    return fmtObject(v, depth, seen, indent)
  }

  function inspect (value, options) {
    const depth = options && typeof options === 'object' && options.depth !== undefined ? options.depth : 2
    return fmt(value, depth === null || depth === Infinity ? 1e9 : depth, [], 0)
  }

  function plain (v) { return typeof v === 'string' ? v : inspect(v) }

  function hasOwnToString (v) {
    for (let p = v; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
      if (Object.prototype.hasOwnProperty.call(p, 'toString') && p !== Array.prototype) return true
    }
    return false
  }

  function substitute (spec, arg) {
    switch (spec) {
      case 's':
        if (typeof arg === 'bigint') return `${arg}n`
        if (typeof arg === 'object' && arg !== null && !(arg instanceof Error) && !hasOwnToString(arg)) return inspect(arg, { depth: 0 })
        return typeof arg === 'symbol' ? arg.toString() : String(arg)
      case 'd': return typeof arg === 'bigint' ? `${arg}n` : (typeof arg === 'object' ? 'NaN' : String(Number(arg)))
      case 'i': return typeof arg === 'bigint' ? `${arg}n` : String(parseInt(arg))
      case 'f': return String(parseFloat(arg))
      case 'j': try { return JSON.stringify(arg) } catch (e) { return '[Circular]' }
      case 'o': return inspect(arg, { depth: 4 })
      case 'O': return inspect(arg)
      case 'c': return ''
    }
  }

  function format (...args) {
    if (typeof args[0] !== 'string') return args.map(plain).join(' ')
    let i = 1
    const head = args[0].replace(/%([sdifjoOc%])/g, (m, spec) => {
      if (spec === '%') return '%'
      if (i >= args.length) return m
      return substitute(spec, args[i++])
    })
    return [head].concat(args.slice(i).map(plain)).join(' ')
  }

  W.lib.format = format
  W.lib.inspect = inspect
})(globalThis.__wxsim)
