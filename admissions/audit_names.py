"""Chinese names of audit action codes: the one mapping the log page, filter and CSV use.

An action code not listed here (a new feature's) is shown as its raw code, never hidden.
"""

from __future__ import annotations

ACTION_NAMES: dict[str, str] = {
    "account.create": "创建账号",
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
    "exam.rules_version": "更新规则版本",
    "export.admissions": "导出录取名单",
    "import.candidates": "导入考生",
    "import.credits": "导入认定成绩",
    "import.plans": "导入招生计划",
    "import.preferences": "导入志愿",
    "import.scores": "导入成绩",
    "letter.download": "下载录取通知书",
    "letters.download": "批量下载录取通知书",
    "login.failure": "登录失败",
    "login.success": "登录成功",
    "logout": "退出登录",
    "password.reset": "重置密码",
    "preferences.draft": "保存志愿草稿",
    "preferences.import": "导入志愿（考生）",
    "preferences.submit": "提交志愿",
    "registration.create": "考生报名",
    "registration.update": "修改报名信息",
    "round.close": "结束投档轮次",
    "score.correct": "更正成绩",
    "score.import": "导入成绩（考生）",
    "scores.compute": "计算成绩与位次",
    "scores.publish": "发布成绩",
}


def action_name(code: str) -> str:
    """The Chinese name of an action code, or the code itself when it has none yet."""
    return ACTION_NAMES.get(code, code)
