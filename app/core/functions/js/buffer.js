// Byte codecs (utf8, base64, hex, latin1), Node's Buffer, TextEncoder/TextDecoder, atob/btoa.
// Bare V8 has none of these; cloud functions and npm packages use them constantly.
(function (W) {
  'use strict'
  const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
  const B64_INDEX = new Int16Array(128).fill(-1)
  for (let i = 0; i < 64; i++) B64_INDEX[B64.charCodeAt(i)] = i
  B64_INDEX[45] = 62 // '-' and '_' too: Node decodes base64url under 'base64'
  B64_INDEX[95] = 63

  function utf8Encode (str) {
    const out = new Uint8Array(str.length * 3)
    let n = 0
    for (let i = 0; i < str.length; i++) {
      let c = str.charCodeAt(i)
      if (c >= 0xd800 && c <= 0xdfff) {
        const d = str.charCodeAt(i + 1)
        if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) { c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00); i++ } else c = 0xfffd
      }
      if (c < 0x80) out[n++] = c
      else if (c < 0x800) { out[n++] = 0xc0 | (c >> 6); out[n++] = 0x80 | (c & 63) } else if (c < 0x10000) {
        out[n++] = 0xe0 | (c >> 12); out[n++] = 0x80 | ((c >> 6) & 63); out[n++] = 0x80 | (c & 63)
      } else {
        out[n++] = 0xf0 | (c >> 18); out[n++] = 0x80 | ((c >> 12) & 63)
        out[n++] = 0x80 | ((c >> 6) & 63); out[n++] = 0x80 | (c & 63)
      }
    }
    return out.slice(0, n)
  }

  function codeUnitsToString (units, n) {
    let s = ''
    // fromCharCode.apply has an argument-count limit, so go in chunks.
    for (let i = 0; i < n; i += 8192) s += String.fromCharCode.apply(null, units.subarray(i, Math.min(n, i + 8192)))
    return s
  }

  function utf8Decode (bytes) {
    const units = new Uint16Array(bytes.length * 2)
    let n = 0
    for (let i = 0; i < bytes.length;) {
      const b = bytes[i]
      let c = 0xfffd; let need = 0; let min = 0
      if (b < 0x80) { c = b; i++ } else if (b >= 0xc2 && b < 0xe0) { c = b & 31; need = 1; min = 0x80 } else if (b >= 0xe0 && b < 0xf0) { c = b & 15; need = 2; min = 0x800 } else if (b >= 0xf0 && b < 0xf5) { c = b & 7; need = 3; min = 0x10000 } else i++
      if (need) {
        let k = 1
        for (; k <= need && i + k < bytes.length && (bytes[i + k] & 0xc0) === 0x80; k++) c = (c << 6) | (bytes[i + k] & 63)
        if (k <= need || c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) c = 0xfffd
        i += k
      }
      if (c >= 0x10000) { c -= 0x10000; units[n++] = 0xd800 + (c >> 10); units[n++] = 0xdc00 + (c & 1023) } else units[n++] = c
    }
    return codeUnitsToString(units, n)
  }

  function base64Encode (bytes, url) {
    let s = ''
    for (let i = 0; i < bytes.length; i += 3) {
      const a = bytes[i]; const b = bytes[i + 1]; const c = bytes[i + 2]
      s += B64[a >> 2] + B64[((a & 3) << 4) | ((b || 0) >> 4)]
      s += i + 1 < bytes.length ? B64[((b & 15) << 2) | ((c || 0) >> 6)] : (url ? '' : '=')
      s += i + 2 < bytes.length ? B64[c & 63] : (url ? '' : '=')
    }
    return url ? s.replace(/\+/g, '-').replace(/\//g, '_') : s
  }

  function base64Decode (str) {
    const out = new Uint8Array(Math.ceil(str.length * 3 / 4))
    let n = 0; let acc = 0; let bits = 0
    for (let i = 0; i < str.length; i++) {
      const code = str.charCodeAt(i)
      if (code === 61) break // '=' ends the data, as in Node
      const v = code < 128 ? B64_INDEX[code] : -1
      if (v < 0) continue // Node skips whitespace and other junk
      acc = (acc << 6) | v; bits += 6
      if (bits >= 8) { bits -= 8; out[n++] = (acc >> bits) & 255 }
    }
    return out.slice(0, n)
  }

  function hexEncode (bytes) {
    let s = ''
    for (let i = 0; i < bytes.length; i++) s += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16)
    return s
  }

  function hexDecode (str) {
    const out = new Uint8Array(str.length >> 1)
    let n = 0
    for (; n < out.length; n++) {
      const pair = str.substr(n * 2, 2)
      if (!/^[0-9a-fA-F]{2}$/.test(pair)) break // Node stops at the first bad pair
      out[n] = parseInt(pair, 16)
    }
    return out.slice(0, n)
  }

  function latin1Encode (str) {
    const out = new Uint8Array(str.length)
    for (let i = 0; i < str.length; i++) out[i] = str.charCodeAt(i) & 255
    return out
  }

  const ENCODINGS = {
    utf8: [utf8Encode, utf8Decode],
    base64: [base64Decode, (b) => base64Encode(b, false)],
    base64url: [base64Decode, (b) => base64Encode(b, true)],
    hex: [hexDecode, hexEncode],
    latin1: [latin1Encode, (b) => codeUnitsToString(b, b.length)],
    ascii: [latin1Encode, (b) => codeUnitsToString(b.map((x) => x & 127), b.length)]
  }
  const ALIASES = { 'utf-8': 'utf8', binary: 'latin1' }

  function codec (encoding) {
    const name = String(encoding === undefined || encoding === null ? 'utf8' : encoding).toLowerCase()
    const found = ENCODINGS[ALIASES[name] || name]
    if (!found) throw new TypeError(`Unknown encoding: ${encoding}`)
    return found
  }

  class Buffer extends Uint8Array {
    static from (value, encodingOrOffset, length) {
      if (typeof value === 'string') return wrap(codec(encodingOrOffset)[0](value))
      if (value instanceof ArrayBuffer || (typeof SharedArrayBuffer === 'function' && value instanceof SharedArrayBuffer)) {
        const offset = encodingOrOffset >>> 0 // shares memory, like Node
        return new Buffer(value, offset, length === undefined ? value.byteLength - offset : length)
      }
      if (value instanceof Uint8Array) { const out = new Buffer(value.length); out.set(value); return out }
      if (value && value.type === 'Buffer' && Array.isArray(value.data)) return Buffer.from(value.data)
      if (value && typeof value === 'object' && typeof value.length === 'number') {
        const out = new Buffer(value.length)
        for (let i = 0; i < value.length; i++) out[i] = value[i] & 255
        return out
      }
      throw new TypeError('The first argument must be of type string or an instance of Buffer, ArrayBuffer, or Array or an Array-like Object.')
    }

    static alloc (size, fill, encoding) {
      const out = new Buffer(size)
      return fill === undefined ? out : out.fill(fill, 0, size, encoding)
    }

    static allocUnsafe (size) { return new Buffer(size) }
    static isBuffer (value) { return value instanceof Buffer }
    static isEncoding (encoding) { try { codec(encoding); return typeof encoding === 'string' } catch (e) { return false } }
    static byteLength (value, encoding) { return typeof value === 'string' ? codec(encoding)[0](value).length : value.byteLength }
    static compare (a, b) { return Buffer.prototype.compare.call(a, b) }

    static concat (list, totalLength) {
      const total = totalLength === undefined ? list.reduce((sum, b) => sum + b.length, 0) : totalLength
      const out = Buffer.alloc(total)
      let pos = 0
      for (const b of list) {
        if (pos >= total) break
        out.set(b.length > total - pos ? b.subarray(0, total - pos) : b, pos)
        pos += b.length
      }
      return out
    }

    toString (encoding, start, end) {
      const part = start === undefined && end === undefined ? this : this.subarray(start || 0, end === undefined ? this.length : end)
      return codec(encoding)[1](part)
    }

    toJSON () { return { type: 'Buffer', data: Array.from(this) } }
    equals (other) { return this.compare(other) === 0 }

    compare (other) {
      const n = Math.min(this.length, other.length)
      for (let i = 0; i < n; i++) if (this[i] !== other[i]) return this[i] < other[i] ? -1 : 1
      return this.length === other.length ? 0 : (this.length < other.length ? -1 : 1)
    }

    slice (start, end) { return this.subarray(start, end) } // Node's slice shares memory

    fill (value, offset, end, encoding) {
      if (typeof offset === 'string') { encoding = offset; offset = 0; end = this.length }
      if (typeof value !== 'string') return Uint8Array.prototype.fill.call(this, value, offset, end)
      const bytes = codec(encoding)[0](value)
      for (let i = offset || 0, k = 0; i < (end === undefined ? this.length : end); i++, k++) this[i] = bytes[k % bytes.length]
      return this
    }

    write (string, offset, encoding) {
      if (typeof offset === 'string') { encoding = offset; offset = 0 }
      const bytes = codec(encoding)[0](string).subarray(0, this.length - (offset || 0))
      this.set(bytes, offset || 0)
      return bytes.length
    }
  }

  function wrap (bytes) { return new Buffer(bytes.buffer, bytes.byteOffset, bytes.length) }

  class TextEncoder {
    get encoding () { return 'utf-8' }
    encode (input) { return utf8Encode(String(input === undefined ? '' : input)) }
  }

  class TextDecoder {
    constructor (label) {
      if (label !== undefined && !/^utf-?8$/i.test(label)) throw new RangeError(`The "${label}" encoding is not supported`)
    }

    get encoding () { return 'utf-8' }

    decode (input) {
      if (input === undefined) return ''
      const bytes = ArrayBuffer.isView(input) ? new Uint8Array(input.buffer, input.byteOffset, input.byteLength) : new Uint8Array(input)
      return utf8Decode(bytes)
    }
  }

  W.lib.Buffer = Buffer
  W.lib.utf8Encode = utf8Encode
  W.lib.utf8Decode = utf8Decode
  globalThis.Buffer = Buffer
  globalThis.TextEncoder = TextEncoder
  globalThis.TextDecoder = TextDecoder
  globalThis.btoa = (s) => base64Encode(latin1Encode(String(s)), false)
  globalThis.atob = (s) => ENCODINGS.latin1[1](base64Decode(String(s)))
})(globalThis.__wxsim)
