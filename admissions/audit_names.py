"""Chinese names of audit action codes, object types and snapshot keys: the one mapping the log
pages, the filter and the CSV use.

An action code not listed here (a new feature's) is shown as its raw code, never hidden.
"""

from __future__ import annotations

ACTION_NAMES: dict[str, str] = {
    "account.create": "创建账号",
    "account.deactivate": "停用账号",
    "account.password_reset": "重置账号密码",
    "account.reactivate": "启用账号",
    "account.update": "修改账号",
    "allocation.run": "正式投档",
    "api.decisions": "接口提交录取结论",
    "api.dispatches": "接口读取投档名单",
    "api_token.create": "创建接口令牌",
    "api_token.revoke": "吊销接口令牌",
    "control_line.fix": "确定控制线",
    "credit.import": "导入认定成绩（考生）",
    "demo.load": "载入演示数据",
    "dispatch.admit": "录取",
    "dispatch.reject": "退档",
    "exam.create": "创建考试",
    "exam.registration_window": "设置报名时间",
    "exam.rules_version": "更新规则版本",
    "exam.status": "变更考试状态",
    "export.admissions": "导出录取名单",
    "import.candidates": "导入考生",
    "import.credits": "导入认定成绩",
    "import.plans": "导入招生计划",
    "import.preferences": "导入志愿",
    "import.scores": "导入成绩",
    "institution.create": "创建院校",
    "institution.import": "导入院校",
    "institution.update": "修改院校",
    "job.create": "创建后台任务",
    "keying.apply": "双录入写入成绩",
    "keying.cancel": "作废双录入单",
    "keying.create": "建立双录入单",
    "keying.pass1": "双录入第 1 遍",
    "keying.pass2": "双录入第 2 遍",
    "keying.resolve": "处理双录入差异",
    "letter.download": "下载录取通知书",
    "letters.download": "批量下载录取通知书",
    "letters.generate": "生成批量录取通知书",
    "login.failure": "登录失败",
    "login.success": "登录成功",
    "logout": "退出登录",
    "password.change": "修改密码",
    "password.reset": "重置密码",
    "preferences.draft": "保存志愿草稿",
    "preferences.import": "导入志愿（考生）",
    "preferences.submit": "提交志愿",
    "province.create": "创建省份",
    "province.rename": "修改省份名称",
    "registration.create": "考生报名",
    "registration.update": "修改报名信息",
    "round.close": "结束投档轮次",
    "round.publish": "公布投档结果",
    "round.supplementary_open": "开放征集志愿轮次",
    "round.times": "设置轮次时间",
    "round.window_close": "关闭志愿填报",
    "round.window_open": "开放志愿填报",
    "score.correct": "更正成绩",
    "score.double_entry": "双录入更正成绩",
    "score.import": "导入成绩（考生）",
    "scores.compute": "计算成绩与位次",
    "scores.publish": "发布成绩",
}


def action_name(code: str) -> str:
    """The Chinese name of an action code, or the code itself when it has none yet."""
    return ACTION_NAMES.get(code, code)


#: The objects an event is about (the table of the object), as a person calls them.
OBJECT_NAMES: dict[str, str] = {
    "account": "账号",
    "allocation_run": "投档结果",
    "api_token": "接口令牌",
    "batch": "批次",
    "candidate": "考生",
    "category": "专业类别",
    "component": "科目",
    "control_line": "控制线",
    "dispatch": "投档记录",
    "exam": "考试",
    "institution": "院校",
    "job": "后台任务",
    "keying_sheet": "双录入单",
    "plan_line": "招生计划",
    "preference_list": "志愿表",
    "province": "省份",
    "round": "轮次",
    "rules_version": "规则版本",
    "scheme": "计分方案",
    "score_result": "成绩结果",
}

#: Keys of the before/after snapshots; a key not listed is shown as written.
FIELD_NAMES: dict[str, str] = {
    "active": "状态",
    "admitted": "录取人数",
    "admitted_pending": "待审核转录取人数",
    "api_token_id": "接口令牌编号",
    "api_token_name": "接口令牌",
    "applied": "写入条数",
    "batch": "批次",
    "batch_id": "批次编号",
    "bonus": "加分",
    "candidates": "考生人数",
    "category": "专业类别",
    "cells": "格数",
    "changed": "变化条数",
    "choices": "志愿数",
    "city": "城市",
    "closes": "截止时间",
    "code": "代码",
    "columns": "导出列",
    "conditions": "条件",
    "days": "有效天数",
    "decisions_deadline": "院校审核截止",
    "dispatched": "投档人数",
    "file": "文件",
    "filters": "筛选条件",
    "format": "格式",
    "free_seats": "空余计划",
    "full_id": "完整身份证号",
    "inherited": "沿用通用线",
    "inserted": "新增条数",
    "job": "后台任务",
    "keyed": "录入条数",
    "kind": "类型",
    "letters": "通知书份数",
    "login": "登录名",
    "name": "名称",
    "opens": "开始时间",
    "prefs_close_at": "志愿填报截止",
    "prefs_open_at": "志愿填报开始",
    "program_code": "专业代码",
    "province": "省份",
    "published": "已公布",
    "qualified": "合格人数",
    "reason": "原因",
    "rejected": "退档人数",
    "results": "成绩结果数",
    "role": "角色",
    "round": "轮次",
    "rows": "行数",
    "rules_digest": "规则摘要",
    "rules_version": "规则版本",
    "status": "状态",
    "total": "总分",
    "track": "类型",
    "unchanged": "未变条数",
    "updated": "更新条数",
    "username": "用户名",
    "value": "分值",
    "version": "版本",
    "year": "年份",
}


def object_name(table: str | None) -> str:
    """The Chinese name of an event's object type (its table), or the table name itself."""
    return OBJECT_NAMES.get(table or "", table or "")


def field_name(key: str) -> str:
    """The Chinese name of a snapshot key, or the key itself when it has none."""
    return FIELD_NAMES.get(key, key)
