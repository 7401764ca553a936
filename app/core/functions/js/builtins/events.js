// Node's EventEmitter: on/once/off/emit/prependListener/listeners, 'error' throws when unheard.
'use strict'

class EventEmitter {
  constructor () { this._events = new Map(); this._maxListeners = EventEmitter.defaultMaxListeners }

  _list (name) {
    if (!this._events) this._events = new Map() // subclasses made with util.inherits skip our constructor
    if (!this._events.has(name)) this._events.set(name, [])
    return this._events.get(name)
  }

  _add (name, listener, prepend, once) {
    if (typeof listener !== 'function') throw new TypeError('The "listener" argument must be of type function')
    if (this._events && this._events.has('newListener')) this.emit('newListener', name, listener)
    const entry = { listener, once }
    const list = this._list(name)
    if (prepend) list.unshift(entry); else list.push(entry)
    return this
  }

  on (name, listener) { return this._add(name, listener, false, false) }
  addListener (name, listener) { return this.on(name, listener) }
  prependListener (name, listener) { return this._add(name, listener, true, false) }
  once (name, listener) { return this._add(name, listener, false, true) }
  prependOnceListener (name, listener) { return this._add(name, listener, true, true) }

  off (name, listener) {
    const list = this._list(name)
    const i = list.findIndex((e) => e.listener === listener)
    if (i >= 0) {
      list.splice(i, 1)
      if (this._events.has('removeListener')) this.emit('removeListener', name, listener)
    }
    return this
  }

  removeListener (name, listener) { return this.off(name, listener) }

  removeAllListeners (name) {
    if (name === undefined) this._events = new Map(); else this._list(name).length = 0
    return this
  }

  emit (name, ...args) {
    const list = this._list(name)
    if (!list.length) {
      if (name === 'error') throw args[0] instanceof Error ? args[0] : new Error(`Unhandled error. (${args[0]})`)
      return false
    }
    for (const entry of list.slice()) {
      if (entry.once) this.off(name, entry.listener)
      entry.listener.apply(this, args)
    }
    return true
  }

  listeners (name) { return this._list(name).map((e) => e.listener) }
  rawListeners (name) { return this.listeners(name) }
  listenerCount (name) { return this._list(name).length }
  eventNames () { return Array.from((this._events || new Map()).keys()).filter((n) => this._events.get(n).length) }
  setMaxListeners (n) { this._maxListeners = n; return this }
  getMaxListeners () { return this._maxListeners }
}

EventEmitter.defaultMaxListeners = 10
EventEmitter.EventEmitter = EventEmitter
EventEmitter.once = (emitter, name) => new Promise((resolve, reject) => {
  const onError = (err) => { emitter.off(name, onEvent); reject(err) }
  const onEvent = (...args) => { if (name !== 'error') emitter.off('error', onError); resolve(args) }
  emitter.once(name, onEvent)
  if (name !== 'error') emitter.once('error', onError)
})
module.exports = EventEmitter
