"""The catalogue of user-facing messages of the domain, in Chinese and English.

Every message a user can see from the domain has a code here. The UI has its own
catalogue for labels; the domain's errors are rendered from this one.
"""

from __future__ import annotations

CATALOGUE: dict[str, tuple[str, str]] = {
    # plan files
    "file.unreadable": ("无法读取文件：{detail}", "cannot read the file: {detail}"),
    "file.toml": ("TOML 格式错误：{detail}", "malformed TOML: {detail}"),
    "file.type": ("{path} 的值有误：{detail}", "wrong value at {path}: {detail}"),
    "file.xlsx": ("Excel 工作簿无法读取：{detail}", "unreadable Excel workbook: {detail}"),
    "file.xlsx_sheet": ("缺少工作表“{sheet}”", "missing sheet '{sheet}'"),
    "file.xlsx_column": ("工作表“{sheet}”缺少列“{column}”", "sheet '{sheet}' lacks column '{column}'"),
    "file.xlsx_cell": ("单元格值有误：{detail}", "wrong cell value: {detail}"),
    "file.format": ("不支持的文件类型：{suffix}（应为 .toml 或 .xlsx）",
                    "unsupported file type: {suffix} (expected .toml or .xlsx)"),
    "file.unwritable": ("无法写入文件：{detail}", "cannot write the file: {detail}"),
    "file.xlsx_text": ("文本 {value} 含有 Excel 工作簿无法保存的控制字符 {char}",
                       "text {value} holds a control character {char} an Excel workbook cannot store"),
    # plan rules
    "rule.total": ("各类别分值合计 {actual}，应为 {allowed}",
                   "category budgets sum to {actual}, must be {allowed}"),
    "rule.category_sum": ("类别“{category}”的指标分值合计 {actual}，应为预算 {allowed}",
                          "indicators of category '{category}' sum to {actual}, budget is {allowed}"),
    "rule.min_first_level": ("职能工作一级指标 {actual} 项，应不少于 {allowed} 项",
                             "{actual} first-level functional indicators, at least {allowed} required"),
    "rule.min_children": ("一级指标“{name}”下设二级指标 {actual} 项，应不少于 {allowed} 项",
                          "first-level indicator '{name}' has {actual} second-level, at least {allowed} required"),
    "rule.no_children": ("指标“{name}”不下设二级指标，但有 {actual} 项",
                         "indicator '{name}' must have no second-level indicators, has {actual}"),
    "rule.first_level_cap": ("一级指标“{name}”分值 {actual}，超过上限 {allowed}",
                             "first-level indicator '{name}' is worth {actual}, cap is {allowed}"),
    "rule.second_level_cap": ("{category}二级指标“{name}”分值 {actual}，超过上限 {allowed}",
                              "{category} second-level indicator '{name}' is worth {actual}, cap is {allowed}"),
    "rule.parent_sum": ("一级指标“{name}”分值 {actual}，与二级指标合计 {allowed} 不符",
                        "first-level indicator '{name}' is worth {actual}, its children sum to {allowed}"),
    "rule.points_positive": ("指标“{name}”分值 {actual} 应大于 0，且最多两位小数",
                             "indicator '{name}' points {actual} must be positive with at most 2 decimals"),
    "rule.unique_id": ("编号“{id}”重复", "duplicate id '{id}'"),
    "rule.unknown_category": ("指标“{name}”的类别“{actual}”不存在",
                              "indicator '{name}' names unknown category '{actual}'"),
    "rule.unknown_section": ("“{name}”的责任股室“{actual}”不存在",
                             "'{name}' names unknown section '{actual}'"),
    "rule.unknown_person": ("“{name}”的{field}“{actual}”不在人员名单中",
                            "'{name}' names unknown person '{actual}' as {field}"),
    "rule.child_category": ("二级指标“{name}”不应另设类别", "second-level indicator '{name}' must not set a category"),
    "rule.declared_count": ("类别“{category}”{level}指标 {actual} 项，方案声明 {allowed} 项",
                            "category '{category}' has {actual} {level} indicators, the plan declares {allowed}"),
    "rule.tier_share": ("定档“{name}”的比例 {actual} 应在 0 到 1 之间",
                        "tier '{name}' share {actual} must lie within 0..1"),
    "rule.tier_order": ("定档表应按比例从高到低排列（“{name}”）",
                        "tiers must be ordered from highest share down ('{name}')"),
    "rule.tier_kind": ("定档“{name}”须且只能给出比例或固定分值之一",
                       "tier '{name}' must give exactly one of share or points"),
    "rule.tiers_empty": ("定档分值表为空", "the tier table is empty"),
    "rule.deadline_window": ("报送节点“{name}”日期 {actual} 不在考评年度合理范围内（{allowed}）",
                             "deadline '{name}' on {actual} lies outside the plan year's window ({allowed})"),
    "rule.indicator_deadline": ("指标“{name}”完成时限 {actual} 不在考评年度合理范围内（{allowed}）",
                                "indicator '{name}' deadline {actual} lies outside the plan year's window ({allowed})"),
    "rule.grades": ("等次阈值须从高到低且不重复（“{name}”）",
                    "grade thresholds must be distinct ('{name}')"),
}


