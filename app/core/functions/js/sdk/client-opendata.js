// The mini program's open data offline (openapi.md §7): the getPhoneNumber button, wx.getWeRunData
// and wx.cloud.CloudID. The host issues the tokens: a phone code (single use, 5 minutes) and
// cloudIDs (5 minutes), each bound to the signed-in persona.
//
// A console cannot tap <button open-type="getPhoneNumber" bindgetphonenumber="onPhone">, so
// `const e = await wx.simulateGetPhoneNumber({allow: true})` gives the event that handler would
// get, `{type: 'getphonenumber', detail}`: hand it on, `onPhone(e)`. Without `allow` the persona's
// policy in the Users pane decides. `detail` is `{errMsg: 'getPhoneNumber:ok', code, encryptedData,
// iv, cloudID}` or `{errMsg: 'getPhoneNumber:fail user deny'}`. encryptedData is the phone data in
// AES-128-CBC under the session_key of the persona's last wx.login (code2Session of that login's
// code answers it), so WeChat's decryptData sample works on a server or in a function too.
'use strict'
const { HostError } = require('wxsim:sdk/errors')
const { settleClient } = require('wxsim:sdk/convention')
const transport = require('wxsim:sdk/transport')

const MARKER = '$wxsimCloudID' // the host opens it in callFunction data (app/core/openapi/opendata.py)

/** What wx.cloud.CloudID(id) gives: sent in callFunction data as `{"$wxsimCloudID": id}`. */
class CloudID {
  constructor (cloudID) { this.cloudID = cloudID }
  toJSON () { return { [MARKER]: this.cloudID } }
}

function cloudID (id) { return new CloudID(id) }

/** The base library's plain failure object, `{errMsg: '<api>:fail <text>'}`. */
function failure (api) {
  return (e) => ({ errMsg: `${api}:fail ${e instanceof HostError ? e.detail : e && e.message !== undefined ? e.message : e}` })
}

function simulateGetPhoneNumber (options = {}) {
  return settleClient(options, async () => {
    const params = typeof options.allow === 'boolean' ? { allow: options.allow } : {}
    return { type: 'getphonenumber', detail: await transport.send('opendata.getPhoneNumber', params) }
  }, failure('getPhoneNumber'))
}

/** `{errMsg: 'getWeRunData:ok', encryptedData, iv, cloudID}`: the persona's last 31 days of steps. */
function getWeRunData (options = {}) {
  return settleClient(options, () => transport.send('opendata.getWeRunData', {}), failure('getWeRunData'))
}

module.exports = { cloudID, simulateGetPhoneNumber, getWeRunData }
