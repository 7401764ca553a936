"""The aggregation expression operators' errors (and the simple stages') are said in Chinese in
the Chinese UI, while core's English (the CLI's, the gateway's errMsg) stays word for word."""

from __future__ import annotations

from random import Random

import pytest

from app.core.database.aggregate import basic
from app.core.database.aggregate.expressions import compile_expression
from app.core.database.aggregate.pipeline import compile_pipeline
from app.core.errors import CloudError
from app.ui.reason_texts import error_text, say
from tests.ui.conftest import chinese

DOC = {"_id": 1, "a": 5, "s": "Hello", "arr": [1, 2, 3], "o": {"k": 1}}


def failure(spec, doc=None) -> CloudError:
    """The CloudError evaluating the expression ``spec`` on ``doc`` raises."""
    with pytest.raises(CloudError) as info:
        compile_expression(spec)(DOC if doc is None else doc, {})
    return info.value


def said(error: CloudError) -> tuple[str, str]:
    """The error's English detail and its words in the Chinese UI."""
    with chinese():
        return error.detail, say(error.reason, error.detail)


@pytest.mark.parametrize("spec, english, chinese_text", [
    # shared texts, the operator a param
    ({"$first": "$a"}, "$first's argument must be an array, but is int",
     "$first 的参数必须是数组，实际是 int"),
    ({"$allElementsTrue": ["$s"]}, "$allElementsTrue's argument must be an array, but is string",
     "$allElementsTrue 的参数必须是数组，实际是 string"),
    ({"$setUnion": ["$arr", "$a"]}, "All operands of $setUnion must be arrays. One argument is of type: int",
     "$setUnion 的所有操作数都必须是数组，其中一个参数的类型是：int"),
    ({"$divide": ["$a", 0]}, "can't $divide by zero", "$divide 的除数不能为 0"),
    ({"$mod": ["$a", 0]}, "can't $mod by zero", "$mod 的除数不能为 0"),
    ({"$toUpper": ["$arr"]}, "$toUpper: can't convert from BSON type array to String",
     "$toUpper：无法将 BSON 类型 array 转换为 String"),
    ({"$year": "$s"}, "$year: can't convert from BSON type string to Date",
     "$year：无法将 BSON 类型 string 转换为 Date"),
    # words inside a text are said in Chinese too
    ({"$indexOfCP": ["$s", "l", -1]}, "$indexOfCP requires a nonnegative starting index, found: -1",
     "$indexOfCP 的起始索引不能为负数，实际是：-1"),
    ({"$indexOfArray": ["$arr", 1, 0, 1.5]},
     "$indexOfArray requires an integral ending index, found a value of type: double, with value: 1.5",
     "$indexOfArray 的结束索引必须是整数，实际是 double 类型的值：1.5"),
    ({"$slice": ["$arr", "x"]}, "Second argument to $slice must be a numeric value, but is of type: string",
     "$slice 的第二个参数必须是数值，实际是 string 类型"),
    ({"$range": [0, 10, "x"]}, "$range requires a numeric step value, found value of type: string",
     "$range 的步长必须是数值，实际是 string 类型"),
    ({"$setDifference": ["$arr", "$a"]}, "both operands of $setDifference must be arrays. Second argument is "
     "of type: int", "$setDifference 的两个操作数都必须是数组，第二个参数的类型是：int"),
    ({"$substrCP": ["$s", "x", 1]}, "$substrCP: starting index must be a numeric type (is BSON type string)",
     "$substrCP：起始索引必须是数值类型（实际是 BSON 类型 string）"),
    # one operator's own texts
    ({"$concat": ["$s", "$a"]}, "$concat only supports strings, not int", "$concat 只支持字符串，不支持 int"),
    ({"$add": ["$s", 1]}, "$add only supports numeric or date types, not string",
     "$add 只支持数值或日期类型，不支持 string"),
    ({"$ln": 0}, "$ln's argument must be a positive number, but 0", "$ln 的参数必须是正数，实际是 0"),
    ({"$toInt": "abc"}, "Failed to parse number 'abc' in $convert with no onError value: Did not consume whole "
     "string.", "$convert 无法将“abc”解析为数字（未指定 onError）：字符串没有被完整读取。"),
    ({"$convert": {"input": "$a", "to": "objectId"}},
     "Unsupported conversion from int to objectId in $convert with no onError value",
     "$convert 不支持从 int 转换为 objectId，且未指定 onError"),
    ({"$arrayToObject": [[["a", 1, 2]]]}, "$arrayToObject requires an array of size 2 arrays,found array of "
     "size: 3", "$arrayToObject 要求由长度为 2 的数组组成的数组，实际遇到长度为 3 的数组"),
    ({"$switch": {"branches": [{"case": False, "then": 1}]}},
     "$switch could not find a matching branch for an input, and no default was specified.",
     "$switch 没有为输入找到匹配的分支，也没有指定 default。"),
    ({"$dateFromParts": {"year": 2024, "isoWeek": 2}},
     "$dateFromParts does not allow mixing natural dates with ISO dates",
     "$dateFromParts 不能混用普通日期和 ISO 周日期"),
    ({"$dateFromString": {"dateString": "not a date"}}, "Error parsing date string 'not a date'",
     "无法解析日期字符串“not a date”"),
    ({"$dateToString": {"date": "$$NOW", "format": "%Q"}}, "Invalid format character '%Q' in format string",
     "格式字符串中有无效的格式符 '%Q'"),
    ({"$hour": {"date": "$$NOW", "timezone": "Mars/Base"}}, 'unrecognized time zone identifier: "Mars/Base"',
     "无法识别的时区标识：“Mars/Base”"),
    ({"$map": {"input": "$a", "in": "$$this"}}, "input to $map must be an array not int",
     "$map 的 input 必须是数组，而不是 int"),
    ({"$zip": {"inputs": ["$arr"], "defaults": [0]}}, "cannot specify defaults unless useLongestLength is true",
     "$zip 只有在 useLongestLength 为 true 时才能指定 defaults"),
    # expressions, paths and variables
    ({"$add": 1, "$a": 2}, "an expression specification must contain exactly one field, the name of the "
     "expression. Found 2 fields in {'$add': 1, '$a': 2}",
     "一个表达式只能包含一个字段，即表达式的名字；{'$add': 1, '$a': 2} 中有 2 个字段"),
    ("$a..b", "FieldPath field names may not be empty strings: '$a..b'",
     "字段路径中的字段名不能为空字符串：'$a..b'"),
    ("$$", "'$$' by itself is not a valid FieldPath", "单独的 '$$' 不是有效的字段路径"),
    ("$$nobody", "Use of undefined variable: nobody", "使用了未定义的变量：nobody"),
])
def test_expression_errors(qapp, spec, english, chinese_text):
    error = failure(spec)
    detail, zh = said(error)
    assert detail == english  # core's English, word for word
    assert zh == chinese_text


