Page({
  data: { openid: '' },

  onGetOpenid() {
    wx.cloud.callFunction({ name: 'login', data: {} }).then((res) => {
      this.setData({ openid: res.result.openid })
    })
  },
})
