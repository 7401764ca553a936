// A program started by hand with the environment `wxsim serve` prints (and NODE_PATH reaching
// wx-server-sdk): it writes and reads through the gateway, signing with the workspace secret
// the environment carries, in the collection named by its argument. Prints one JSON object:
// the results, or the error it got.

const cloud = require('wx-server-sdk')

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })

async function main () {
  const name = process.argv[2]
  const db = cloud.database()
  await db.createCollection(name)
  const added = await db.collection(name).add({ data: { _id: 'p1', by: 'outside node' } })
  const got = await db.collection(name).doc('p1').get()
  process.stdout.write(JSON.stringify({ ok: { added: added._id, got: got.data } }) + '\n')
}

main().catch((e) => {
  process.stdout.write(JSON.stringify({ err: { errCode: e.errCode, errMsg: e.errMsg || String(e) } }) + '\n')
  process.exit(1)
})
