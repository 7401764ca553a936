// db.command (`_`): query, logic, update, aggregation and projection commands, as in
// @cloudbase/database command.ts and commands/*.ts. A command is a value object; the
// serializers (serializer.js) turn it into Mongo operators once it sits under a field name.
'use strict'
const { isObject, isArray, isString, isNumber, T, mark } = require('wxsim:sdk/types')
const geo = require('wxsim:sdk/geo')

const argList = (args) => (isArray(args[0]) ? args[0] : Array.from(args))

class LogicCommand {
  constructor (operator, operands, fieldName) {
    mark(this, T.LOGIC_COMMAND)
    this.operator = operator
    this.operands = operands
    this.fieldName = fieldName || T.UNSET_FIELD_NAME
    if (this.fieldName !== T.UNSET_FIELD_NAME) {
      // Sub-commands learn the field name too, so `_.gt(1).and(_.lt(5))` encodes per field.
      const named = (q) => (isLogicCommand(q) || isQueryCommand(q) ? q._setFieldName(this.fieldName) : q)
      this.operands = isArray(operands) ? operands.map(named) : named(operands)
    }
  }

  _setFieldName (fieldName) {
    const operands = this.operands.map((o) => (o instanceof LogicCommand ? o._setFieldName(fieldName) : o))
    return new LogicCommand(this.operator, operands, fieldName)
  }

  and (...args) {
    const expressions = argList(args).slice()
    expressions.unshift(this)
    return new LogicCommand('and', expressions, this.fieldName)
  }

  or (...args) {
    const expressions = argList(args).slice()
    expressions.unshift(this)
    return new LogicCommand('or', expressions, this.fieldName)
  }
}

class QueryCommand extends LogicCommand {
  constructor (operator, operands, fieldName) {
    super(operator, operands, fieldName)
    mark(this, T.QUERY_COMMAND)
  }

  toJSON () {
    if (this.operator === 'in' || this.operator === 'nin') return { ['$' + this.operator]: this.operands }
    if (this.operator === 'neq') return { $ne: this.operands[0] }
    return { ['$' + this.operator]: this.operands[0] }
  }

  _setFieldName (fieldName) { return new QueryCommand(this.operator, this.operands, fieldName) }

  // Only the chained forms check their operand, as @cloudbase/database's QueryCommand does; the
  // top-level `_.geoNear(...)` is checked when the query is serialized (serializer.js).
  geoNear (val) {
    if (!(val.geometry instanceof geo.Point)) throw geoTypeError('geometry', val.geometry, 'Point')
    if (val.maxDistance !== undefined && !isNumber(val.maxDistance)) throw geoTypeError('maxDistance', val.maxDistance, 'Number')
    if (val.minDistance !== undefined && !isNumber(val.minDistance)) throw geoTypeError('minDistance', val.minDistance, 'Number')
    return this.and(new QueryCommand('geoNear', [val], this.fieldName))
  }

  geoWithin (val) {
    // isCentersPhere throws rather than answering false, so its message is what a bad operand meets.
    if (!(val.geometry instanceof geo.MultiPolygon) && !(val.geometry instanceof geo.Polygon) && !geo.isCentersPhere(val.centerSphere)) {
      throw geoTypeError('geometry', val.geometry, 'Polygon or MultiPolygon')
    }
    return this.and(new QueryCommand('geoWithin', [val], this.fieldName))
  }

  geoIntersects (val) {
    if (![geo.Point, geo.LineString, geo.Polygon, geo.MultiPoint, geo.MultiLineString, geo.MultiPolygon].some((K) => val.geometry instanceof K)) {
      throw geoTypeError('geometry', val.geometry, 'Point, LineString, Polygon, MultiPoint, MultiLineString or MultiPolygon')
    }
    return this.and(new QueryCommand('geoIntersects', [val], this.fieldName))
  }

  _setField (name) { return name === T.UNSET_FIELD_NAME ? this : this._setFieldName(name) }
}

// Chained comparisons: `_.gt(1).lt(5)` is `_.gt(1).and(_.lt(5))`.
for (const op of ['eq', 'neq', 'gt', 'gte', 'lt', 'lte']) {
  QueryCommand.prototype[op] = function (val) { return this.and(new QueryCommand(op, [val], this.fieldName)) }
}
for (const op of ['in', 'nin']) {
  QueryCommand.prototype[op] = function (list) { return this.and(new QueryCommand(op, list, this.fieldName)) }
}

class UpdateCommand {
  constructor (operator, operands, fieldName) {
    mark(this, T.UPDATE_COMMAND)
    this.operator = operator
    this.operands = operands
    this.fieldName = fieldName || T.UNSET_FIELD_NAME
  }

  _setFieldName (fieldName) { return new UpdateCommand(this.operator, this.operands, fieldName) }
}

/** `$.sum(1)` and friends: a plain object `{$sum: 1}` under its own class, as in the SDK. */
class AggregationOperator {
  constructor (name, param) { this['$' + name] = param }
}

class ProjectionOperator {
  constructor (name, param) { this['$' + name] = param }
}

