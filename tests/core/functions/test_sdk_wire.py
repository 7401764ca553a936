"""The tcb-wire §4/§5 table: the exact params wx-server-sdk sends for each database call.

Every expected value was captured from the real serializer (@cloudbase/database 1.4.3, the one
wx-server-sdk 4.0.2 uses) running the same expression under Node, with the SDK's request class
replaced by a recorder. Our shim must send byte-identical EJSON strings (key order included).
"""

from __future__ import annotations

import pytest

from tests.core.functions.test_sdk_harness import FakeHost, ok, run_js, sdk_pool  # noqa: F401

# (name, JS expression over db, _, $ and the U/A/S helpers, action, params without envName)
CASES = [
    ('where basic', "db.collection('t').where({done:false, progress:_.gt(10)}).get()",
     'database.getDocument', {'collectionName': 't', 'queryType': 'WHERE', 'query': '{"done":false,"progress":{"$gt":{"$numberInt":"10"}}}', 'limit': 100}),
    ('where nested flatten', "db.collection('t').where({style:{color:'red', size:{w:1}}, 'j.k':'dot', n:null, z:0, e:''}).get()",
     'database.getDocument', {'collectionName': 't', 'queryType': 'WHERE', 'query': '{"j.k":"dot","n":null,"z":{"$numberInt":"0"},"e":"","style.color":"red","style.size.w":{"$numberInt":"1"}}', 'limit': 100}),
    ('where empty nested + undefined', "db.collection('t').where({style:{}, a:undefined, b:1}).get()",
     'database.getDocument', {'collectionName': 't', 'queryType': 'WHERE', 'query': '{"b":{"$numberInt":"1"}}', 'limit': 100}),
    ('where eq object', "db.collection('t').where({style:_.eq({color:'red'})}).get()",
     'database.getDocument', {'collectionName': 't', 'queryType': 'WHERE', 'query': '{"style":{"$eq":{"color":"red"}}}', 'limit': 100}),
    ('where arrays', "db.collection('t').where({numbers:[10,20,30], tags:[{a:1}]}).get()",
     'database.getDocument', {'collectionName': 't', 'queryType': 'WHERE', 'query': '{"numbers":[{"$numberInt":"10"},{"$numberInt":"20"},{"$numberInt":"30"}],"tags":[{"a":{"$numberInt":"1"}}]}', 'limit': 100}),
    ('in nin all', "db.collection('t').where({a:_.in(['x',1]), b:_.nin([1,2.5]), c:_.all([1,2])}).get()",
     'database.getDocument', {'collectionName': 't', 'queryType': 'WHERE', 'query': '{"a":{"$in":["x",{"$numberInt":"1"}]},"b":{"$nin":[{"$numberInt":"1"},{"$numberDouble":"2.5"}]},"c":{"$all":[{"$numberInt":"1"},{"$numberInt":"2"}]}}', 'limit': 100}),
    ('exists size mod', "db.collection('t').where({a:_.exists(true), b:_.size(2), c:_.mod(4,0), d:_.mod([3,1])}).get()",
     'database.getDocument', {'collectionName': 't', 'queryType': 'WHERE', 'query': '{"a":{"$exists":true},"b":{"$size":{"$numberInt":"2"}},"c":{"$mod":[{"$numberInt":"4"},{"$numberInt":"0"}]},"d":{"$mod":[{"$numberInt":"3"},{"$numberInt":"1"}]}}', 'limit': 100}),
    ('elemMatch obj', "db.collection('t').where({tags:_.elemMatch({value:_.gt(0), k:'v'})}).get()",
     'database.getDocument', {'collectionName': 't', 'queryType': 'WHERE', 'query': '{"tags":{"$elemMatch":{"value":{"$gt":{"$numberInt":"0"}},"k":"v"}}}', 'limit': 100}),
    ('elemMatch cmd', "db.collection('t').where({tags:_.elemMatch(_.gt(2))}).get()",
     'database.getDocument', {'collectionName': 't', 'queryType': 'WHERE', 'query': '{"tags":{"$elemMatch":{"$gt":{"$numberInt":"2"}}}}', 'limit': 100}),
    ('neq and chain', "db.collection('t').where({a:_.neq(1).and(_.lt(5)), b:_.gte(20).and(_.lte(50)), c:3}).get()",
     'database.getDocument', {'collectionName': 't', 'queryType': 'WHERE', 'query': '{"c":{"$numberInt":"3"},"$and":[{"a":{"$ne":{"$numberInt":"1"}}},{"a":{"$lt":{"$numberInt":"5"}}},{"b":{"$gte":{"$numberInt":"20"}}},{"b":{"$lte":{"$numberInt":"50"}}}]}', 'limit': 100}),
    ('or chain field', "db.collection('t').where({progress:_.lt(30).or(_.gt(90))}).get()",
     'database.getDocument', {'collectionName': 't', 'queryType': 'WHERE', 'query': '{"$or":[{"progress":{"$lt":{"$numberInt":"30"}}},{"progress":{"$gt":{"$numberInt":"90"}}}]}', 'limit': 100}),
    ('chained gt lt', "db.collection('t').where({p:_.gt(1).lt(9)}).get()",
     'database.getDocument', {'collectionName': 't', 'queryType': 'WHERE', 'query': '{"$and":[{"p":{"$gt":{"$numberInt":"1"}}},{"p":{"$lt":{"$numberInt":"9"}}}]}', 'limit': 100}),
    ('top or', "db.collection('t').where(_.or([{a:1},{a:_.in([2,3])}])).get()",
     'database.getDocument', {'collectionName': 't', 'queryType': 'WHERE', 'query': '{"$or":[{"a":{"$numberInt":"1"}},{"a":{"$in":[{"$numberInt":"2"},{"$numberInt":"3"}]}}]}', 'limit': 100}),
    ('top or varargs', "db.collection('t').where(_.or({a:1},{b:{c:2}})).get()",
     'database.getDocument', {'collectionName': 't', 'queryType': 'WHERE', 'query': '{"$or":[{"a":{"$numberInt":"1"}},{"b.c":{"$numberInt":"2"}}]}', 'limit': 100}),
    ('top and', "db.collection('t').where(_.and([{done:false},{tags:_.exists(true)}])).get()",
     'database.getDocument', {'collectionName': 't', 'queryType': 'WHERE', 'query': '{"$and":[{"done":false},{"tags":{"$exists":true}}]}', 'limit': 100}),
    ('nor', "db.collection('t').where(_.nor([{done:true},{progress:_.lt(30)}])).get()",
     'database.getDocument', {'collectionName': 't', 'queryType': 'WHERE', 'query': '{"$nor":[{"done":true},{"progress":{"$lt":{"$numberInt":"30"}}}]}', 'limit': 100}),
    ('not', "db.collection('t').where({progress:_.not(_.gt(30))}).get()",
     'database.getDocument', {'collectionName': 't', 'queryType': 'WHERE', 'query': '{"progress":{"$not":{"$gt":{"$numberInt":"30"}}}}', 'limit': 100}),
    ('not regex', "db.collection('t').where({title:_.not(/^a/i)}).get()",
     'database.getDocument', {'collectionName': 't', 'queryType': 'WHERE', 'query': '{"title":{"$not":{"$regularExpression":{"pattern":"^a","options":"i"}}}}', 'limit': 100}),
    ('field or of and', "db.collection('t').where({m:_.gt(8).and(_.lt(16)).or(_.eq(32))}).get()",
     'database.getDocument', {'collectionName': 't', 'queryType': 'WHERE', 'query': '{"$or":[{"$and":[{"m":{"$gt":{"$numberInt":"8"}}},{"m":{"$lt":{"$numberInt":"16"}}}]},{"m":{"$eq":{"$numberInt":"32"}}}]}', 'limit': 100}),
    ('dates', "db.collection('t').where({d:new Date(86400000), e:_.lt(new Date(1700000000123))}).get()",
     'database.getDocument', {'collectionName': 't', 'queryType': 'WHERE', 'query': '{"d":{"$date":{"$numberLong":"86400000"}},"e":{"$lt":{"$date":{"$numberLong":"1700000000123"}}}}', 'limit': 100}),
    ('regex literal', "db.collection('t').where({title:/^a.b$/im}).get()",
     'database.getDocument', {'collectionName': 't', 'queryType': 'WHERE', 'query': '{"title":{"$regularExpression":{"pattern":"^a.b$","options":"im"}}}', 'limit': 100}),
    ('db.RegExp', "db.collection('t').where({title:db.RegExp({regexp:'TA$', options:'i'})}).get()",
     'database.getDocument', {'collectionName': 't', 'queryType': 'WHERE', 'query': '{"title":{"$regularExpression":{"pattern":"TA$","options":"i"}}}', 'limit': 100}),
    ('numbers', "db.collection('t').where({a:1.5, b:Math.pow(2,40), c:-3, d:2147483648, e:1e21, f:-0.25}).get()",
     'database.getDocument', {'collectionName': 't', 'queryType': 'WHERE', 'query': '{"a":{"$numberDouble":"1.5"},"b":{"$numberLong":"1099511627776"},"c":{"$numberInt":"-3"},"d":{"$numberLong":"2147483648"},"e":{"$numberDouble":"1e+21"},"f":{"$numberDouble":"-0.25"}}', 'limit': 100}),
    ('geo point eq', "db.collection('t').where({loc:db.Geo.Point(113,23)}).get()",
     'database.getDocument', {'collectionName': 't', 'queryType': 'WHERE', 'query': '{"loc":{"type":"Point","coordinates":[{"$numberInt":"113"},{"$numberInt":"23"}]}}', 'limit': 100}),
    ('geoNear', "db.collection('t').where({loc:_.geoNear({geometry:db.Geo.Point(113.3,23.1), maxDistance:1000})}).get()",
     'database.getDocument', {'collectionName': 't', 'queryType': 'WHERE', 'query': '{"loc":{"$nearSphere":{"$geometry":{"type":"Point","coordinates":[{"$numberDouble":"113.3"},{"$numberDouble":"23.1"}]},"$maxDistance":{"$numberInt":"1000"}}}}', 'limit': 100}),
    ('geoWithin', "db.collection('t').where({loc:_.geoWithin({geometry:db.Geo.Polygon([db.Geo.LineString([db.Geo.Point(0,0),db.Geo.Point(3,2),db.Geo.Point(2,3),db.Geo.Point(0,0)])])})}).get()",
     'database.getDocument', {'collectionName': 't', 'queryType': 'WHERE', 'query': '{"loc":{"$geoWithin":{"$geometry":{"type":"Polygon","coordinates":[[[{"$numberInt":"0"},{"$numberInt":"0"}],[{"$numberInt":"3"},{"$numberInt":"2"}],[{"$numberInt":"2"},{"$numberInt":"3"}],[{"$numberInt":"0"},{"$numberInt":"0"}]]]}}}}', 'limit': 100}),
    ('geoWithin centerSphere', "db.collection('t').where({loc:_.geoWithin({centerSphere:[db.Geo.Point(1,2), 0.1]})}).get()",
     'database.getDocument', {'collectionName': 't', 'queryType': 'WHERE', 'query': '{"loc":{"$geoWithin":{"$centerSphere":[[{"$numberInt":"1"},{"$numberInt":"2"}],{"$numberDouble":"0.1"}]}}}', 'limit': 100}),
    ('geoIntersects', "db.collection('t').where({loc:_.geoIntersects({geometry:db.Geo.LineString([db.Geo.Point(0,0),db.Geo.Point(1,1)])})}).get()",
     'database.getDocument', {'collectionName': 't', 'queryType': 'WHERE', 'query': '{"loc":{"$geoIntersects":{"$geometry":{"type":"LineString","coordinates":[[{"$numberInt":"0"},{"$numberInt":"0"}],[{"$numberInt":"1"},{"$numberInt":"1"}]]}}}}', 'limit': 100}),
    ('expr', "db.collection('t').where(_.expr($.gt(['$progress', 40]))).get()",
     'database.getDocument', {'collectionName': 't', 'queryType': 'WHERE', 'query': '{"$expr":{"$gt":["$progress",{"$numberInt":"40"}]}}', 'limit': 100}),
    ('serverDate in query', "db.collection('t').where({ts:_.lt(db.serverDate({offset:-1000}))}).get()",
     'database.getDocument', {'collectionName': 't', 'queryType': 'WHERE', 'query': '{"ts":{"$lt":{"$tcb_server_date":{"offset":{"$numberInt":"-1000"}}}}}', 'limit': 100}),
    ('order skip limit field', "db.collection('t').orderBy('a','asc').orderBy('b','desc').orderBy('a','desc').skip(20).limit(5).field({a:true, done:false, n:3, m:0, s:_.project.slice([1,2]), e:_.project.elemMatch({x:_.gt(1)})}).get()",
     'database.getDocument', {'collectionName': 't', 'queryType': 'WHERE', 'order': '{"a":{"$numberInt":"-1"},"b":{"$numberInt":"-1"}}', 'offset': 20, 'limit': 5, 'projection': '{"a":{"$numberInt":"1"},"done":{"$numberInt":"0"},"n":{"$numberInt":"1"},"m":{"$numberInt":"0"},"s":{"$slice":[{"$numberInt":"1"},{"$numberInt":"2"}]},"e":{"$elemMatch":{"x":{"operator":"gt","operands":[{"$numberInt":"1"}],"fieldName":{}}}}}'}),
    ('limit cap', "db.collection('t').limit(1001).get()",
     'database.getDocument', {'collectionName': 't', 'queryType': 'WHERE', 'limit': 1000}),
    ('limit zero', "db.collection('t').where({a:1}).limit(0).get()",
     'database.getDocument', {'collectionName': 't', 'queryType': 'WHERE', 'query': '{"a":{"$numberInt":"1"}}', 'limit': 100}),
    ('where empty', "db.collection('t').where({}).get()",
     'database.getDocument', {'collectionName': 't', 'queryType': 'WHERE', 'query': '{}', 'limit': 100}),
    ('count', "db.collection('t').where({done:false}).skip(1).limit(1).count()",
     'database.calculateDocument', {'collectionName': 't', 'queryType': 'WHERE', 'query': '{"done":false}'}),
    ('count all', "db.collection('t').count()",
     'database.calculateDocument', {'collectionName': 't', 'queryType': 'WHERE'}),
    ('update ops', "U(db.collection('t').where({done:true}), {n:_.inc(1), m:_.mul(2), lo:_.min(0), hi:_.max(100), r:_.rename('q'), gone:_.remove(), s:_.set({whole:'obj', d:new Date(5)})})",
     'database.modifyDocument', {'collectionName': 't', 'queryType': 'WHERE', 'multi': True, 'merge': True, 'upsert': False, 'data': '{"$inc":{"n":{"$numberInt":"1"}},"$mul":{"m":{"$numberInt":"2"}},"$min":{"lo":{"$numberInt":"0"}},"$max":{"hi":{"$numberInt":"100"}},"$rename":{"r":"q"},"$unset":{"gone":""},"$set":{"s":{"whole":"obj","d":{"$date":{"$numberLong":"5"}}}}}', 'query': '{"done":true}'}),
    ('update arrays', "U(db.collection('t').doc('x'), {a:_.push('x'), b:_.push(['x','y']), c:_.push('x','y'), d:_.push({each:[1], position:1, sort:-1, slice:3}), e:_.pop(), f:_.shift(), g:_.unshift('u','v'), h:_.pull('db'), i:_.pull(_.in(['Go','Py'])), j:_.pullAll([10,30]), k:_.addToSet('x'), l:_.addToSet({$each:['a','b']}), m:_.pull({value:_.gt(1)}), o:_.unshift([0])})",
     'database.modifyDocument', {'collectionName': 't', 'data': '{"$push":{"a":{"$each":["x"]},"b":{"$each":["x","y"]},"c":{"$each":["x","y"]},"d":{"$each":[{"$numberInt":"1"}],"$position":{"$numberInt":"1"},"$sort":{"$numberInt":"-1"},"$slice":{"$numberInt":"3"}},"g":{"$each":["u","v"],"$position":{"$numberInt":"0"}},"o":{"$each":[{"$numberInt":"0"}],"$position":{"$numberInt":"0"}}},"$pop":{"e":{"$numberInt":"1"},"f":{"$numberInt":"-1"}},"$pull":{"h":"db","i":{"$in":["Go","Py"]},"m":{"value":{"$gt":{"$numberInt":"1"}}}},"$pullAll":{"j":[{"$numberInt":"10"},{"$numberInt":"30"}]},"$addToSet":{"k":"x","l":{"$each":["a","b"]}}}', 'query': '{"_id":"x"}', 'queryType': 'DOC', 'multi': False, 'merge': True, 'upsert': False}),
    ('update flatten', "U(db.collection('t').doc('x'), {style:{color:'blue', font:{size:12}}, 'sub.k':'v', arr:[1,{x:2}], nested:{k:_.inc(1)}, z:null, at:db.serverDate({offset:3600000}), d:new Date(0), loc:db.Geo.Point(1,2), re:/x/g})",
     'database.modifyDocument', {'collectionName': 't', 'data': '{"$set":{"sub.k":"v","arr":[{"$numberInt":"1"},{"x":{"$numberInt":"2"}}],"z":null,"at":{"$tcb_server_date":{"offset":{"$numberInt":"3600000"}}},"d":{"$date":{"$numberLong":"0"}},"loc":{"type":"Point","coordinates":[{"$numberInt":"1"},{"$numberInt":"2"}]},"re":{"$regularExpression":{"pattern":"x","options":"g"}},"style.color":"blue","style.font.size":{"$numberInt":"12"}},"$inc":{"nested.k":{"$numberInt":"1"}}}', 'query': '{"_id":"x"}', 'queryType': 'DOC', 'multi': False, 'merge': True, 'upsert': False}),
    ('update numeric keys', "U(db.collection('t').where({category:'float'}), {arr:{0:{subObj:_.remove()}, 1:_.remove()}, index:_.inc(-0.05)})",
     'database.modifyDocument', {'collectionName': 't', 'queryType': 'WHERE', 'multi': True, 'merge': True, 'upsert': False, 'data': '{"$inc":{"index":{"$numberDouble":"-0.05"}},"$unset":{"arr.1":"","arr.0.subObj":""}}', 'query': '{"category":"float"}'}),
    ('update multi false', "U(db.collection('t').where({a:1}), {flag:true}, false)",
     'database.modifyDocument', {'collectionName': 't', 'queryType': 'WHERE', 'multi': False, 'merge': True, 'upsert': False, 'data': '{"$set":{"flag":true}}', 'query': '{"a":{"$numberInt":"1"}}'}),
    ('set', "S(db.collection('t').doc('z'), {a:9, at:db.serverDate(), d:new Date(1), nested:{x:[1,{y:undefined}]}, u:undefined})",
     'database.modifyDocument', {'collectionName': 't', 'queryType': 'DOC', 'data': '{"a":{"$numberInt":"9"},"at":{"$tcb_server_date":{"offset":{"$numberInt":"0"}}},"d":{"$date":{"$numberLong":"1"}},"nested":{"x":[{"$numberInt":"1"},{}]}}', 'multi': False, 'merge': False, 'upsert': True, 'query': '{"_id":"z"}'}),
    ('set numeric id', "S(db.collection('t').doc(5), {a:1})",
     'database.modifyDocument', {'collectionName': 't', 'queryType': 'DOC', 'data': '{"a":{"$numberInt":"1"}}', 'multi': False, 'merge': False, 'upsert': True, 'query': '{"_id":{"$numberInt":"5"}}'}),
    ('add', "A(db.collection('t'), {a:1, when:new Date(0), at:db.serverDate(), loc:db.Geo.Point(113,23), re:db.RegExp({regexp:'x', options:'s'}), arr:[undefined, 1.5]})",
     'database.insertDocument', {'collectionName': 't', 'data': ["{\"a\":{\"$numberInt\":\"1\"},\"when\":{\"$date\":{\"$numberLong\":\"0\"}},\"at\":{\"$tcb_server_date\":{\"offset\":{\"$numberInt\":\"0\"}}},\"loc\":{\"type\":\"Point\",\"coordinates\":[{\"$numberInt\":\"113\"},{\"$numberInt\":\"23\"}]},\"re\":{\"$regularExpression\":{\"pattern\":\"x\",\"options\":\"s\"}},\"arr\":[null,{\"$numberDouble\":\"1.5\"}]}"]}),
    ('add many', "A(db.collection('t'), [{a:1},{a:2, _id:'mine'}])",
     'database.insertDocument', {'collectionName': 't', 'data': ["{\"a\":{\"$numberInt\":\"1\"}}", "{\"a\":{\"$numberInt\":\"2\"},\"_id\":\"mine\"}"]}),
    ('remove where', "db.collection('t').where({a:_.lt(0)}).remove()",
     'database.removeDocument', {'collectionName': 't', 'query': '{"a":{"$lt":{"$numberInt":"0"}}}', 'queryType': 'WHERE', 'multi': True}),
    ('remove doc', "db.collection('t').doc('x').remove()",
     'database.removeDocument', {'collectionName': 't', 'query': '{"_id":"x"}', 'queryType': 'DOC', 'multi': False}),
    ('doc get field', "db.collection('t').doc('x').field({a:true, numbers:_.project.slice(1)}).get()",
     'database.getDocument', {'collectionName': 't', 'query': '{"_id":"x"}', 'queryType': 'DOC', 'multi': False, 'projection': '{"a":{"$numberInt":"1"},"numbers":{"$slice":{"$numberInt":"1"}}}'}),
    ('doc get', "db.collection('t').doc('x').get()",
     'database.getDocument', {'collectionName': 't', 'query': '{"_id":"x"}', 'queryType': 'DOC', 'multi': False}),
    ('aggregate', "db.collection('t').aggregate().match({a:_.gte(1), s:{t:1}}).group({_id:'$a', n:$.sum(1), avg:$.avg('$p')}).project({x:$.add(['$a',1]), b:1, c:false}).sort({n:-1}).skip(2).limit(2).unwind('$bs').count('n').end()",
     'database.aggregateDocuments', {'collectionName': 't', 'stages': [{"stageKey": "$match", "stageValue": "{\"a\":{\"$gte\":{\"$numberInt\":\"1\"}},\"s.t\":{\"$numberInt\":\"1\"}}"}, {"stageKey": "$group", "stageValue": "{\"_id\":\"$a\",\"n\":{\"$sum\":{\"$numberInt\":\"1\"}},\"avg\":{\"$avg\":\"$p\"}}"}, {"stageKey": "$project", "stageValue": "{\"x\":{\"$add\":[\"$a\",{\"$numberInt\":\"1\"}]},\"b\":{\"$numberInt\":\"1\"},\"c\":false}"}, {"stageKey": "$sort", "stageValue": "{\"n\":{\"$numberInt\":\"-1\"}}"}, {"stageKey": "$skip", "stageValue": "2"}, {"stageKey": "$limit", "stageValue": "2"}, {"stageKey": "$unwind", "stageValue": "\"$bs\""}, {"stageKey": "$count", "stageValue": "\"n\""}]}),
    ('aggregate more', "db.collection('t').aggregate().addFields({t:$.concat(['$a','-'])}).lookup({from:'b', localField:'x', foreignField:'y', as:'z'}).replaceRoot({newRoot:'$teachers'}).sample({size:3}).sortByCount('$category').bucket({groupBy:'$price', boundaries:[0,50,100], default:'other', output:{count:$.sum(1)}}).unwind({path:'$size', includeArrayIndex:'index', preserveNullAndEmptyArrays:true}).end()",
     'database.aggregateDocuments', {'collectionName': 't', 'stages': [{"stageKey": "$addFields", "stageValue": "{\"t\":{\"$concat\":[\"$a\",\"-\"]}}"}, {"stageKey": "$lookup", "stageValue": "{\"from\":\"b\",\"localField\":\"x\",\"foreignField\":\"y\",\"as\":\"z\"}"}, {"stageKey": "$replaceRoot", "stageValue": "{\"newRoot\":\"$teachers\"}"}, {"stageKey": "$sample", "stageValue": "{\"size\":{\"$numberInt\":\"3\"}}"}, {"stageKey": "$sortByCount", "stageValue": "\"$category\""}, {"stageKey": "$bucket", "stageValue": "{\"groupBy\":\"$price\",\"boundaries\":[{\"$numberInt\":\"0\"},{\"$numberInt\":\"50\"},{\"$numberInt\":\"100\"}],\"default\":\"other\",\"output\":{\"count\":{\"$sum\":{\"$numberInt\":\"1\"}}}}"}, {"stageKey": "$unwind", "stageValue": "{\"path\":\"$size\",\"includeArrayIndex\":\"index\",\"preserveNullAndEmptyArrays\":true}"}]}),
    ('aggregate lookup pipeline', "db.collection('t').aggregate().lookup({from:'b', let:{v:'$x'}, pipeline:$.pipeline().match(_.expr($.eq(['$y','$$v']))).project({_id:0}).done(), as:'z'}).project({d:$.dateToString({date:'$d', format:'%Y'}), c:$.cond({if:$.gte(['$a',200]), then:0.7, else:0.9}), l:$.literal('$1'), ne:$.neq(['$a',1])}).end()",
     'database.aggregateDocuments', {'collectionName': 't', 'stages': [{"stageKey": "$lookup", "stageValue": "{\"from\":\"b\",\"let\":{\"v\":\"$x\"},\"pipeline\":[{\"$match\":{\"$expr\":{\"$eq\":[\"$y\",\"$$v\"]}}},{\"$project\":{\"_id\":{\"$numberInt\":\"0\"}}}],\"as\":\"z\"}"}, {"stageKey": "$project", "stageValue": "{\"d\":{\"$dateToString\":{\"date\":\"$d\",\"format\":\"%Y\"}},\"c\":{\"$cond\":{\"if\":{\"$gte\":[\"$a\",{\"$numberInt\":\"200\"}]},\"then\":{\"$numberDouble\":\"0.7\"},\"else\":{\"$numberDouble\":\"0.9\"}}},\"l\":{\"$literal\":\"$1\"},\"ne\":{\"$ne\":[\"$a\",{\"$numberInt\":\"1\"}]}}"}]}),
    ('aggregate geoNear', "db.collection('t').aggregate().geoNear({distanceField:'distance', spherical:true, near:db.Geo.Point(113.3,23.1), query:{docType:'geoNear', n:_.gt(1)}, key:'location', includeLocs:'location'}).end()",
     'database.aggregateDocuments', {'collectionName': 't', 'stages': [{"stageKey": "$geoNear", "stageValue": "{\"distanceField\":\"distance\",\"spherical\":true,\"near\":{\"type\":\"Point\",\"coordinates\":[{\"$numberDouble\":\"113.3\"},{\"$numberDouble\":\"23.1\"}]},\"query\":{\"docType\":\"geoNear\",\"n\":{\"$gt\":{\"$numberInt\":\"1\"}}},\"key\":\"location\",\"includeLocs\":\"location\"}"}]}),
    ('second where replaces', "db.collection('t').where({a:1}).where({b:2}).get()",
     'database.getDocument', {'collectionName': 't', 'queryType': 'WHERE', 'query': '{"b":{"$numberInt":"2"}}', 'limit': 100}),
    ('where orderBy where', "db.collection('t').where({a:1}).orderBy('x.y','asc').where({b:_.in([1])}).limit(3).get()",
     'database.getDocument', {'collectionName': 't', 'queryType': 'WHERE', 'query': '{"b":{"$in":[{"$numberInt":"1"}]}}', 'order': '{"x.y":{"$numberInt":"1"}}', 'limit': 3}),
    ('doc field false', "db.collection('t').doc('t1').field({style:false, numbers:0, tags:-1}).get()",
     'database.getDocument', {'collectionName': 't', 'query': '{"_id":"t1"}', 'queryType': 'DOC', 'multi': False, 'projection': '{"style":{"$numberInt":"0"},"numbers":{"$numberInt":"0"},"tags":{"$numberInt":"0"}}'}),
    ('update nested and push sort', "U(db.collection('t').doc('x'), {a:{b:{c:1, d:[1,2]}}, e:_.push({each:[{x:1}], sort:{x:-1}})})",
     'database.modifyDocument', {'collectionName': 't', 'data': '{"$push":{"e":{"$each":[{"x":{"$numberInt":"1"}}],"$sort":{"x":{"$numberInt":"-1"}}}},"$set":{"a.b.c":{"$numberInt":"1"},"a.b.d":[{"$numberInt":"1"},{"$numberInt":"2"}]}}', 'query': '{"_id":"x"}', 'queryType': 'DOC', 'multi': False, 'merge': True, 'upsert': False}),
]

