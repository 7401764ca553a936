// `cloud.getOpenData({list})` as wx-server-sdk 4.0.2 makes it (openapi.md §7.3, getOpenData.ts):
// one SVRKIT call `ApiGetOpenDataByCloudId` for the calling function's user; each answered item
// is the JSON text of `{cloudID, data}` (or of a cloudID's error), parsed without case conversion.
'use strict'
const { serverFailure } = require('wxsim:sdk/errors')

const API_NAME = 'getOpenData'
const WX_SYSTEM_ERROR = -601001

async function getOpenData (cloud, options) {
  if (!options) {
    throw serverFailure(API_NAME, { errMsg: 'Params for getOpenData must be an object instead of ' + typeof options })
  }
  try {
    if (!options.list) throw new Error('list must be provided')
    const request = { apiName: 'ApiGetOpenDataByCloudId', apiType: 2, data: { cloudid_list: options.list } }
    const res = await cloud.send('wx.openApi', request, 'default')
    const list = res.dataList.map((item) => {
      if (!item.json) {
        throw { errCode: WX_SYSTEM_ERROR, errMsg: `internal svrkit error, empty openData json field for ${item.cloudId}` } // eslint-disable-line no-throw-literal
      }
      return JSON.parse(item.json)
    })
    return { list, errMsg: `${API_NAME}:ok`, errCode: 0 }
  } catch (e) {
    throw serverFailure(API_NAME, e)
  }
}

module.exports = { getOpenData }
