"""Chinese names of audit action codes: the one mapping the log page, filter and CSV use.

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