WIRE_FUNCTION = """const cloud = require('wx-server-sdk')
cloud.init({ env: 'test-env' })
const db = cloud.database(); const _ = db.command; const $ = _.aggregate
const U = (q, data, multi) => q.update(multi === false ? { data, multi } : { data })
const A = (c, data) => c.add({ data })
const S = (d, data) => d.set({ data })
exports.main = async (event) => {
  const run = new Function('db', '_', '$', 'U', 'A', 'S', 'return (' + event.code + ')')
  try { await run(db, _, $, U, A, S) } catch (e) { return e.errMsg || e.message }
  return null
}
"""


@pytest.fixture(scope="module")
def wire_function(tmp_path_factory):
    """One function for the whole table, so its instance stays warm between cases."""
    root = tmp_path_factory.mktemp("wire")
    (root / "index.js").write_text(WIRE_FUNCTION, encoding="utf-8")
    return root


@pytest.mark.parametrize(("name", "code", "action", "params"), CASES, ids=[c[0] for c in CASES])
def test_wire_params(sdk_pool, wire_function, name, code, action, params):  # noqa: F811
    """The host receives exactly what the real SDK puts on the wire."""
    host = FakeHost()
    outcome = sdk_pool.invoke(wire_function, {"code": code}, {}, {}, 20.0, host)
    assert outcome.error is None, outcome.error
    assert host.wire() == [(action, params)], outcome.result