def render(code: str, lang: str = "zh", **params: str) -> str:
    """The message for `code` in `lang` ("zh" or "en") with its parameters filled in."""
    zh, en = CATALOGUE.get(code, (code, code))
    template = en if lang == "en" else zh
    try:
        return template.format(**params)
    except KeyError:
        return template

CATALOGUE.update({
    "store.unknown_topic": ("未知的事件类型：{topic}", "unknown event topic: {topic}"),
    "store.missing": ("台账不存在，请先运行 jixiao init", "no ledger here; run `jixiao init` first"),
    "store.unopenable": ("无法打开台账：{detail}", "cannot open the ledger: {detail}"),
})

CATALOGUE.update({
    "auth.unknown_user": ("未知用户：{user}", "unknown user: {user}"),
    "auth.no_roles": ("用户 {user} 没有任何角色（可能已被撤销）", "user {user} holds no role (revoked?)"),
    "auth.wrong_section": ("用户 {user} 属于股室 {own}，不能操作股室 {section} 的指标",
                           "user {user} of section {own} cannot act on indicators of section {section}"),
    "auth.refused": ("用户 {user}（角色 {roles}）无权执行 {command}",
                     "user {user} (roles {roles}) may not {command}"),
})

CATALOGUE.update({
    "ledger.no_plan": ("台账中还没有考评方案，请先运行 jixiao init", "the ledger holds no plan yet; run `jixiao init`"),
    "ledger.unknown_plan": ("台账中没有方案 {plan}", "the ledger holds no plan {plan}"),
    "ledger.no_event": ("位置 {position} 没有事件", "no event at position {position}"),
    "ledger.conflict": ("并发写入冲突，重试 {attempts} 次仍未成功，未写入任何内容",
                        "conflicting concurrent writes; gave up after {attempts} attempts, nothing written"),
    "value.required": ("{field} 不能为空", "{field} is required"),
    "value.too_long": ("{field} 长度 {actual} 字，超过上限 {allowed} 字",
                       "{field} is {actual} characters long, the limit is {allowed}"),
    "value.control": ("{field} 含有不允许的控制字符", "{field} contains a forbidden control character"),
    "value.number": ("{field} 不是数字：{actual}", "{field} is not a number: {actual}"),
    "value.positive": ("{field} 应为正数：{actual}", "{field} must be positive: {actual}"),
    "value.cents": ("{field} 最多两位小数：{actual}", "{field} has more than 2 decimals: {actual}"),
    "value.date": ("{field} 日期格式有误：{actual}（应为 YYYY-MM-DD）",
                   "{field} is not a date: {actual} (expected YYYY-MM-DD)"),
    "value.future": ("{field} 日期 {actual} 晚于今天 {allowed}", "{field} date {actual} is after today {allowed}"),
    "value.before_year": ("{field} 日期 {actual} 早于考评年度 {allowed}",
                          "{field} date {actual} is before the plan year {allowed}"),
    "value.period": ("季度格式有误：{actual}（应如 2021Q3）", "bad period: {actual} (expected e.g. 2021Q3)"),
    "value.period_year": ("季度 {actual} 不在考评年度 {allowed}", "period {actual} is outside the plan year {allowed}"),
    "value.percent": ("完成进度应为 0 到 100：{actual}", "percent complete must be 0..100: {actual}"),
    "value.sha256": ("SHA-256 摘要有误：{actual}", "not a SHA-256 digest: {actual}"),
})

