"""Node globals and built-in modules against known values (Buffer, crypto, util, path, events)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re

import pytest


def test_buffer_encodings(js):
    """Buffer converts between utf8, base64, hex and bytes like Node."""
    assert (
        js("""const b = Buffer.from('héllo 世界 😀')
        return [b.length, b.toString('hex'), b.toString('base64'), Buffer.from(b.toString('base64'), 'base64').toString(),
                Buffer.from('68656c6c6f', 'hex').toString(), Buffer.from([104, 105, 300]).toString('latin1'),
                Buffer.byteLength('世界'), Buffer.isBuffer(b), Buffer.isBuffer(new Uint8Array(1)),
                Buffer.concat([Buffer.from('ab'), Buffer.from('cd')]).toString(), b.slice(0, 1).toString(),
                Buffer.from('aGk_-w', 'base64url').toString('hex'), JSON.stringify(Buffer.from('hi'))]""")
        == [
            len("héllo 世界 😀".encode()),
            "héllo 世界 😀".encode().hex(),
            base64.b64encode("héllo 世界 😀".encode()).decode(),
            "héllo 世界 😀",
            "hello",
            "hi,",
            6,
            True,
            False,
            "abcd",
            "h",
            "6869 3ffb".replace(" ", ""),
            '{"type":"Buffer","data":[104,105]}',
        ]
    )


def test_text_encoder_decoder_and_base64_globals(js):
    """TextEncoder/TextDecoder round-trip UTF-8; atob/btoa are there; bad bytes become U+FFFD."""
    assert (
        js("""return [Array.from(new TextEncoder().encode('€')), new TextDecoder().decode(new Uint8Array([0xe2, 0x82, 0xac])),
                 new TextDecoder().decode(new Uint8Array([0xff, 0x41])), btoa('hi'), atob('aGk=')]""")
        == [[0xE2, 0x82, 0xAC], "€", "\ufffdA", "aGk=", "hi"]
    )


def test_hashes_and_hmac_match_python(js):
    """md5, sha1, sha256 and HMAC-SHA256 agree with hashlib on short and multi-block input."""
    long = "x" * 1000
    got = js(f"""const c = require('crypto'); const long = '{long}'
        return ['md5', 'sha1', 'sha256'].flatMap(a => [c.createHash(a).update('abc').digest('hex'),
                 c.createHash(a).update(long.slice(0, 10)).update(long.slice(10)).digest('base64')])
          .concat([c.createHmac('sha256', 'key').update('The quick brown fox jumps over the lazy dog').digest('hex')])""")
    want = []
    for algorithm in ("md5", "sha1", "sha256"):
        want += [
            hashlib.new(algorithm, b"abc").hexdigest(),
            base64.b64encode(hashlib.new(algorithm, long.encode()).digest()).decode(),
        ]
    want.append(
        hmac.new(b"key", b"The quick brown fox jumps over the lazy dog", "sha256").hexdigest()
    )
    assert got == want
    assert want[4] == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_random_bytes_and_uuid(js):
    """randomBytes gives distinct bytes of the asked length; randomUUID is a v4 UUID."""
    length, distinct, uuid = js("""const c = require('crypto')
        return [c.randomBytes(40).length, new Set(Array.from({ length: 50 }, () => c.randomBytes(8).toString('hex'))).size,
                c.randomUUID()]""")
    assert (length, distinct) == (40, 50)
    assert re.fullmatch(
        r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", uuid
    )


def test_util_format_inspect_promisify_inherits(js):
    """util's common functions behave like Node's."""
    assert (
        js("""const util = require('util')
        function Old () {}; util.inherits(Old, require('events'))
        const wait = util.promisify((x, cb) => setTimeout(() => cb(null, x * 2), 1))
        return (async () => [util.format('%s:%d:%j %o', 'a', 7, { b: 1 }, [1]), util.format('x', 'y', 3),
          util.inspect({ a: { b: { c: { d: 1 } } }, s: 'q', f () {}, n: null, u: undefined }),
          util.inspect(new Map([[1, 'a']])), util.inspect(Buffer.from('ab')), new Old() instanceof require('events'),
          await wait(21), util.types.isPromise(Promise.resolve()), util.isDeepStrictEqual({ a: [1] }, { a: [1] })])()""")
        == [
            'a:7:{"b":1} [ 1 ]',
            "x y 3",
            "{\n  a: { b: { c: [Object] } },\n  s: 'q',\n  f: [Function: f],\n  n: null,\n  u: undefined\n}",
            "Map(1) { 1 => 'a' }",
            "<Buffer 61 62>",
            True,
            42,
            True,
            True,
        ]
    )


def test_path_posix(js):
    """path works on POSIX paths relative to /var/user."""
    assert js("""const p = require('path')
        return [p.join('/a/b', '../c', './d.js'), p.resolve('x'), p.dirname('/a/b/c'), p.basename('/a/b.js', '.js'),
                p.extname('f.tar.gz'), p.relative('/a/b/c', '/a/d'), p.normalize('a//b/../c/'), p.isAbsolute('/x'),
                p.parse('/home/u/f.txt'), p.sep]""") == [
        "/a/c/d.js",
        "/var/user/x",
        "/a/b",
        "b",
        ".gz",
        "../../d",
        "a/c/",
        True,
        {"root": "/", "dir": "/home/u", "base": "f.txt", "ext": ".txt", "name": "f"},
        "/",
    ]


def test_event_emitter(js):
    """on/once/off/emit work, and an unheard 'error' throws."""
    assert js("""const EventEmitter = require('events'); const e = new EventEmitter(); const seen = []
        const h = (x) => seen.push('on ' + x); e.on('t', h); e.once('t', (x) => seen.push('once ' + x))
        e.emit('t', 1); e.emit('t', 2); e.off('t', h); const heard = e.emit('t', 3)
        let thrown = null; try { e.emit('error', new Error('bad')) } catch (err) { thrown = err.message }
        return [seen, heard, thrown, e.listenerCount('t')]""") == [
        ["on 1", "once 1", "on 2"],
        False,
        "bad",
        0,
    ]


def test_timers_and_ticks(js):
    """setTimeout order, clearTimeout, setInterval with clearInterval, setImmediate, nextTick."""
    assert js("""const seen = []
        setTimeout(() => seen.push('t20'), 20); setTimeout(() => seen.push('t5'), 5)
        const gone = setTimeout(() => seen.push('cleared'), 1); clearTimeout(gone)
        let n = 0; const iv = setInterval(() => { if (++n === 3) { clearInterval(iv); seen.push('iv3') } }, 2)
        setImmediate(() => seen.push('immediate')); process.nextTick(() => seen.push('tick'))
        await new Promise(r => setTimeout(r, 60))
        return seen""") == ["tick", "immediate", "t5", "iv3", "t20"]


def test_process_and_globals(js):
    """process basics and globalThis.global exist as a Node 16 function expects."""
    assert (
        js("""return [process.version, process.platform, process.cwd(), typeof process.nextTick, global === globalThis,
                 typeof process.hrtime(), typeof queueMicrotask, typeof require('buffer').Buffer.from]""")
        == ["v16.13.0", "linux", "/var/user", "function", True, "object", "function", "function"]
    )


def test_uncaught_exception_in_a_timer_fails_the_call(make_function, run):
    """A throw inside a timer callback fails the running invocation, as it would crash Node."""
    fn = make_function(
        {
            "index.js": """exports.main = async () => {
        setTimeout(() => { throw new RangeError('from timer') }, 1); await new Promise(r => setTimeout(r, 200)); return 'late' }"""
        }
    )
    outcome = run(fn)
    assert (outcome.error.name, outcome.error.message) == ("RangeError", "from timer")


CIPHERS = [f"aes-{bits}-{mode}" for bits in (128, 192, 256) for mode in ("cbc", "ecb")]


def _python_aes(name: str, key: bytes, iv: bytes, plain: bytes) -> bytes:
    """``plain`` sealed by the ``cryptography`` library, PKCS#7-padded: the oracle for the shim."""
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    padder = padding.PKCS7(128).padder()
    cipher = Cipher(algorithms.AES(key), modes.CBC(iv) if name.endswith("cbc") else modes.ECB())
    return cipher.encryptor().update(padder.update(plain) + padder.finalize())