def test_every_body_names_the_env(run_js):  # noqa: F811
    """Like the real SDK, each request carries envName: init's env, or the function's own."""
    host = FakeHost()
    source = """const cloud = require('wx-server-sdk')
    exports.main = async () => {
      cloud.init({ env: { database: 'db-env', functions: 'fn-env' } })
      await cloud.database().collection('t').count()
      await cloud.database({ env: 'other' }).collection('t').count()
      await cloud.callFunction({ name: 'f' }).catch(() => null)
      await cloud.callFunction({ name: 'f', config: { env: 'per-call' } }).catch(() => null)
      await cloud.getTempFileURL({ fileList: ['cloud://x'] }).catch(() => null)
    }"""
    ok(run_js(source, host=host))
    assert [(a, p["envName"]) for a, p in host.calls] == [
        ("database.calculateDocument", "db-env"),
        ("database.calculateDocument", "other"),
        ("functions.invokeFunction", "fn-env"),
        ("functions.invokeFunction", "per-call"),
        ("storage.batchGetDownloadUrl", "test-env"),  # no storage env given: the current env
    ]


def test_dynamic_current_env_is_the_functions_env(run_js):  # noqa: F811
    """DYNAMIC_CURRENT_ENV (and init() without env) resolve to TCB_ENV, else SCF_NAMESPACE."""
    host = FakeHost()
    source = """const cloud = require('wx-server-sdk')
    cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
    exports.main = async () => { await cloud.database().collection('t').count() }"""
    ok(run_js(source, host=host, env={"SCF_NAMESPACE": "ns-env"}))
    assert host.calls[0][1]["envName"] == "ns-env"
