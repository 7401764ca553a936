// An outside process (as with `wxsim serve`): no registered TCB_SEQID, so the gateway treats its
// calls as an admin's whose SOURCE is its X-TCB-Source header. Prints one JSON object.

const cloud = require('wx-server-sdk')

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })

async function main () {
  const count = await cloud.database().collection('todos').where({ done: false }).count()
  process.stdout.write(JSON.stringify({ count, context: cloud.getWXContext() }) + '\n')
}

main().catch((e) => {
  process.stderr.write(String(e && e.stack ? e.stack : e) + '\n')
  process.exit(1)
})
