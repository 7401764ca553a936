// Query and update encoding, step for step as @cloudbase/database serializer/{common,datatype,
// query,update}.ts: nested plain objects flatten to dot paths, commands become `$` operators,
// special values (dates, regexes, Geo, serverDate) stay whole. The result then goes to EJSON.
'use strict'
const { getType, isObject, isArray, isDate, isRegExp, isInternalObject, T } = require('wxsim:sdk/types')
const { UpdateCommand, isLogicCommand, isQueryCommand, isUpdateCommand } = require('wxsim:sdk/commands')
const geo = require('wxsim:sdk/geo')

const isConversionRequired = (val) => isInternalObject(val) || isDate(val) || isRegExp(val)
const isOperator = (key) => /^\$/.test(key)
const circular = () => new Error('Cannot convert circular structure to JSON')

/** Flattens nested plain objects into dot paths; `$` keys and preserved values stay put. */
function flatten (query, preserve, visited) {
  const cloned = { ...query }
  for (const key in query) {
    if (isOperator(key)) continue
    const value = query[key]
    if (value === undefined) { delete cloned[key]; continue }
    if (!value) continue // 0, '', false and null are conditions too
    if (isObject(value) && !preserve(value)) {
      if (visited.indexOf(value) > -1) throw circular()
      const child = flatten(value, preserve, [...visited, value])
      cloned[key] = child
      let keptOperator = false
      for (const childKey in child) {
        if (!isOperator(childKey)) {
          cloned[`${key}.${childKey}`] = child[childKey]
          delete cloned[key][childKey]
        } else keptOperator = true
      }
      if (!keptOperator) delete cloned[key] // an empty nested object adds no condition
    }
  }
  return cloned
}

const flattenQueryObject = (query) => flatten(query, isConversionRequired, [query])

/** Special values to their wire objects (datatype.ts serialize); Dates stay for EJSON. */
function serialize (val, visited = [val]) {
  if (isInternalObject(val)) {
    if (val._internalType === T.SERVER_DATE || val._internalType === T.REGEXP) return val.parse()
    return val.toJSON ? val.toJSON() : val
  }
  if (isDate(val)) return val
  if (isRegExp(val)) return { $regularExpression: { pattern: val.source, options: val.flags } }
  if (isArray(val)) {
    return val.map((item) => {
      if (visited.indexOf(item) > -1) throw circular()
      return serialize(item, [...visited, item])
    })
  }
  if (isObject(val)) {
    const out = {}
    for (const key in { ...val }) {
      if (visited.indexOf(val[key]) > -1) throw circular()
      if (val[key] !== undefined) out[key] = serialize(val[key], [...visited, val[key]])
    }
    return out
  }
  return val
}

// --- queries (serializer/query.ts) ------------------------------------------------------------

function encodeQuery (query, key) {
  if (isConversionRequired(query)) {
    if (isLogicCommand(query)) return encodeLogic(query)
    if (isQueryCommand(query)) return encodeComparison(query)
    if (isRegExp(query)) return { [key]: encodeRegExp(query) }
    if (isDate(query)) return { [key]: query }
    return { [key]: encodeQueryObject(query) }
  }
  return isObject(query) ? encodeQueryObject(query) : query
}

const encodeRegExp = (re) => ({ $regularExpression: { pattern: re.source, options: re.flags } })

function encodeLogic (query) {
  const $op = '$' + query.operator
  if (query.operator === 'not') {
    const inner = query.operands[0]
    const value = isRegExp(inner) ? encodeRegExp(inner) : encodeQuery(inner)[query.fieldName]
    return { [query.fieldName]: { [$op]: value } }
  }
  if (['and', 'or', 'nor'].includes(query.operator)) {
    return { [$op]: query.operands.map((operand) => encodeQuery(operand, query.fieldName)) }
  }
  if (query.operands.length === 1) return { [$op]: encodeQuery(query.operands[0]) }
  return { [$op]: query.operands.map((operand) => encodeQuery(operand)) }
}