function isLogicCommand (x) { return !!x && x instanceof LogicCommand && x._internalType === T.LOGIC_COMMAND }
function isQueryCommand (x) { return !!x && x instanceof QueryCommand && x._internalType === T.QUERY_COMMAND }
function isUpdateCommand (x) { return !!x && x instanceof UpdateCommand && x._internalType === T.UPDATE_COMMAND }

function geoTypeError (what, val, kinds) {
  return new TypeError(`"${what}" must be of type ${kinds}. Received type ${typeof val}`)
}

const Command = {
  eq: (val) => new QueryCommand('eq', [val]),
  neq: (val) => new QueryCommand('neq', [val]),
  lt: (val) => new QueryCommand('lt', [val]),
  lte: (val) => new QueryCommand('lte', [val]),
  gt: (val) => new QueryCommand('gt', [val]),
  gte: (val) => new QueryCommand('gte', [val]),
  in: (val) => new QueryCommand('in', val),
  nin: (val) => new QueryCommand('nin', val),
  all: (val) => new QueryCommand('all', val),
  elemMatch: (val) => new QueryCommand('elemMatch', [val]),
  exists: (val) => new QueryCommand('exists', [val]),
  size: (val) => new QueryCommand('size', [val]),
  mod (...args) {
    if (args.length === 1) return new QueryCommand('mod', [args[0]])
    if (args.length === 2) return new QueryCommand('mod', [[args[0], args[1]]])
    return new QueryCommand('mod', args)
  },
  geoNear: (val) => new QueryCommand('geoNear', [val]),
  geoWithin: (val) => new QueryCommand('geoWithin', [val]),
  geoIntersects: (val) => new QueryCommand('geoIntersects', [val]),
  and: (...args) => new LogicCommand('and', argList(args)),
  or: (...args) => new LogicCommand('or', argList(args)),
  nor: (...args) => new LogicCommand('nor', argList(args)),
  not: (...args) => new LogicCommand('not', argList(args)),

  set: (val) => new UpdateCommand('set', [val]),
  remove: () => new UpdateCommand('remove', []),
  inc: (val) => new UpdateCommand('inc', [val]),
  mul: (val) => new UpdateCommand('mul', [val]),
  push (...args) {
    let values
    if (isObject(args[0]) && Object.prototype.hasOwnProperty.call(args[0], 'each')) {
      const o = args[0]
      values = {}
      if (o.each !== undefined) values.$each = o.each
      if (o.position !== undefined) values.$position = o.position
      if (o.sort !== undefined) values.$sort = o.sort
      if (o.slice !== undefined) values.$slice = o.slice
    } else values = isArray(args[0]) ? args[0] : Array.from(args)
    return new UpdateCommand('push', values)
  },
  pull: (values) => new UpdateCommand('pull', values),
  pullAll: (values) => new UpdateCommand('pullAll', values),
  pop: () => new UpdateCommand('pop', []),
  shift: () => new UpdateCommand('shift', []),
  unshift: (...args) => new UpdateCommand('unshift', argList(args)),
  addToSet: (values) => new UpdateCommand('addToSet', values),
  rename: (value) => new UpdateCommand('rename', [value]),
  bit: (value) => new UpdateCommand('bit', [value]),
  max: (value) => new UpdateCommand('max', [value]),
  min: (value) => new UpdateCommand('min', [value]),

  expr: (values) => ({ $expr: values }),
  jsonSchema: (schema) => ({ $jsonSchema: schema }),
  text (values) {
    if (isString(values)) return { $search: values }
    return { $search: values.search, $language: values.language, $caseSensitive: values.caseSensitive, $diacriticSensitive: values.diacriticSensitive }
  },
  project: {
    slice: (param) => new ProjectionOperator('slice', param),
    elemMatch: (param) => new ProjectionOperator('elemMatch', param)
  },
  aggregate: {}
}

// Every aggregation operator of the SDK's command.ts; each serializes to `{$name: param}`.
const AGGREGATION_OPERATORS = (
  'abs add ceil divide exp floor ln log log10 mod multiply pow sqrt subtract trunc ' +
  'arrayElemAt arrayToObject concatArrays filter in indexOfArray isArray map range reduce reverseArray size slice zip ' +
  'and not or cmp eq gt gte lt lte cond ifNull switch ' +
  'dateFromParts dateFromString dayOfMonth dayOfWeek dayOfYear isoDayOfWeek isoWeek isoWeekYear millisecond minute ' +
  'month second hour week year literal mergeObjects objectToArray allElementsTrue anyElementTrue setDifference ' +
  'setEquals setIntersection setIsSubset setUnion concat dateToString indexOfBytes indexOfCP split strLenBytes ' +
  'strLenCP strcasecmp substr substrBytes substrCP toLower toUpper meta addToSet avg first last max min push ' +
  'stdDevPop stdDevSamp sum let').split(' ')
for (const name of AGGREGATION_OPERATORS) Command.aggregate[name] = (param) => new AggregationOperator(name, param)
Command.aggregate.neq = (param) => new AggregationOperator('ne', param)

module.exports = {
  Command,
  LogicCommand,
  QueryCommand,
  UpdateCommand,
  AggregationOperator,
  ProjectionOperator,
  isLogicCommand,
  isQueryCommand,
  isUpdateCommand
}
