// Node's crypto, the part cloud functions use: createHash/createHmac (md5, sha1, sha256), randomBytes,
// randomUUID, and createCipheriv/createDecipheriv for AES in CBC and ECB (WeChat's encryptedData is
// aes-128-cbc, decrypted with the user's session_key). Pure JS because require(), digest() and
// update() are synchronous and host calls are not.
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

// --- AES (FIPS-197), byte by byte: the data is a few hundred bytes, clarity beats tables ------
const SBOX = new Uint8Array(256)
const INV_SBOX = new Uint8Array(256)
{
  // The S-box from the multiplicative inverse in GF(2^8): p walks the field by ×3, q by ÷3.
  const rotl8 = (x, n) => ((x << n) | (x >>> (8 - n))) & 0xff
  let p = 1; let q = 1
  do {
    p = (p ^ (p << 1) ^ (p & 0x80 ? 0x1b : 0)) & 0xff
    q ^= q << 1; q ^= q << 2; q ^= q << 4; q &= 0xff
    if (q & 0x80) q ^= 0x09
    SBOX[p] = q ^ rotl8(q, 1) ^ rotl8(q, 2) ^ rotl8(q, 3) ^ rotl8(q, 4) ^ 0x63
  } while (p !== 1)
  SBOX[0] = 0x63
  for (let i = 0; i < 256; i++) INV_SBOX[SBOX[i]] = i
}
const xtime = (b) => ((b << 1) ^ (b & 0x80 ? 0x1b : 0)) & 0xff
function gmul (a, b) {
  let out = 0
  for (; b; b >>= 1, a = xtime(a)) if (b & 1) out ^= a
  return out
}

function expandKey (key) {
  const nk = key.length / 4; const rounds = nk + 6
  const w = new Uint8Array(16 * (rounds + 1)); w.set(key)
  for (let i = nk, rcon = 1; i < 4 * (rounds + 1); i++) {
    let t = w.slice((i - 1) * 4, i * 4)
    if (i % nk === 0) {
      t = Uint8Array.of(SBOX[t[1]] ^ rcon, SBOX[t[2]], SBOX[t[3]], SBOX[t[0]])
      rcon = xtime(rcon)
    } else if (nk > 6 && i % nk === 4) {
      t = t.map((b) => SBOX[b])
    }
    for (let j = 0; j < 4; j++) w[i * 4 + j] = w[(i - nk) * 4 + j] ^ t[j]
  }
  return { w, rounds }
}

function addRoundKey (s, w, round) { for (let i = 0; i < 16; i++) s[i] ^= w[round * 16 + i] }

function encryptBlock (block, { w, rounds }) {
  const s = Uint8Array.from(block)
  addRoundKey(s, w, 0)
  for (let round = 1; round <= rounds; round++) {
    const t = s.slice()
    for (let c = 0; c < 4; c++) for (let r = 0; r < 4; r++) s[r + 4 * c] = SBOX[t[r + 4 * ((c + r) % 4)]]
    if (round < rounds) {
      for (let c = 0; c < 16; c += 4) {
        const [a0, a1, a2, a3] = s.subarray(c, c + 4)
        s[c] = xtime(a0) ^ xtime(a1) ^ a1 ^ a2 ^ a3
        s[c + 1] = a0 ^ xtime(a1) ^ xtime(a2) ^ a2 ^ a3
        s[c + 2] = a0 ^ a1 ^ xtime(a2) ^ xtime(a3) ^ a3
        s[c + 3] = xtime(a0) ^ a0 ^ a1 ^ a2 ^ xtime(a3)
      }
    }
    addRoundKey(s, w, round)
  }
  return s
}

function decryptBlock (block, { w, rounds }) {
  const s = Uint8Array.from(block)
  addRoundKey(s, w, rounds)
  for (let round = rounds - 1; round >= 0; round--) {
    const t = s.slice()
    for (let c = 0; c < 4; c++) for (let r = 0; r < 4; r++) s[r + 4 * ((c + r) % 4)] = INV_SBOX[t[r + 4 * c]]
    addRoundKey(s, w, round)
    if (round > 0) {
      for (let c = 0; c < 16; c += 4) {
        const [a0, a1, a2, a3] = s.subarray(c, c + 4)
        s[c] = gmul(a0, 14) ^ gmul(a1, 11) ^ gmul(a2, 13) ^ gmul(a3, 9)
        s[c + 1] = gmul(a0, 9) ^ gmul(a1, 14) ^ gmul(a2, 11) ^ gmul(a3, 13)
        s[c + 2] = gmul(a0, 13) ^ gmul(a1, 9) ^ gmul(a2, 14) ^ gmul(a3, 11)
        s[c + 3] = gmul(a0, 11) ^ gmul(a1, 13) ^ gmul(a2, 9) ^ gmul(a3, 14)
      }
    }
  }
  return s
}