def test_the_words_an_operator_gives_a_shared_text_are_said_in_chinese(qapp):
    # The text is core.py's (another catalog's); the word naming the operand is this module's.
    detail, zh = said(failure({"$arrayElemAt": ["$arr", "x"]}))
    assert detail == "$arrayElemAt's second argument must be a numeric value, but is string"
    assert "第二个参数" in zh and "second argument" not in zh


def test_unknown_and_unsupported_operators_are_invalid_commands(qapp):
    unknown = failure({"$frobnicate": 1})
    unsupported = failure({"$meta": "textScore"})
    system = failure("$$CLUSTER_TIME")
    assert unknown.detail == "Unrecognized expression '$frobnicate'"
    assert unsupported.detail == "$meta is not supported by wxsim: text search scores ($meta) need a text index, " \
                                 "which wxsim does not have"
    with chinese():
        assert say(unknown.reason) == "无法识别的表达式 '$frobnicate'"
        assert say(unsupported.reason) == "wxsim 不支持 $meta：文本搜索得分（$meta）需要文本索引，而 wxsim 没有文本索引"
        assert say(system.reason) == "wxsim 不支持系统变量 $$CLUSTER_TIME"
        # with the code's words, as InlineMessage.reporting shows it
        assert error_text(unknown).endswith("无法识别的表达式 '$frobnicate'")


@pytest.mark.parametrize("call, english, chinese_text", [
    (lambda: basic.match({"$where": "1"}), "$where is not allowed inside of a $match aggregation expression",
     "$match 聚合表达式中不能使用 $where"),
    (lambda: basic.match({"a": {"$nearSphere": [0, 0]}}), "$nearSphere is not allowed inside of a $match "
     "aggregation expression; use the $geoNear stage", "$match 聚合表达式中不能使用 $nearSphere；请改用 $geoNear 阶段"),
    (lambda: basic.sort({"a": {"$meta": "textScore"}}),
     "$sort by {$meta: ...} needs a text index, which wxsim does not have",
     "按 {$meta: ...} 排序需要文本索引，而 wxsim 没有文本索引"),
    (lambda: basic.sort({"a": 2}), "$sort key ordering must be 1 (for ascending) or -1 (for descending)",
     "$sort 的排序方向必须是 1（升序）或 -1（降序）"),
    (lambda: basic.limit(2.5), "invalid argument to $limit stage: Expected an integer: $limit: 2.5",
     "$limit 阶段的参数无效：必须是整数，实际是 $limit: 2.5"),
    (lambda: basic.skip(-1), "invalid argument to $skip stage: Expected a non-negative number",
     "$skip 阶段的参数无效：不能是负数"),
    (lambda: basic.count("a.b"), "the count field cannot contain '.'", "$count 的字段名不能包含 '.'"),
    (lambda: basic.sample({"size": -1}, Random(1)), "size argument to $sample must not be negative",
     "$sample 的 size 不能是负数"),
])
def test_simple_stage_errors(qapp, call, english, chinese_text):
    with pytest.raises(CloudError) as info:
        call()
    detail, zh = said(info.value)
    assert detail == english
    assert zh == chinese_text


def test_an_operator_error_inside_a_pipeline_names_its_stage_in_chinese(qapp):
    with pytest.raises(CloudError) as info:
        compile_pipeline([{"$match": {}}, {"$project": {"x": {"$divide": ["$a", 0]}}}]).run([DOC])
    detail, zh = said(info.value)
    assert detail == "$project (stage 2): can't $divide by zero"
    assert zh == "$project（第 2 个阶段）：$divide 的除数不能为 0"