function encodeComparison (query) {
  if (query.fieldName === T.UNSET_FIELD_NAME) throw new Error('Cannot encode a comparison command with unset field name')
  const field = query.fieldName
  const op = query.operator
  if (op === 'in' || op === 'nin' || op === 'all') return { [field]: { ['$' + op]: serialize(query.operands) } }
  // `options` as the SDK names it, so a bad operand fails with its very TypeError
  // ("options.geometry.toJSON is not a function").
  const options = query.operands[0]
  if (op === 'geoNear') {
    return { [field]: { $nearSphere: { $geometry: options.geometry.toJSON(), $maxDistance: options.maxDistance, $minDistance: options.minDistance } } }
  }
  if (op === 'geoWithin') {
    if (options.centerSphere) {
      geo.isCentersPhere(options.centerSphere)
      const [center, radius] = options.centerSphere
      const coords = center._internalType === T.GEO_POINT ? center.toJSON().coordinates : center
      return { [field]: { $geoWithin: { $centerSphere: [coords, radius] } } }
    }
    return { [field]: { $geoWithin: { $geometry: options.geometry.toJSON() } } }
  }
  if (op === 'geoIntersects') return { [field]: { $geoIntersects: { $geometry: options.geometry.toJSON() } } }
  return { [field]: { [op === 'neq' ? '$ne' : '$' + op]: serialize(query.operands[0]) } }
}

function encodeQueryObject (query) {
  const flattened = flattenQueryObject(query)
  for (const key in flattened) {
    const val = flattened[key]
    if (isLogicCommand(val) || isQueryCommand(val)) {
      flattened[key] = val._setFieldName(key)
      const condition = isQueryCommand(val) ? encodeComparison(flattened[key]) : encodeLogic(flattened[key])
      mergeQueryCondition(flattened, condition, key)
    } else if (isConversionRequired(val)) {
      flattened[key] = serialize(val)
    }
  }
  return flattened
}

function mergeQueryCondition (query, condition, key) {
  if (!condition[key]) delete query[key]
  for (const k in condition) {
    if (query[k] && isArray(query[k])) query[k] = query[k].concat(condition[k])
    else if (query[k] && isObject(query[k]) && isObject(condition[k])) Object.assign(query, condition)
    else query[k] = condition[k]
  }
}

// --- updates (serializer/update.ts) -----------------------------------------------------------

function encodeUpdate (data) {
  if (isUpdateCommand(data)) return encodeUpdateCommand(data)
  return getType(data) === 'object' ? encodeUpdateObject(data) : data
}

function encodeUpdateCommand (cmd) {
  if (cmd.fieldName === T.UNSET_FIELD_NAME) throw new Error('Cannot encode a comparison command with unset field name')
  const f = cmd.fieldName
  switch (cmd.operator) {
    case 'push': return { $push: { [f]: isArray(cmd.operands) ? { $each: cmd.operands.map((v) => serialize(v)) } : serialize(cmd.operands) } }
    case 'unshift': return { $push: { [f]: { $each: cmd.operands.map((v) => serialize(v)), $position: 0 } } }
    case 'pop': return { $pop: { [f]: 1 } }
    case 'shift': return { $pop: { [f]: -1 } }
    case 'pull': case 'pullAll': case 'addToSet': return { ['$' + cmd.operator]: { [f]: serialize(cmd.operands) } }
    case 'remove': return { $unset: { [f]: '' } }
    // The SDK passes these operands through raw; serialize() only changes special values,
    // which raw would send as garbage (e.g. `_.set(db.serverDate())`).
    default: return { ['$' + cmd.operator]: { [f]: serialize(cmd.operands[0]) } }
  }
}

function encodeUpdateObject (data) {
  const flattened = flattenQueryObject(data)
  for (const key in flattened) {
    if (isOperator(key)) continue
    const val = flattened[key]
    const command = isUpdateCommand(val)
      ? val._setFieldName(key)
      : new UpdateCommand('set', [serialize(val)], key)
    mergeUpdateCondition(flattened, encodeUpdateCommand(command), key)
  }
  return flattened
}

function mergeUpdateCondition (query, condition, key) {
  if (!condition[key]) delete query[key]
  for (const k in condition) {
    if (query[k] && isArray(query[k])) query[k].push(condition[k])
    else if (query[k] && isObject(query[k]) && isObject(condition[k])) Object.assign(query[k], condition[k])
    else query[k] = condition[k]
  }
}

/** True if set() data holds an update command anywhere (document.ts checkMixed). */
function hasUpdateCommand (data) {
  if (typeof data !== 'object' || data === null) return false
  for (const key in data) {
    if (isUpdateCommand(data[key])) return true
    if (typeof data[key] === 'object' && hasUpdateCommand(data[key])) return true
  }
  return false
}

/** `field()` projections: true/positive → 1, false/other numbers → 0, objects pass (query.ts). */
function projection (spec) {
  const out = {}
  for (const k in spec) {
    const v = spec[k]
    if (typeof v === 'boolean') out[k] = v ? 1 : 0
    if (typeof v === 'number') out[k] = v > 0 ? 1 : 0
    if (typeof v === 'object') out[k] = v
  }
  return out
}

module.exports = { flattenQueryObject, serialize, encodeQuery, encodeUpdate, hasUpdateCommand, projection }
