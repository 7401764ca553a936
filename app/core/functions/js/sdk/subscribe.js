// The mini program's wx.requestSubscribeMessage (openapi.md §4.2): the persona answers as its
// policy in the workspace says (no dialog offline), and each accept grants one send. A refusal
// settles as the base library's plain `{errMsg: 'requestSubscribeMessage:fail <text>', errCode}`.
'use strict'
const { HostError } = require('wxsim:sdk/errors')
const { settleClient } = require('wxsim:sdk/convention')
const transport = require('wxsim:sdk/transport')

const API = 'requestSubscribeMessage'

function failure (e) {
  if (e instanceof HostError) return { errMsg: `${API}:fail ${e.detail}`, errCode: e.code }
  return { errMsg: `${API}:fail ${e && e.message !== undefined ? e.message : e}`, errCode: -1 }
}

function requestSubscribeMessage (options = {}) {
  return settleClient(options, () => transport.send('wx.requestSubscribeMessage', { tmplIds: options.tmplIds }),
    failure)
}

module.exports = { requestSubscribeMessage }
