// Loaded before a mini program script (wxsim run-client, the client console): installs the
// global `wx` with wx.cloud initialised on the workspace's env, as the demo app's
// app.js does with wx.cloud.init({traceUser: true}).
require('wxsim-client').install({
  env: process.env.TCB_ENV,
  init: { traceUser: true },
  tempDir: process.env.WXSIM_TMPDIR,
})