def test_aes_known_answers_of_fips_197(js):
    """The standard's appendix C vectors for 128, 192 and 256-bit keys, one block without padding."""
    got = js("""const c = require('crypto'); const plain = Buffer.from('00112233445566778899aabbccddeeff', 'hex')
        return [16, 24, 32].map(n => {
          const key = Buffer.from(Array.from({ length: n }, (_, i) => i))
          const e = c.createCipheriv(`aes-${n * 8}-ecb`, key, null).setAutoPadding(false)
          const sealed = Buffer.concat([e.update(plain), e.final()])
          const d = c.createDecipheriv(`aes-${n * 8}-ecb`, key, null).setAutoPadding(false)
          return [sealed.toString('hex'), d.update(sealed, undefined, 'hex') + d.final('hex')]
        })""")
    assert got == [["69c4e0d86a7b0430d8cdb78070b4c55a", "00112233445566778899aabbccddeeff"],
                   ["dda97ca4864cdfe06eaf70a0ec0d7191", "00112233445566778899aabbccddeeff"],
                   ["8ea2b7ca516745bfeafc49904b496089", "00112233445566778899aabbccddeeff"]]


@pytest.mark.parametrize("name", CIPHERS)
def test_aes_agrees_with_the_cryptography_library_both_ways(js, name):
    """Every length around the block size, fed to update() in uneven pieces, encrypts to what
    ``cryptography`` gives, and ``cryptography``'s ciphertext decrypts back, with PKCS#7 padding."""
    bits = int(name[4:7])
    key, iv = bytes(range(7, 7 + bits // 8)), bytes(range(100, 116))
    lengths = [0, 1, 15, 16, 17, 31, 32, 33, 100]
    got = js(f"""const c = require('crypto'); const key = Buffer.from('{key.hex()}', 'hex')
        const iv = '{name}'.endsWith('cbc') ? Buffer.from('{iv.hex()}', 'hex') : null
        const pieces = (cipher, bytes) => {{  // 5, 11, 5, 11, … bytes at a time
          const out = []; let pos = 0; let step = 5
          while (pos < bytes.length) {{ out.push(cipher.update(bytes.subarray(pos, pos + step))); pos += step; step = 16 - step }}
          out.push(cipher.final()); return Buffer.concat(out)
        }}
        return {lengths}.map(n => {{
          const plain = Buffer.from(Array.from({{ length: n }}, (_, i) => (i * 7 + n) & 255))
          const sealed = pieces(c.createCipheriv('{name}', key, iv), plain)
          return [sealed.toString('hex'), pieces(c.createDecipheriv('{name}', key, iv), sealed).toString('hex')]
        }})""")
    for n, (sealed, opened) in zip(lengths, got):
        plain = bytes((i * 7 + n) & 255 for i in range(n))
        assert bytes.fromhex(sealed) == _python_aes(name, key, iv, plain)
        assert bytes.fromhex(opened) == plain


def test_aes_decrypts_wechat_encrypted_data_the_way_the_official_sample_does(js):
    """WXBizDataCrypt.js: base64 key, iv and data, 'binary' input, 'utf8' output, autoPadding on."""
    session_key, iv = bytes(range(16)), bytes(range(16, 32))
    text = '{"phoneNumber":"13800138000","watermark":{"appid":"wx0000000000000001"},"备注":"中文"}'
    sealed = _python_aes("aes-128-cbc", session_key, iv, text.encode())
    got = js(f"""const crypto = require('crypto')
        const sessionKey = Buffer.from('{base64.b64encode(session_key).decode()}', 'base64')
        const decipher = crypto.createDecipheriv('aes-128-cbc', sessionKey, Buffer.from('{base64.b64encode(iv).decode()}', 'base64'))
        decipher.setAutoPadding(true)
        let decoded = decipher.update(Buffer.from('{base64.b64encode(sealed).decode()}', 'base64'), 'binary', 'utf8')
        decoded += decipher.final('utf8')
        return JSON.parse(decoded)""")
    assert got == json.loads(text)


def test_aes_refuses_as_node_does(js):
    """Node's codes and messages: an unknown cipher, a wrong key or IV length, a wrong key's
    padding, a ragged last block, data after final()."""
    got = js("""const c = require('crypto'); const k = Buffer.alloc(16); const iv = Buffer.alloc(16)
        const attempt = (f) => { try { f(); return 'no error' } catch (e) { return [e.name, e.code, e.message] } }
        const sealed = (() => { const e = c.createCipheriv('aes-128-cbc', k, iv); return Buffer.concat([e.update('hello'), e.final()]) })()
        return [
          attempt(() => c.createCipheriv('aes-128-xyz', k, iv)),
          attempt(() => c.createCipheriv('aes-128-cbc', Buffer.alloc(15), iv)),
          attempt(() => c.createDecipheriv('aes-128-cbc', k, Buffer.alloc(15))),
          attempt(() => { const d = c.createDecipheriv('aes-128-cbc', Buffer.alloc(16, 1), iv); d.update(sealed); d.final() }),
          attempt(() => { const d = c.createDecipheriv('aes-128-cbc', k, iv); d.update(sealed.subarray(1)); d.final() }),
          attempt(() => c.createDecipheriv('aes-128-cbc', k, iv).final()),
          attempt(() => { const e = c.createCipheriv('aes-128-cbc', k, iv); e.final(); e.update('x') }),
          c.getCiphers().includes('aes-128-cbc')]""")
    assert got == [
        ["Error", "ERR_CRYPTO_UNKNOWN_CIPHER", "Unknown cipher"],
        ["RangeError", "ERR_CRYPTO_INVALID_KEYLEN", "Invalid key length"],
        ["TypeError", "ERR_CRYPTO_INVALID_IV", "Invalid initialization vector"],
        ["Error", "ERR_OSSL_BAD_DECRYPT", "error:1C800064:Provider routines::bad decrypt"],
        ["Error", "ERR_OSSL_WRONG_FINAL_BLOCK_LENGTH", "error:1C80006B:Provider routines::wrong final block length"],
        ["Error", "ERR_OSSL_WRONG_FINAL_BLOCK_LENGTH", "error:1C80006B:Provider routines::wrong final block length"],
        ["Error", None, "Trying to add data in unsupported state"],
        True,
    ]
