// @cloudbase/node-sdk used directly (the layer under wx-server-sdk, as with `wxsim serve`),
// for what wx-server-sdk does not expose: updateAndReturn (database.modifyAndReturnDoc), the
// FUNCTION_NOT_FOUND code callers check, and the server's 50-file limit on deleteFile.
// Prints one JSON object: each step's result or its error's {code, message}.

const tcb = require('@cloudbase/node-sdk')

const app = tcb.init({ env: tcb.SYMBOL_CURRENT_ENV })
const db = app.database()
const out = {}
const OID = '5f1b2c3d4e5f60718293a4b5'

async function step (name, call) {
  try {
    const value = await call()
    if (value && typeof value === 'object') delete value.requestId
    out[name] = { ok: value }
  } catch (e) {
    out[name] = { err: { code: e && e.code, message: e && e.message } }
  }
}

async function main () {
  const c = db.collection(process.argv[2])
  await step('add', () => c.add([{ a: 1, n: 0 }, { a: 1, n: 0 }]).then((r) => ({ ids: r.ids.length })))
  await step('andReturn', () => c.where({ a: 1 }).updateAndReturn({ a: 2, n: db.command.inc(1) }))
  await step('sameValue', () => c.where({ a: 2 }).updateAndReturn({ a: 2 }))
  await step('noMatch', () => c.where({ a: -1 }).updateAndReturn({ a: 1 }))
  await step('inTransaction', async () => { // node-sdk's own test "modifyAndReturnDoc"
    const transaction = await db.startTransaction()
    const res = await transaction.collection(process.argv[2]).where({ a: 2 }).updateAndReturn({ a: 3 })
    const before = (await c.where({ a: 3 }).count()).total
    await transaction.commit()
    return { updated: res.updated, a: res.doc.a, before, after: (await c.where({ a: 3 }).count()).total }
  })
  await step('addOid', () => c.add({ _id: db.ObjectId({ id: OID }), ref: db.ObjectId({ id: OID }) }))
  await step('getOid', () => c.where({ _id: db.ObjectId({ id: OID }) }).get().then((r) => r.data))
  await step('missingFunction', () => app.callFunction({ name: 'no-such-function', data: {} }))
  const many = Array.from({ length: 51 }, (_, i) => `cloud://x.y/f${i}.txt`)
  await step('deleteTooMany', () => app.deleteFile({ fileList: many }))
  process.stdout.write(JSON.stringify(out) + '\n')
}

main().catch((e) => {
  process.stderr.write(String(e && e.stack ? e.stack : e) + '\n')
  process.exit(1)
})
