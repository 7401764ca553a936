"""Transactions (``app/core/database/transactions.py``) in Chinese."""

ZH = {
    "transactions.conflict": "[ResourceUnavailable.TransactionConflict] 事务冲突：该记录已被其他操作修改（先写者胜）。"
                             "请检查请求后重试",
    "transactions.not_exist": "[ResourceUnavailable.TransactionNotExist] 事务不存在：事务已提交、已回滚，或超过 "
                              "{seconds} 秒未提交或回滚",
    "transactions.too_many": "wxsim 中同时打开的事务最多 {limit} 个",
}
