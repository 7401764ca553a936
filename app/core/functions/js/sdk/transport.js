// Host calls for the shims: `wxsim:host` (only built-ins may require it) plus the env name the
// real SDK puts in every request body (tcb-wire §3), and host failures as HostError.
'use strict'
const host = require('wxsim:host')
const { HostError } = require('wxsim:sdk/errors')

/**
 * Sends one action. `envName` joins the params when known (as the real SDK's body carries it);
 * a CloudError on the Python side arrives as a HostError with its code and text.
 */
async function send (action, params, envName) {
  const body = typeof envName === 'string' && envName ? { ...params, envName } : params
  try {
    return await host.call(action, body)
  } catch (e) {
    if (e && typeof e.errCode === 'number' && !(e instanceof HostError)) {
      const error = new HostError(e.errCode, String(e.errMsg === undefined ? e.message : e.errMsg))
      if (typeof e.tcbCode === 'string') error.tcbCode = e.tcbCode // the backend's string code (tcb-wire §3.1)
      throw error
    }
    throw e
  }
}

/** A fresh id in the uuid shape the platform uses for requestIDs. */
function uuid () {
  let hex = ''
  for (let i = 0; i < 32; i++) hex += Math.floor(Math.random() * 16).toString(16)
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

module.exports = { send, uuid }