CATALOGUE.update({
    "cmd.unknown_indicator": ("指标 {indicator} 不存在", "unknown indicator {indicator}"),
    "cmd.withdrawn": ("指标 {indicator} 已撤销，不能再记录", "indicator {indicator} is withdrawn"),
    "cmd.not_leaf": ("指标 {indicator} 下设二级指标，请在二级指标上记录",
                     "indicator {indicator} has second-level indicators; record on those"),
    "cmd.duplicate": ("重复提交：同样的 {kind} 已记录（版本 {version}）",
                      "duplicate submission: the same {kind} is already recorded (version {version})"),
    "cmd.unknown_tier": ("定档“{tier}”不在定档分值表中（{allowed}）",
                         "tier '{tier}' is not in the tier table ({allowed})"),
    "cmd.plan_exists": ("{unit} {year} 年度的方案已载入；如需替换请加 --replace",
                        "a plan for {unit} {year} is already loaded; pass --replace to replace it"),
    "cmd.user_exists": ("用户 {user} 已存在", "user {user} already exists"),
    "cmd.unknown_role": ("未知角色 {role}（{allowed}）", "unknown role {role} ({allowed})"),
    "cmd.role_unchanged": ("用户 {user} 的角色 {role} 无需变更", "user {user} role {role} is already so"),
    "cmd.key_taken": ("密钥 {fingerprint} 已属于用户 {user}", "key {fingerprint} already belongs to {user}"),
    "cmd.no_key": ("用户 {user} 没有密钥 {fingerprint}", "user {user} has no key {fingerprint}"),
    "cmd.unknown_section": ("股室 {section} 不存在", "unknown section {section}"),
    "cmd.adjustment_kind": ("调整类型应为 bonus/deduction/veto：{actual}",
                            "adjustment must be bonus/deduction/veto: {actual}"),
    "cmd.veto_amount": ("一票否决不带分值：{actual}", "a veto carries no amount: {actual}"),
    "cmd.bonus_on_indicator": ("加分计入单位或股室，不计入具体指标",
                               "bonuses go to the unit or a section, not an indicator"),
    "cmd.over_points": ("{indicator} 扣分 {actual} 超过该指标分值 {allowed}",
                        "{indicator}: {actual} exceeds the indicator's {allowed} points"),
    "cmd.over_cap": ("{kind} {actual} 超过年度上限 {allowed}", "{kind} of {actual} exceeds the yearly cap {allowed}"),
    "cmd.method": ("察访核验方式应为 {allowed}：{actual}", "method must be one of {allowed}: {actual}"),
    "cmd.finding_source": ("来源应为 city-on-county/county-on-unit/internal：{actual}",
                           "source must be city-on-county/county-on-unit/internal: {actual}"),
    "cmd.outcome": ("结果应为 rectified/appeal-upheld/appeal-rejected：{actual}",
                    "outcome must be rectified/appeal-upheld/appeal-rejected: {actual}"),
    "cmd.not_finding": ("位置 {position} 的事件不是察访核验问题", "the event at {position} is not a finding"),
    "cmd.not_voidable": ("位置 {position} 的 {kind} 不能作废", "the {kind} at {position} cannot be voided"),
    "cmd.void_correction": ("位置 {position} 本身是更正，不能再作废",
                            "the event at {position} is a correction and cannot be voided"),
    "cmd.already_voided": ("位置 {position} 的事件已被作废", "the event at {position} is already voided"),
})

CATALOGUE.update({
    "key.malformed": ("不是有效的 SSH 公钥", "not a valid SSH public key"),
})

CATALOGUE.update({
    "import.line": ("导入文件内容有误：{detail}", "malformed import line: {detail}"),
    "import.not_empty": ("只能导入到空台账", "import needs an empty ledger"),
})
