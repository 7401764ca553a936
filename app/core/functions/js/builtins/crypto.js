// Node's crypto, the part cloud functions use: createHash/createHmac (md5, sha1, sha256), randomBytes,
// randomUUID. Pure JS because require() and digest() are synchronous and host calls are not.
'use strict'
const lib = require('wxsim:lib')

const K256 = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2])
const MD5_S = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21]
const MD5_K = Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) >>> 0)
const rotl = (x, n) => (x << n) | (x >>> (32 - n))
const rotr = (x, n) => (x >>> n) | (x << (32 - n))

function pad (msg, littleEndian) {
  const out = new Uint8Array(Math.ceil((msg.length + 9) / 64) * 64)
  out.set(msg)
  out[msg.length] = 0x80
  const view = new DataView(out.buffer)
  const hi = Math.floor(msg.length / 2 ** 29); const lo = (msg.length << 3) >>> 0
  if (littleEndian) { view.setUint32(out.length - 8, lo, true); view.setUint32(out.length - 4, hi, true) } else { view.setUint32(out.length - 8, hi); view.setUint32(out.length - 4, lo) }
  return view
}

function words (state, littleEndian) {
  const out = new DataView(new ArrayBuffer(state.length * 4))
  state.forEach((w, i) => out.setUint32(i * 4, w, littleEndian))
  return new Uint8Array(out.buffer)
}

function sha256 (msg) {
  const v = pad(msg, false)
  const H = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19])
  const W = new Uint32Array(64)
  for (let off = 0; off < v.byteLength; off += 64) {
    for (let i = 0; i < 16; i++) W[i] = v.getUint32(off + i * 4)
    for (let i = 16; i < 64; i++) {
      const s0 = rotr(W[i - 15], 7) ^ rotr(W[i - 15], 18) ^ (W[i - 15] >>> 3)
      const s1 = rotr(W[i - 2], 17) ^ rotr(W[i - 2], 19) ^ (W[i - 2] >>> 10)
      W[i] = W[i - 16] + s0 + W[i - 7] + s1
    }
    let [a, b, c, d, e, f, g, h] = H
    for (let i = 0; i < 64; i++) {
      const t1 = (h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K256[i] + W[i]) | 0
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0
      h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0
    }
    H[0] += a; H[1] += b; H[2] += c; H[3] += d; H[4] += e; H[5] += f; H[6] += g; H[7] += h
  }
  return words(H, false)
}

function sha1 (msg) {
  const v = pad(msg, false)
  const H = new Uint32Array([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0])
  const W = new Uint32Array(80)
  for (let off = 0; off < v.byteLength; off += 64) {
    for (let i = 0; i < 16; i++) W[i] = v.getUint32(off + i * 4)
    for (let i = 16; i < 80; i++) W[i] = rotl(W[i - 3] ^ W[i - 8] ^ W[i - 14] ^ W[i - 16], 1)
    let [a, b, c, d, e] = H
    for (let i = 0; i < 80; i++) {
      const f = i < 20 ? (b & c) | (~b & d) : i < 40 ? b ^ c ^ d : i < 60 ? (b & c) | (b & d) | (c & d) : b ^ c ^ d
      const k = i < 20 ? 0x5a827999 : i < 40 ? 0x6ed9eba1 : i < 60 ? 0x8f1bbcdc : 0xca62c1d6
      const t = (rotl(a, 5) + f + e + k + W[i]) | 0
      e = d; d = c; c = rotl(b, 30); b = a; a = t
    }
    H[0] += a; H[1] += b; H[2] += c; H[3] += d; H[4] += e
  }
  return words(H, false)
}