const CIPHERS = ['aes-128-cbc', 'aes-128-ecb', 'aes-192-cbc', 'aes-192-ecb', 'aes-256-cbc', 'aes-256-ecb']

function nodeError (Type, code, message) {
  const e = new Type(message); e.code = code; return e
}

/** Node's Cipher and Decipher for AES-CBC/ECB: update() answers whole blocks, final() the rest. */
class AesCipher {
  constructor (algorithm, key, iv, decrypting) {
    const name = String(algorithm).toLowerCase()
    if (!CIPHERS.includes(name)) throw nodeError(Error, 'ERR_CRYPTO_UNKNOWN_CIPHER', 'Unknown cipher')
    const keyBytes = toBytes(key, 'utf8')
    if (keyBytes.length * 8 !== Number(name.slice(4, 7))) {
      throw nodeError(RangeError, 'ERR_CRYPTO_INVALID_KEYLEN', 'Invalid key length')
    }
    this._cbc = name.endsWith('cbc')
    const ivBytes = iv == null ? new Uint8Array(0) : toBytes(iv, 'utf8')
    if (ivBytes.length !== (this._cbc ? 16 : 0)) throw nodeError(TypeError, 'ERR_CRYPTO_INVALID_IV', 'Invalid initialization vector')
    this._schedule = expandKey(keyBytes)
    this._chain = Uint8Array.from(ivBytes)
    this._decrypting = decrypting
    this._pending = new Uint8Array(0)
    this._padding = true
    this._done = false
  }

  setAutoPadding (padding = true) { this._padding = !!padding; return this }

  update (data, inputEncoding, outputEncoding) {
    if (this._done) throw new Error('Trying to add data in unsupported state')
    const input = Buffer.concat([this._pending, toBytes(data, inputEncoding || 'utf8')])
    // A decipher keeps its last whole block back: final() must see it to strip the padding.
    let whole = input.length - (input.length % 16)
    if (this._decrypting && this._padding && whole === input.length) whole = Math.max(0, whole - 16)
    this._pending = input.subarray(whole)
    return this._output(this._blocks(input.subarray(0, whole)), outputEncoding)
  }

  final (outputEncoding) {
    if (this._done) throw new Error('Unsupported state')
    this._done = true
    let rest = this._pending
    if (!this._decrypting && this._padding) {
      const n = 16 - (rest.length % 16)
      rest = Buffer.concat([rest, Buffer.alloc(n, n)])
    }
    if (rest.length % 16 || (this._decrypting && this._padding && !rest.length)) {
      throw nodeError(Error, 'ERR_OSSL_WRONG_FINAL_BLOCK_LENGTH', 'error:1C80006B:Provider routines::wrong final block length')
    }
    let out = this._blocks(rest)
    if (this._decrypting && this._padding) {
      const n = out[out.length - 1]
      if (n < 1 || n > 16 || out.subarray(out.length - n).some((b) => b !== n)) {
        throw nodeError(Error, 'ERR_OSSL_BAD_DECRYPT', 'error:1C800064:Provider routines::bad decrypt')
      }
      out = out.subarray(0, out.length - n)
    }
    return this._output(out, outputEncoding)
  }

  _blocks (bytes) {
    const out = Buffer.alloc(bytes.length)
    for (let pos = 0; pos < bytes.length; pos += 16) {
      const block = bytes.subarray(pos, pos + 16)
      if (this._decrypting) {
        const plain = decryptBlock(block, this._schedule)
        if (this._cbc) { for (let i = 0; i < 16; i++) plain[i] ^= this._chain[i]; this._chain = Uint8Array.from(block) }
        out.set(plain, pos)
      } else {
        const input = this._cbc ? block.map((b, i) => b ^ this._chain[i]) : block
        const sealed = encryptBlock(input, this._schedule)
        if (this._cbc) this._chain = sealed
        out.set(sealed, pos)
      }
    }
    return out
  }

  _output (bytes, encoding) { return encoding && encoding !== 'buffer' ? bytes.toString(encoding) : bytes }
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
  createCipheriv: (algorithm, key, iv) => new AesCipher(algorithm, key, iv, false),
  createDecipheriv: (algorithm, key, iv) => new AesCipher(algorithm, key, iv, true),
  getCiphers: () => CIPHERS.slice(),
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
