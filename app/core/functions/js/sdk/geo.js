// db.Geo: GeoJSON types with the SDK's validation messages (@cloudbase/database geo/*, validate.ts).
// They serialize through toJSON(); documents read back turn GeoJSON objects into these classes.
'use strict'
const { getType, isArray, isNumber, T, mark } = require('wxsim:sdk/types')

function checkDegree (which, degree) {
  if (getType(degree) !== 'number') throw new Error('Geo Point must be number type')
  const abs = Math.abs(degree)
  if (which === 'latitude' && abs > 90) throw new Error('latitude should be a number ranges from -90 to 90')
  if (which === 'longitude' && abs > 180) throw new Error('longitude should be a number ranges from -180 to 180')
  return true
}

function checkMembers (list, Kind, what, min, minMessage) {
  if (!isArray(list)) throw new TypeError(`"${what}" must be of type ${Kind.name}[]. Received type ${typeof list}`)
  if (list.length < min) throw new Error(minMessage)
  for (const item of list) {
    if (!(item instanceof Kind)) throw new TypeError(`"${what}" must be of type ${Kind.name}[]. Received type ${typeof item}[]`)
  }
}

const numberPairs = (coords) => isArray(coords) && coords.every((p) => isArray(p) && isNumber(p[0]) && isNumber(p[1]))
const closedRing = (ring) => ring.length > 0 && ring[0][0] === ring[ring.length - 1][0] && ring[0][1] === ring[ring.length - 1][1]

class Point {
  constructor (longitude, latitude) {
    checkDegree('longitude', longitude)
    checkDegree('latitude', latitude)
    this.longitude = longitude
    this.latitude = latitude
    mark(this, T.GEO_POINT)
  }

  toJSON () { return { type: 'Point', coordinates: [this.longitude, this.latitude] } }
  toReadableString () { return `[${this.longitude},${this.latitude}]` }
  static validate (p) {
    try {
      return p.type === 'Point' && isArray(p.coordinates) && checkDegree('longitude', p.coordinates[0]) && checkDegree('latitude', p.coordinates[1])
    } catch (e) { return false }
  }
}

class LineString {
  constructor (points) {
    checkMembers(points, Point, 'points', 2, '"points" must contain 2 points at least')
    this.points = points
    mark(this, T.GEO_LINE_STRING)
  }

  toJSON () { return { type: 'LineString', coordinates: this.points.map((p) => p.toJSON().coordinates) } }
  static validate (l) { return l.type === 'LineString' && numberPairs(l.coordinates) }
  static isClosed (line) {
    const a = line.points[0]; const b = line.points[line.points.length - 1]
    return a.latitude === b.latitude && a.longitude === b.longitude
  }
}

class Polygon {
  constructor (lines) {
    checkMembers(lines, LineString, 'lines', 1, 'Polygon must contain 1 linestring at least')
    for (const line of lines) {
      if (!LineString.isClosed(line)) throw new Error(`LineString ${line.points.map((p) => p.toReadableString())} is not a closed cycle`)
    }
    this.lines = lines
    mark(this, T.GEO_POLYGON)
  }

  toJSON () { return { type: 'Polygon', coordinates: this.lines.map((l) => l.toJSON().coordinates) } }
  static validate (p) {
    return p.type === 'Polygon' && isArray(p.coordinates) && p.coordinates.every((ring) => numberPairs(ring) && closedRing(ring))
  }
}

class MultiPoint {
  constructor (points) {
    checkMembers(points, Point, 'points', 1, '"points" must contain 1 point at least')
    this.points = points
    mark(this, T.GEO_MULTI_POINT)
  }

  toJSON () { return { type: 'MultiPoint', coordinates: this.points.map((p) => p.toJSON().coordinates) } }
  static validate (m) { return m.type === 'MultiPoint' && numberPairs(m.coordinates) }
}

class MultiLineString {
  constructor (lines) {
    checkMembers(lines, LineString, 'lines', 1, 'MultiLineString must contain 1 linestring at least')
    this.lines = lines
    mark(this, T.GEO_MULTI_LINE_STRING)
  }

  toJSON () { return { type: 'MultiLineString', coordinates: this.lines.map((l) => l.toJSON().coordinates) } }
  static validate (m) { return m.type === 'MultiLineString' && isArray(m.coordinates) && m.coordinates.every(numberPairs) }
}

class MultiPolygon {
  constructor (polygons) {
    checkMembers(polygons, Polygon, 'polygons', 1, 'MultiPolygon must contain 1 polygon at least')
    this.polygons = polygons
    mark(this, T.GEO_MULTI_POLYGON)
  }

  toJSON () { return { type: 'MultiPolygon', coordinates: this.polygons.map((p) => p.toJSON().coordinates) } }
  static validate (m) {
    return m.type === 'MultiPolygon' && isArray(m.coordinates) && m.coordinates.every((poly) => Polygon.validate({ type: 'Polygon', coordinates: poly }))
  }
}

const CLASSES = { Point, LineString, Polygon, MultiPoint, MultiLineString, MultiPolygon }

/** A stored GeoJSON object as the SDK returns it (util.ts formatField), or null if it is not one. */
function fromGeoJSON (v) {
  const c = v.coordinates
  const point = (p) => new Point(p[0], p[1])
  const line = (l) => new LineString(l.map(point))
  try {
    if (Point.validate(v)) return point(c)
    if (LineString.validate(v)) return line(c)
    if (Polygon.validate(v)) return new Polygon(c.map(line))
    if (MultiPoint.validate(v)) return new MultiPoint(c.map(point))
    if (MultiLineString.validate(v)) return new MultiLineString(c.map(line))
    if (MultiPolygon.validate(v)) return new MultiPolygon(c.map((poly) => new Polygon(poly.map(line))))
  } catch (e) { /* not constructible (e.g. a 1-point line): leave it a plain object */ }
  return null
}

/** `db.Geo`: each type callable with or without `new`, as wx-server-sdk's initGeo makes them. */
function makeGeo () {
  const geo = {}
  for (const [name, Kind] of Object.entries(CLASSES)) {
    geo[name] = function (...args) { return new Kind(...args) }
    geo[name].prototype = Kind.prototype // so `x instanceof db.Geo.Point` works
  }
  return geo
}

/** `centerSphere: [Point | [lng, lat], radians]`, checked as Validate.isCentersPhere does (it throws). */
function isCentersPhere (param) {
  if (isArray(param) && param.length === 2) {
    if (getType(param[0]) === 'object' && param[0]._internalType === T.GEO_POINT && typeof param[1] === 'number') return true
    if (isArray(param[0]) && param[0].length === 2) {
      checkDegree('longitude', param[0][0])
      checkDegree('latitude', param[0][1])
      if (typeof param[1] === 'number') return true
    }
  }
  throw new Error('centersPhere结构不合法')
}

module.exports = { ...CLASSES, fromGeoJSON, makeGeo, checkDegree, isCentersPhere }