function md5 (msg) {
  const v = pad(msg, true)
  const H = new Uint32Array([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476])
  const M = new Uint32Array(16)
  for (let off = 0; off < v.byteLength; off += 64) {
    for (let i = 0; i < 16; i++) M[i] = v.getUint32(off + i * 4, true)
    let [a, b, c, d] = H
    for (let i = 0; i < 64; i++) {
      const r = i >> 4
      const f = r === 0 ? (b & c) | (~b & d) : r === 1 ? (d & b) | (~d & c) : r === 2 ? b ^ c ^ d : c ^ (b | ~d)
      const g = r === 0 ? i : r === 1 ? (5 * i + 1) % 16 : r === 2 ? (3 * i + 5) % 16 : (7 * i) % 16
      const t = d; d = c; c = b
      b = (b + rotl((a + f + MD5_K[i] + M[g]) | 0, MD5_S[r * 4 + (i % 4)])) | 0
      a = t
    }
    H[0] += a; H[1] += b; H[2] += c; H[3] += d
  }
  return words(H, true)
}

const ALGORITHMS = { md5, sha1, sha256 }
const toBytes = (data, encoding) => (typeof data === 'string' ? Buffer.from(data, encoding)
  : new Uint8Array(data.buffer || data, data.byteOffset || 0, data.byteLength))

class Hash {
  constructor (algorithm, chunks) {
    this._fn = ALGORITHMS[String(algorithm).toLowerCase().replace('-', '')]
    if (!this._fn) throw new Error(`Digest method not supported: ${algorithm} (available: md5, sha1, sha256)`)
    this._algorithm = algorithm
    this._chunks = chunks || []
  }

  update (data, encoding) {
    if (!this._chunks) throw new Error('Digest already called')
    this._chunks.push(toBytes(data, encoding))
    return this
  }

  digest (encoding) {
    if (!this._chunks) throw new Error('Digest already called')
    const out = Buffer.from(this._fn(Buffer.concat(this._chunks)))
    this._chunks = null
    return encoding ? out.toString(encoding) : out
  }

  copy () { return new Hash(this._algorithm, this._chunks.slice()) }
}

class Hmac extends Hash {
  constructor (algorithm, key) {
    super(algorithm)
    let k = toBytes(key, 'utf8')
    if (k.length > 64) k = this._fn(k)
    const block = new Uint8Array(64); block.set(k)
    this._outer = block.map((b) => b ^ 0x5c)
    this._chunks.push(block.map((b) => b ^ 0x36))
  }

  digest (encoding) {
    const inner = super.digest()
    const out = Buffer.from(this._fn(Buffer.concat([this._outer, inner])))
    return encoding ? out.toString(encoding) : out
  }
}

// A SHA-256 counter-mode generator seeded from the worker's os.urandom: bare V8 has no CSPRNG.
let counter = 0
const seed = Buffer.from(lib.seed, 'hex')
function randomBytes (size, callback) {
  const out = Buffer.alloc(size)
  for (let pos = 0; pos < size; pos += 32) {
    const block = Buffer.alloc(seed.length + 8); block.set(seed)
    new DataView(block.buffer).setFloat64(seed.length, counter++)
    out.set(sha256(block).subarray(0, Math.min(32, size - pos)), pos)
  }
  if (typeof callback === 'function') { queueMicrotask(() => callback(null, out)); return }
  return out
}

function randomUUID () {
  const b = randomBytes(16)
  b[6] = (b[6] & 0x0f) | 0x40
  b[8] = (b[8] & 0x3f) | 0x80
  const h = b.toString('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

module.exports = {
  createHash: (algorithm) => new Hash(algorithm),
  createHmac: (algorithm, key) => new Hmac(algorithm, key),
  getHashes: () => Object.keys(ALGORITHMS),
  randomBytes,
  randomUUID,
  getRandomValues: (array) => { new Uint8Array(array.buffer, array.byteOffset, array.byteLength).set(randomBytes(array.byteLength)); return array },
  randomInt: (min, max) => {
    if (max === undefined) { max = min; min = 0 }
    return min + Math.floor(parseInt(randomBytes(6).toString('hex'), 16) / 2 ** 48 * (max - min))
  },
  timingSafeEqual: (a, b) => {
    if (a.byteLength !== b.byteLength) throw new RangeError('Input buffers must have the same byte length')
    let diff = 0
    for (let i = 0; i < a.byteLength; i++) diff |= a[i] ^ b[i]
    return diff === 0
  }
}
