"""Chinese texts of core's index reasons (``database/indexes.py``, ``index_actions.py``; see the
package docstring). The duplicate-key error keeps MongoDB's code (E11000) and key, in Chinese words
as ``database.duplicate_key`` does: test_chinese_everywhere reads it in the 索引 tab."""

ZH: dict[str, str] = {
    "database.index_duplicate_key": "E11000 重复键：集合 {collection} 的唯一索引 {index} 中已有相同的值 {{ {key} }}",
    "database.index_parallel_arrays": "联合索引的多个字段不能同时是数组：cannot index parallel arrays [{first}] [{second}]",
    "database.index_unique_param": "unique 必须是 true 或 false",
    "database.index_name_param": "索引名称必须是不超过 {n} 个字符的文本，且不能以 $ 开头",
    "database.index_exists": "已存在名为 {name} 的索引",
    "database.index_same_keys": "索引 {name} 已包含相同的字段",
    "database.too_many_indexes": "每个集合最多 {limit} 个索引（含 _id_）",
    "database.index_id_builtin": "不能删除 _id_ 索引",
    "database.index_not_found": "找不到名为 [{name}] 的索引",
    "database.index_keys_param": "keys 必须是 {{field, direction}} 的列表，direction 为 1 或 -1，每个字段只能出现一次，"
                                 "字段是不含 $ 的点路径",
    "scenario.bad_indexes": "{name} 的索引不是有效的索引定义",
}
