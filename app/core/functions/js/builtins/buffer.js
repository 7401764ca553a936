// Node's buffer module: the global Buffer, for code that writes require('buffer').Buffer.
'use strict'
exports.Buffer = Buffer
exports.kMaxLength = 2 ** 31 - 1
