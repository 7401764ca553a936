"""Aggregation stages' and accumulators' errors said in Chinese in the Chinese UI.

Core keeps its English (the gateway's errMsg and the CLI assert it); the UI says the same
Reason with the Chinese catalog ``app/ui/reason_texts/aggregate_stages.py``.
"""

from __future__ import annotations

import pytest

from app.core.database.aggregate.core import check_budget, exactly, time_budget
from app.core.database.aggregate.pipeline import Context, compile_pipeline
from app.core.errors import CloudError
from app.ui.reason_texts import error_text, say
from tests.ui.conftest import chinese


def _refusal(pipeline: list, docs: list | None = None, context: Context | None = None) -> CloudError:
    """The CloudError compiling (or running, over ``docs``) the pipeline raises."""
    with pytest.raises(CloudError) as caught:
        compile_pipeline(pipeline, context).run(docs or [])
    return caught.value


def _said(error: CloudError) -> tuple[str, str]:
    """``(English, Chinese)`` of the error as the UI shows it."""
    english = error_text(error)
    with chinese():
        return english, error_text(error)


@pytest.mark.parametrize(
    ("pipeline", "english", "chinese_text"),
    [
        # one shared id for two stages, the stage a param
        ([{"$lookup": 3}], "the $lookup specification must be an Object, but found int",
         "$lookup 的参数必须是对象，但得到的是 int"),
        ([{"$graphLookup": []}], "the $graphLookup specification must be an Object, but found array",
         "$graphLookup 的参数必须是对象，但得到的是 array"),
        ([{"$geoNear": {"near": [0, 0], "distanceField": "d", "far": 1}}], "Unknown argument to $geoNear: far",
         "$geoNear 不认识的参数：far"),
        # a stage's own checks
        ([{"$lookup": {"from": "b", "as": "x", "let": {}}}], "$lookup with 'let' needs a 'pipeline'",
         "带 'let' 的 $lookup 需要 'pipeline'"),
        ([{"$bucket": {"groupBy": "$a", "boundaries": [3, 1]}}],
         "The 'boundaries' option to $bucket must be sorted in ascending order, but elements 0 and 1 are not in "
         "ascending order (3 is not less than 1).",
         "$bucket 的 'boundaries' 必须按升序排列，但第 0 和第 1 个元素不是升序（3 不小于 1）。"),
        ([{"$bucketAuto": {"groupBy": "$a", "buckets": 0}}],
         "The $bucketAuto 'buckets' field must be greater than 0, but found: 0",
         "$bucketAuto 的 'buckets' 必须大于 0，实际是 0"),
        ([{"$unwind": {"path": "tags"}}], "path option to $unwind stage should be prefixed with a '$': 'tags'",
         "$unwind 阶段的 path 选项应当以 '$' 开头：'tags'"),
        ([{"$project": {"a": 1, "b": 0}}],
         "Invalid $project :: caused by :: Cannot do exclusion on field b in inclusion projection",
         "$project 无效：包含式投影中不能排除字段 b"),
        # accumulators
        ([{"$group": {"_id": None, "n": {"$topN": 1}}}], "the $topN accumulator is not supported by wxsim",
         "wxsim 不支持 $topN 累加器"),
        ([{"$group": {"_id": None, "n": {"$sum": [1, 2]}}}], "The $sum accumulator is a unary operator",
         "$sum 累加器只接受一个操作数"),
        # a param that is itself words (field_path's `what`), said in the same language
        ([{"$unwind": "$"}], "the $unwind path must be a non-empty string", "$unwind 的路径 必须是非空字符串"),
    ],
)
def test_a_malformed_stage_is_refused_in_chinese(qapp, pipeline, english, chinese_text):
    error = _refusal(pipeline)
    stage = next(iter(pipeline[0]))
    assert error.detail == f"{stage} (stage 1): {english}"  # core's English is unchanged
    said_english, said_chinese = _said(error)
    assert said_english == f"database request fail (-502001): {stage} (stage 1): {english}"
    assert said_chinese == f"数据库请求失败（-502001）：{stage}（第 1 个阶段）：{chinese_text}"


@pytest.mark.parametrize(
    ("pipeline", "docs", "chinese_text"),
    [
        ([{"$bucket": {"groupBy": "$a", "boundaries": [0, 10]}}], [{"a": 20}],
         "$bucket 找不到与输入匹配的分桶，且没有指定 default。"),
        ([{"$replaceRoot": {"newRoot": "$a"}}], [{"a": 1}],
         "'newRoot' 表达式的结果必须是对象，但结果是：1。结果的类型：'int'。输入的记录：{'a': 1}"),
        ([{"$geoNear": {"near": [0, 0], "distanceField": "d"}}], [{"a": 1}],
         "$geoNear 需要 2d 或 2dsphere 索引，但没有找到（wxsim 没有索引：它会找存有 db.Geo 值的字段，"
         "但一个也没找到）"),
    ],
)
def test_a_stage_failing_on_the_documents_says_why_in_chinese(qapp, pipeline, docs, chinese_text):
    _, said = _said(_refusal(pipeline, docs))
    assert said.endswith(f"（第 1 个阶段）：{chinese_text}")


def test_an_expression_with_the_wrong_number_of_arguments_is_said_in_chinese(qapp):
    error = _refusal([{"$project": {"y": {"$pow": [2]}}}])
    english, said = _said(error)
    assert english.endswith("Expression $pow takes exactly 2 arguments. 1 were passed in.")
    assert said.endswith("表达式 $pow 需要正好 2 个参数，实际传入了 1 个。")
    with pytest.raises(CloudError) as caught:
        exactly("$abs", [1, 2], 1)
    with chinese():
        assert say(caught.value.reason) == "表达式 $abs 需要正好 1 个参数，实际传入了 2 个。"


def test_the_time_limit_is_said_in_chinese(qapp):
    with time_budget(-1.0), pytest.raises(CloudError) as caught:
        check_budget()
    error = caught.value
    assert error.detail == ("operation exceeded time limit (MaxTimeMSExpired): the aggregation ran longer than the "
                            "10 s wxsim allows one pipeline")
    _, said = _said(error)
    assert said == ("数据库请求失败（-502001）：操作超出时间限制（MaxTimeMSExpired）：聚合运行超过了 wxsim "
                    "允许一条流水线运行的 10 秒")


def test_a_join_inside_a_facet_keeps_every_layer_in_chinese(qapp):
    error = _refusal([{"$facet": {"joined": [{"$lookup": {"from": "b", "as": "x"}}]}}])
    _, said = _said(error)
    assert said == ("数据库请求失败（-502001）：$facet（第 1 个阶段）：$lookup（第 1 个阶段）："
                    "$lookup 需要指定 'pipeline'，或同时指定 'localField' 和 'foreignField'")
