// The contract run: the REAL wx-server-sdk (found through NODE_PATH) calls the wxsim gateway,
// whose address and identity come from the environment `Gateway.node_env()` builds.
// Every call's user-visible outcome is printed as one JSON object on stdout; the pytest side
// (tests/contract/test_real_sdk.py) asserts it for each SDK version.
//
// Usage: node contract.js '<json: {fileContent, missingFileID, templateId}>'

const cloud = require('wx-server-sdk')

const input = JSON.parse(process.argv[2] || '{}')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
const db = cloud.database()
const lenient = cloud.database({ throwOnNotFound: false })
const _ = db.command
const out = {}

/** JSON-safe: Dates and Buffers are tagged, so the Python side sees what the user got. */
function plain (value) {
  if (value instanceof Date) return { $date: value.toISOString() }
  if (Buffer.isBuffer(value)) return { $buffer: value.toString('utf8') }
  if (Array.isArray(value)) return value.map(plain)
  if (value && typeof value === 'object') {
    const copy = {}
    for (const key of Object.keys(value)) copy[key] = plain(value[key])
    return copy
  }
  return value
}

async function step (name, call) {
  try {
    out[name] = { ok: plain(await call()) }
  } catch (e) {
    out[name] = { err: { errCode: e && e.errCode, errMsg: (e && (e.errMsg || e.message)) || String(e) } }
  }
}

async function main () {
  const todos = db.collection('todos')
  const due = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678))
  let addedId = null
  await step('add', async () => {
    const res = await todos.add({ data: { title: 'from node', n: 1, tags: ['a'], due, at: db.serverDate(), nested: { k: 'v' } } })
    addedId = res._id
    return { ...res, _id: typeof res._id }
  })
  await step('docGet', async () => {
    const res = await todos.doc(addedId).get()
    const at = res.data.at
    return {
      ...res,
      data: { ...res.data, _id: typeof res.data._id, at: at instanceof Date && Math.abs(at.getTime() - Date.now()) < 60000 },
      dueIsDate: res.data.due instanceof Date,
      dueRoundTrip: res.data.due instanceof Date && res.data.due.getTime() === due.getTime()
    }
  })
  await step('where', () => todos.where({ done: false, progress: _.gt(10) }).orderBy('progress', 'desc').limit(2)
    .field({ title: true, progress: true, _id: false }).get())
  await step('whereDate', () => todos.where({ due: _.lt(new Date(Date.UTC(2030, 0, 1))) }).field({ due: true, _id: false }).get())
  await step('count', () => todos.where({ done: false }).count())
  await step('update', () => todos.doc(addedId).update({ data: { n: _.inc(2), tags: _.push(['b']), 'nested.k': 'w', title: _.remove() } }))
  await step('afterUpdate', () => todos.doc(addedId).field({ _id: false, n: true, tags: true, nested: true, title: true }).get())
  await step('whereUpdate', () => todos.where({ done: true }).update({ data: { checked: true } }))
  await step('set', () => todos.doc('fixed-id').set({ data: { a: 1 } }))
  await step('setAgain', () => todos.doc('fixed-id').set({ data: { a: 2 } }))
  await step('remove', () => todos.doc('fixed-id').remove())
  await step('missingDoc', () => todos.doc('no-such-id').get())
  await step('missingDocLenient', () => lenient.collection('todos').doc('no-such-id').get())
  await step('missingCollection', () => db.collection('no_such_collection').get())
  await step('aggregate', () => todos.aggregate().match({ done: false }).end())
  await step('transaction', () => db.runTransaction(async (t) => {
    await t.collection('todos').doc(addedId).update({ data: { n: _.inc(10) } })
    return (await t.collection('todos').doc(addedId).get()).data.n
  }))
  await step('rollback', () => db.runTransaction(async (t) => {
    await t.collection('todos').doc(addedId).update({ data: { n: 0 } })
    await t.rollback('nope')
  }))
  await step('afterTransactions', () => todos.doc(addedId).field({ _id: false, n: true }).get())

  let fileID = null
  await step('uploadFile', async () => {
    const res = await cloud.uploadFile({ cloudPath: 'contract/hello.txt', fileContent: Buffer.from(input.fileContent) })
    fileID = res.fileID
    return res
  })
  await step('getTempFileURL', async () => {
    const res = await cloud.getTempFileURL({ fileList: [fileID, input.missingFileID] })
    return { ...res, fileList: res.fileList.map((f) => ({ ...f, tempFileURL: typeof f.tempFileURL === 'string' && f.tempFileURL.startsWith('http://127.0.0.1:') })) }
  })
  await step('downloadFile', () => cloud.downloadFile({ fileID }))
  await step('deleteFile', () => cloud.deleteFile({ fileList: [fileID] }))
  await step('downloadDeleted', () => cloud.downloadFile({ fileID }))

  await step('callFunction', async () => {
    const res = await cloud.callFunction({ name: 'echo', data: { x: 1 } })
    return { ...res, requestID: typeof res.requestID === 'string' && res.requestID.length > 0 }
  })
  await step('callFunctionFails', () => cloud.callFunction({ name: 'echo', data: { fail: true } }))
  await step('getWXContext', () => cloud.getWXContext())
  await step('subscribeMessage', () => cloud.openapi.subscribeMessage.send({
    touser: cloud.getWXContext().OPENID, templateId: input.templateId, page: 'index', data: { thing1: { value: 'hi' } }
  }))
  await step('openapiOffline', () => cloud.openapi.wxacode.getUnlimited({ scene: 'a=1' }))

  process.stdout.write(JSON.stringify(out) + '\n')
}

main().catch((e) => {
  process.stderr.write(String(e && e.stack ? e.stack : e) + '\n')
  process.exit(1)
})
