// Started by hand with the environment `wxsim serve` prints (NODE_PATH reaching the SDKs), this
// program uses @cloudbase/node-sdk directly, as wx-server-sdk does underneath: 1,001 inserts in
// one transaction, a conflict at an update that runTransaction retries, a snapshot where() read.
// Prints one JSON object: the results, or the error it got.

const tcb = require('@cloudbase/node-sdk')

const app = tcb.init({ env: tcb.SYMBOL_CURRENT_ENV })
const db = app.database()
const _ = db.command

async function main () {
  const name = process.argv[2]
  await db.createCollection(name)
  const coll = db.collection(name)
  await coll.add({ _id: 'c', n: 0 })
  const bulk = await db.runTransaction(async (t) => {
    const data = []
    for (let i = 0; i < 1001; i++) data.push({ i })
    const added = await t.collection(name).add(data)
    const outside = (await coll.where({ i: _.gte(0) }).count()).total
    return { ids: added.ids.length, outside }
  })
  const stored = (await coll.where({ i: _.gte(0) }).count()).total
  const blocker = await db.startTransaction()
  await blocker.collection(name).doc('c').update({ n: 100 })
  let attempts = 0
  const codes = []
  const retried = await db.runTransaction(async (t) => {
    attempts++
    const snapshot = (await t.collection(name).where({ _id: 'c' }).get()).data[0].n
    try {
      await t.collection(name).doc('c').update({ n: _.inc(1) })
    } catch (e) {
      codes.push(e.code)
      await blocker.commit()
      throw e
    }
    return snapshot
  })
  const c = (await coll.doc('c').get()).data[0].n
  process.stdout.write(JSON.stringify({ ok: { bulk, stored, attempts, codes, retried, c } }) + '\n')
}

main().catch((e) => {
  process.stdout.write(JSON.stringify({ err: { code: e.code, message: e.message } }) + '\n')
  process.exit(1)
})
