"""The catalogue of user-facing messages of the domain, in Chinese and English.

Every message a user can see from the domain has a code here. The UI has its own
catalogue for labels; the domain's errors are rendered from this one.
"""

from __future__ import annotations

from domain.controls import shown
from domain.messages_evidence import EVIDENCE_MESSAGES
from domain.messages_trust import TRUST
from domain.messages_year import MESSAGES as YEAR_MESSAGES

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
                            "'{name}' names unknown person '{actual}' as {field_en}"),
    "rule.child_category": ("二级指标“{name}”不应另设类别", "second-level indicator '{name}' must not set a category"),
    "rule.declared_count": ("类别“{category}”{level}指标 {actual} 项，方案声明 {allowed} 项",
                            "category '{category}' has {actual} {level_en} indicators, the plan declares {allowed}"),
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
    "rule.grades": ("等次“{name}”的最低分与其他等次重复",
                    "grade '{name}' shares its threshold with another grade"),
}


def render(code: str, lang: str = "zh", **params: str) -> str:
    """The message for `code` in `lang` ("zh" or "en") with its parameters filled in."""
    zh, en = CATALOGUE.get(code, (code, code))
    template = en if lang == "en" else zh
    try:  # a value a user typed is shown, never obeyed, by the terminal
        return template.format(**{k: shown(str(v)) for k, v in params.items()})
    except KeyError:
        return template

CATALOGUE.update({
    "store.unknown_topic": ("未知的事件类型：{topic}", "unknown event topic: {topic}"),
    "views.text_unindexed": ("警告：审计记录的文本筛选将逐行扫描：无法创建扩展 {extension}（{detail}）。"
                             "请由超级用户在此数据库中运行 `CREATE EXTENSION {extension};`，"
                             "再运行 `jixiao db migrate`。",
                             "warning: the audit trail's text filter will scan every row: the extension "
                             "{extension} could not be created ({detail}). As a superuser, run "
                             "`CREATE EXTENSION {extension};` in this database, then `jixiao db migrate` again."),
    "views.text_ascii_only": ("警告：审计记录按中文筛选时将逐行扫描：此数据库的 LC_CTYPE 为 {ctype}，{extension} "
                              "只索引 ASCII 字母和数字。用 `createdb --lc-ctype C.UTF-8` 建立的数据库两者都索引。",
                              "warning: the audit trail's text filter will scan for Chinese text: this database's "
                              "LC_CTYPE is {ctype}, under which {extension} indexes only ASCII letters and "
                              "digits. A database made with `createdb --lc-ctype C.UTF-8` indexes both."),
    "store.audit_indexing": ("建立审计索引：{done}/{total} 个事件", "indexing the audit trail: {done}/{total} events"),
    "store.missing": ("台账不存在，请先运行 jixiao init", "no ledger here; run `jixiao init` first"),
    "store.unopenable": ("无法打开台账：{detail}", "cannot open the ledger: {detail}"),
    "store.no_tables": ("数据库中没有台账表（{tables}）：请先运行 jixiao init 或 jixiao db migrate",
                        "no ledger tables ({tables}) in this database: run `jixiao init` or `jixiao db migrate` first"),
    "store.schema_old": ("台账的存储结构是第 {version} 版，本程序使用第 {known} 版：请由管理员运行 jixiao db migrate",
                         "the ledger's schema is at version {version}, this release writes version {known}: "
                         "have its owner run `jixiao db migrate`"),
    "store.schema_new": ("台账的存储结构是第 {version} 版，比本程序（第 {known} 版）新：请升级 jixiao",
                         "the ledger's schema is at version {version}, newer than this release's {known}: "
                         "upgrade jixiao"),
    "store.unreachable": ("台账数据库暂时无法访问（{detail}）：请先用 jixiao log 查看是否已记录，再重试",
                          "the ledger's database does not answer ({detail}); check `jixiao log` for "
                          "the entry before trying again"),
    "migrate.same": ("迁移的来源与目标是同一个台账", "the source and the target are the same ledger"),
    "migrate.not_empty": ("迁移目标不是空台账", "the target of a move must be an empty ledger"),
    "migrate.source_broken": ("来源台账的哈希链未通过核验，未迁移：{detail}",
                              "the source's hash chain does not verify; nothing moved: {detail}"),
    "migrate.mismatch": ("迁移后目标台账核验不符：{detail}", "the target does not verify after the move: {detail}"),
    "store.views_old": ("数据库中的 {tables} 是旧版本：请运行 jixiao db migrate",
                        "{tables} in this database is of an older version: run `jixiao db migrate`"),
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
    "value.one_of": ("请给出其中一项：{fields}", "give exactly one of {fields}"),
    "value.control": ("{field} 第 {at} 个字符是控制字符 {char}（如 ESC、BEL、回车、退格），不能保存：请删去后重试",
                      "{field} holds a control character {char} at character {at} (such as ESC, BEL, "
                      "carriage return, backspace), which cannot be stored: remove it and try again"),
    "person.unknown": ("没有姓名或账号为“{person}”（或以此开头）的人员", "no person named or signed in as "
                       "'{person}' (or whose name or id begins with it)"),
    "person.ambiguous": ("“{person}”对应多人：{candidates}；请写全姓名或账号",
                         "'{person}' matches several people: {candidates}; give the full name or id"),
    "value.number": ("{field} 不是数字：{actual}", "{field} is not a number: {actual}"),
    "value.positive": ("{field} 应为正数：{actual}", "{field} must be positive: {actual}"),
    "value.cents": ("{field} 最多两位小数：{actual}", "{field} has more than 2 decimals: {actual}"),
    "value.date": ("{field} 日期格式有误：{actual}（应为 YYYY-MM-DD）",
                   "{field} is not a date: {actual} (expected YYYY-MM-DD)"),
    "value.future": ("{field} 日期 {actual} 晚于今天 {allowed}", "{field} date {actual} is after today {allowed}"),
    "value.after_year": ("{field} 日期 {actual} 晚于考评年度的报送期限 {allowed}",
                         "{field} date {actual} is after the year's filing window, which ends {allowed}"),
    "value.before_year": ("{field} 日期 {actual} 早于考评年度 {allowed}",
                          "{field} date {actual} is before the plan year {allowed}"),
    "value.period": ("季度格式有误：{actual}（应如 2021Q3）", "bad period: {actual} (expected e.g. 2021Q3)"),
    "value.period_year": ("季度 {actual} 不在考评年度 {allowed}", "period {actual} is outside the plan year {allowed}"),
    "value.percent": ("完成进度应为 0 到 100：{actual}", "percent complete must be 0..100: {actual}"),
    "value.sha256": ("SHA-256 摘要有误：{actual}", "not a SHA-256 digest: {actual}"),
    "value.choice": ("{field} 应为 {allowed} 之一：{actual}", "{field} must be one of {allowed}: {actual}"),
    "value.invalid": ("{field} 的值有误：{detail}", "wrong value for {field}: {detail}"),
})

CATALOGUE.update({
    "cmd.unknown_indicator": ("指标 {indicator} 不存在", "unknown indicator {indicator}"),
    "cmd.withdrawn": ("指标 {indicator} 已撤销，不能再记录", "indicator {indicator} is withdrawn"),
    "cmd.not_leaf": ("指标 {indicator} 下设二级指标，请在二级指标上记录",
                     "indicator {indicator} has second-level indicators; record on those"),
    "cmd.progress_backwards": ("{indicator} 进度 {percent}% 低于 {period} 已报的 {earlier}%，请用 --reason 说明原因",
                               "{indicator}: progress {percent}% is below the {earlier}% reported for {period}; "
                               "give the reason with --reason"),
    "cmd.after_tier": ("{indicator} 已定档，此后的录入请用 --reason 说明原因",
                       "{indicator} is already tiered; give the reason for this entry with --reason"),
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
    "cmd.finding_source": ("来源应为 {allowed}：{actual}", "source must be {allowed}: {actual}"),
    "cmd.outcome": ("结果应为 rectified/appeal-upheld/appeal-rejected：{actual}",
                    "outcome must be rectified/appeal-upheld/appeal-rejected: {actual}"),
    "cmd.not_finding": ("位置 {position} 的事件不是察访核验问题", "the event at {position} is not a finding"),
    "cmd.not_voidable": ("位置 {position} 的 {kind} 不能作废", "the {kind} at {position} cannot be voided"),
    "cmd.void_correction": ("位置 {position} 本身是更正，不能再作废",
                            "the event at {position} is a correction and cannot be voided"),
    "cmd.already_voided": ("位置 {position} 的事件已被作废", "the event at {position} is already voided"),
    "cmd.not_plan_change": ("{kind} 不是方案变更", "{kind} is not a change of the plan"),
})

CATALOGUE.update({
    "key.malformed": ("不是有效的 SSH 公钥", "not a valid SSH public key"),
})

CATALOGUE.update({
    "import.line": ("导入文件内容有误：{detail}", "malformed import line: {detail}"),
    "import.not_empty": ("只能导入到空台账", "import needs an empty ledger"),
    "import.mismatch": ("该行的 originator_id/originator_version 与事件内容不符",
                        "the line's originator_id/originator_version disagree with its event"),
    "import.sequence": ("{originator} 的版本 {version} 不连续（应为 {expected}）",
                        "version {version} of {originator} is out of sequence (expected {expected})"),
    "import.position": ("位置 {position} 不在上一行的位置 {previous} 之后",
                        "position {position} does not follow the previous line's {previous}"),
})

CATALOGUE.update({
    "chain.ok": ("链条完整：已核验 {count} 个事件，头部 {head}",
                 "chain intact: {count} events verified, head {head}"),
    "chain.ok_head": ("链条完整：已核验 {count} 个事件，头部 {head}；仍延续已签封的头部 {sealed}",
                      "chain intact: {count} events verified, head {head}; it still extends the sealed head {sealed}"),
    "chain.kind.changed": ("被改动", "changed"),
    "chain.kind.missing": ("被删除", "missing"),
    "chain.kind.inserted": ("被插入", "inserted"),
    "chain.kind.reordered": ("顺序被调换", "reordered"),
    "chain.changed": ("链条断裂于位置 {position}：该事件被改动（其内容与记录时的摘要不符）",
                      "chain broken at position {position}: changed (the event no longer matches its digest)"),
    "chain.missing": ("链条断裂于位置 {position}：该事件被删除（链条记录了它，日志中已没有）",
                      "chain broken at position {position}: missing "
                      "(the chain recorded it; the log no longer holds it)"),
    "chain.inserted": ("链条断裂于位置 {position}：该事件被插入（记录时不在链条中）",
                       "chain broken at position {position}: inserted (it was not in the chain when written)"),
    "chain.reordered": ("链条断裂于位置 {position}：顺序被调换（此处的事件原在位置 {other}）",
                        "chain broken at position {position}: reordered (the event here was written at {other})"),
    "chain.truncated": ("链条断裂于位置 {position}：日志末尾被删除（已签封的头部为 {sealed}）",
                        "chain broken at position {position}: missing, the tail was cut (the sealed head is {sealed})"),
    "chain.head_missing": ("链条断裂于位置 {position}：已签封的头部 {sealed} 不在日志中",
                           "chain broken at position {position}: missing, the sealed head {sealed} is not in the log"),
    "chain.head_mismatch": ("链条断裂于位置 {position}：日志不再延续已签封的头部 {sealed}，"
                            "该位置及以前的事件被改动或台账被重建",
                            "chain broken at position {position}: changed, the log no longer extends the sealed "
                            "head {sealed}; an event at or before it was changed or the ledger was rebuilt"),
    "chain.seal_missing": ("链条断裂于位置 {position}：位置 {other} 的签封所指的头部已不在日志中",
                           "chain broken at position {position}: missing, the head sealed at {other} is gone"),
    "chain.seal_mismatch": ("链条断裂于位置 {position}：与位置 {other} 记录的签封不符，"
                            "该位置及以前的事件被改动或台账被重建",
                            "chain broken at position {position}: changed, it no longer matches the seal recorded "
                            "at {other}; an event at or before it was changed or the ledger was rebuilt"),
    "chain.bad_head": ("头部格式有误：{actual}（应为 位置:摘要，摘要至少 16 位十六进制）",
                       "bad head: {actual} (expected POSITION:DIGEST, at least 16 hex digits)"),
    "chain.write_over": ("无法写入：位置 {position} 已在链条中（链条头部 {head}），日志中的事件被删除过；"
                         "请运行 jixiao verify",
                         "cannot write: position {position} is already chained (chain head {head}); events "
                         "were removed from the log; run `jixiao verify`"),
    "chain.head_unlinked": ("无法写入：最后一条事件（位置 {position}）没有有效的链节，日志被改动过；"
                            "请运行 jixiao verify",
                            "cannot write: the last stored event (position {position}) has no valid link; the "
                            "log was altered; run `jixiao verify`"),
    "chain.unsupported": ("此存储不支持哈希链：{recorder}", "this store has no hash chain: {recorder}"),
    "chain.db_functions": ("哈希链不支持 POSTGRES_ENABLE_DB_FUNCTIONS", "the hash chain does not support "
                           "POSTGRES_ENABLE_DB_FUNCTIONS"),
    "chain.broken_seal": ("链条已断裂，不能签封：{detail}", "the chain is broken, nothing sealed: {detail}"),
})

CATALOGUE.update({
    "value.too_large": ("{field} {actual} 超过上限 {allowed}", "{field} {actual} exceeds the limit {allowed}"),
    "internal.factor": ("{field} 应在 {low} 到 {high} 之间且最多四位小数：{actual}",
                        "{field} must lie within {low}..{high} with at most 4 decimals: {actual}"),
    "internal.basis": ("差异化奖金分配依据应为 coefficient（按等次系数）或 score（按得分）：{actual}",
                       "the split basis must be coefficient or score: {actual}"),
    "internal.no_grades": ("内部考评等次不能为空", "the internal grades are empty"),
    "internal.grades": ("内部考评等次名称和分数线须各不相同（{grades}）",
                        "internal grade names and thresholds must be distinct ({grades})"),
    "internal.grade_min": ("等次“{grade}”的分数线 {actual} 应在 0 到 100 之间",
                           "grade '{grade}' threshold {actual} must lie within 0..100"),
    "internal.coefficient_missing": ("等次“{grade}”缺少分配系数", "grade '{grade}' has no coefficient"),
    "internal.unknown_grade": ("等次“{grade}”不在内部考评等次中（{allowed}）",
                               "grade '{grade}' is not an internal grade ({allowed})"),
    "internal.coefficient_order": ("分配系数应随等次由高到低不增（奖优罚劣）：{coefficients}",
                                   "coefficients must not rise from a better grade to a worse one: {coefficients}"),
    "internal.category": ("人员类别名称有误：{actual}", "bad staff category: {actual}"),
    "internal.score_range": ("{field} 应在 0 到 100 之间：{actual}", "{field} must lie within 0..100: {actual}"),
    "internal.score_or_grade": ("评分须给出得分或等次之一（不能同时给出）",
                                "give exactly one of a score or a grade"),
    "internal.locked": ("内部考评结果已审定锁定；如需变更，请以更正作废锁定或评分并说明理由",
                        "the internal evaluation is locked; only a correction voiding the lock or a rating "
                        "can change it"),
    "internal.unchanged": ("内容与当前{what}相同，未记录", "the {what} is already so; nothing recorded"),
    "internal.score_needed": ("按得分分配时须以得分评定：{person}", "the split by score needs a score for {person}"),
    "internal.grade_in_use": ("{person} 的评定等次“{grade}”不在新的等次中",
                              "{person} is rated '{grade}', which the new grades lack"),
    "internal.changed": ("预览后内部考评已有新记录（版本 {seen} → {actual}），请重新核对后再锁定",
                         "the evaluation changed since the preview (version {seen} -> {actual}); review it again"),
    "internal.no_pool": ("尚未设定绩效奖金总额", "no bonus pool has been set"),
    "internal.no_ratings": ("尚无人员评分，无法锁定", "nobody is rated yet; nothing to lock"),
    "internal.rates": ("锁定须给出每个股室的得分率（{sections}）",
                       "the lock needs the rate of every section ({sections})"),
})

CATALOGUE.update({
    "report.period": ("季度应写作 Q3 或 2021Q3：{actual}", "a quarter is written Q3 or 2021Q3: {actual}"),
    "report.not_filed": ("{report} 尚未报送（{period} {section}）", "{report} has not been filed ({period} {section})"),
    "report.not_fileable": ("{report} 不能从台账生成报送", "{report} cannot be filed from the ledger"),
    "report.file_clocks": ("报送的是当前内容，不能与 --as-of/--known-at 同用",
                           "filing files the report as it is now; drop --as-of/--known-at"),
    "report.unknown_indicator": ("方案中没有指标 {indicator}", "the plan has no indicator {indicator}"),
})

CATALOGUE.update({
    "value.pair": ("{field} 应写作 名称=数值：{actual}", "{field} expects NAME=VALUE: {actual}"),
})

CATALOGUE.update({
    "demo.not_empty": ("演示数据只能生成到空台账：{where}", "the demo needs an empty ledger: {where}"),
    "demo.range": ("{field} 应在 1 到 {allowed} 之间：{actual}", "{field} must lie within 1..{allowed}: {actual}"),
})

CATALOGUE.update({
    "store.password_in_url": ("台账地址中不应含密码：请写入 ~/.pgpass 或环境变量 PGPASSWORD",
                              "no password in the ledger URL, please: put it in ~/.pgpass or $PGPASSWORD"),
})

CATALOGUE.update({
    "tui.no_terminal": ("jixiao 的界面需要终端：请在终端中运行，或用 ssh -t 连接（不要附带命令）",
                        "jixiao's interface needs a terminal: run it in one, or connect with `ssh -t` "
                        "(no command needed)"),
})

CATALOGUE.update({
    "cmd.seal_mismatch": ("封存摘要与链条在位置 {position} 的摘要不符，未记录",
                          "the seal's digest does not match the chain at position {position}; nothing recorded"),
})

CATALOGUE.update({
    # an office's own indicator table (plan import)
    "sheet.no_sheet": ("没有工作表“{sheet}”（工作簿中有：{sheets}）",
                       "no sheet '{sheet}' (the workbook has: {sheets})"),
    "sheet.no_header": ("工作表“{sheet}”前 {rows} 行中找不到表头；应有这些列：{columns}（同义列名：{synonyms}），"
                        "至少要有“一级指标”和“分值”",
                        "sheet '{sheet}' has no recognisable header in its first {rows} rows; looked for the "
                        "columns {columns} (or their synonyms: {synonyms}), at least 一级指标 and 分值"),
    "sheet.points": ("{column}应为数字，而不是“{value}”", "{column} must be a number, not '{value}'"),
    "sheet.date": ("{column}应为日期（如 2021年12月31日），而不是“{value}”",
                   "{column} must be a date (such as 2021年12月31日 or 2021-12-31), not '{value}'"),
    "sheet.no_name": ("缺少{column}名称", "{column} name missing"),
    "sheet.no_category": ("缺少类别", "category missing"),
    "sheet.category": ("类别“{value}”对应不到方案的类别（{allowed}）",
                       "category '{value}' matches none of the plan's categories ({allowed})"),
    "sheet.no_title": ("标题行中找不到单位或年度，请用 {flag} 给出",
                       "the title row names no unit or year; give it with {flag}"),
    "sheet.total": ("合计 {given} 分与各指标分值之和 {actual} 分不符",
                    "the 合计 of {given} points differs from the indicators' sum of {actual}"),
    "sheet.no_handler": ("指标“{name}”没有承办人", "indicator '{name}' has no handler (承办人)"),
    "sheet.guess_title": ("标题取自标题行：{value}", "title taken from the title row: {value}"),
    "sheet.guess_unit": ("单位取自标题行：{value}", "unit taken from the title row: {value}"),
    "sheet.guess_year": ("年度取自标题行：{value}", "year taken from the title row: {value}"),
    "sheet.guess_date": ("“{value}”读作 {date}", "'{value}' read as {date}"),
    "sheet.guess_category": ("类别“{value}”对应为“{category}”", "category '{value}' taken as '{category}'"),
    "sheet.guess_category_points": ("类别“{category}”未写分值，取其指标分值之和 {points}",
                                    "category '{category}' gives no points; took its indicators' sum, {points}"),
    "sheet.guess_points": ("一级指标“{name}”未写分值，取二级指标之和 {points}",
                           "first-level '{name}' gives no points; took its second-level sum, {points}"),
    "sheet.guess_first": ("一级指标“{name}”的{field}取其二级指标中最多的“{value}”",
                          "first-level '{name}': {field_en} taken as '{value}', the most frequent below it"),
    "sheet.guess_first_name": ("“{value}”列有多个名字，取第一个“{name}”",
                               "'{value}' lists several names; took the first, '{name}'"),
    "sheet.guess_person_section": ("{name} 归入其所承办指标的股室“{section}”",
                                   "{name} placed in '{section}', the section of the indicators they handle"),
    "sheet.guess_id": ("“{name}”的编号定为 {id}", "'{name}' given the id {id}"),
    # jixiao's own workbook layout
    "xlsx.trimmed": ("“{value}”前后的空格已去掉", "spaces around '{value}' removed"),
    "xlsx.no_handler": ("指标 {id} 没有承办人", "indicator {id} has no handler (承办人)"),
    "file.xlsx_sheets": ("缺少工作表：{sheets}", "missing sheets: {sheets}"),
})

CATALOGUE.update({
    # where exports may go (tui/outfile.py)
    "export.ledger_file": ("拒绝写入：这是台账自身的文件（数据库、审计索引、检查点或日志）",
                           "refused: this is one of the ledger's own files (database, audit index, "
                           "checkpoint or log)"),
    "export.exists": ("文件已存在；覆盖请加 --force（界面中再按一次导出确认）",
                      "the file exists; add --force to overwrite it (in the dialog: export again to confirm)"),
    "export.path_in_name": ("远程会话中只能给出文件名（不含路径），文件保存在本人的导出目录",
                            "in a remote session give a file name only (no path): exports go to your own "
                            "export folder"),
})

CATALOGUE.update({
    # who you are on the command line (domain/access_accounts.py), who may void (domain/access_void.py)
    "auth.empty_actor": ("--as 不能为空", "--as must name a user"),
    "auth.account_not_bound": ("系统账户 {account} 未绑定到用户 {user}（也未绑定到管理员），不能以其身份操作",
                               "operating-system account {account} is bound neither to {user} nor to an "
                               "admin: it cannot act as {user}"),
    "auth.void_not_author": ("{user} 只能作废本人录入的记录；此记录由 {author} 录入，请股室负责人或领导小组作废",
                             "{user} may void only their own entries; this one was recorded by {author}: "
                             "ask the section head or the leadership group"),
    "cmd.last_admin_account": ("{account} 是最后一个绑定到管理员的系统账户，不能解除（否则无人能再管理账户）",
                               "{account} is the last account bound to an admin: unbinding it would leave "
                               "nobody to manage accounts"),
    "store.disk_full": ("磁盘已满：本次未写入任何内容，此前已确认的记录均完好；请腾出空间后重试（{detail}）",
                        "disk full: nothing of this command was written, everything recorded before is "
                        "kept; free some space and try again ({detail})"),
    "file.too_deep": ("文件嵌套过深，不是考评方案", "the file is nested too deeply to be a plan"),
    "file.too_large": ("文件过大（{actual} 字节，上限 {allowed}），不是考评方案",
                       "the file is too large to be a plan ({actual} bytes, at most {allowed})"),
    "problems.more": ("……只列出前 {shown} 处，共 {n} 处", "… only the first {shown} shown, of {n}"),
    "ssh.refused": ("远程只能运行只读的报表、核验、签封与取佐证材料命令，且不能指定服务器上的文件",
                    "over SSH only the read-only report, verify, seal and evidence get commands run, naming "
                    "no file on the server"),
    "cmd.account_name": ("系统账户名无效：{account}", "not a valid account name: {account}"),
    "cmd.account_unchanged": ("账户 {account} 与用户 {user} 的绑定未改变",
                              "account {account} is already so for {user}"),
})

CATALOGUE.update({
    # the deliverables of the year filed with their content (domain/commands/filings.py, forms.py)
    "value.phone": ("{field} 电话号码格式有误：{actual}", "{field}: not a telephone number: {actual}"),
    "cmd.unknown_data_item": ("数据采集表中没有 {item}", "the data-collection table has no item {item}"),
    "cmd.data_item_reason": ("修改或删除数据采集项 {item} 须说明原因（--reason）",
                             "changing or removing data item {item} needs a reason (--reason)"),
    "cmd.resubmit_reason": ("{report} 已经报送过，重新报送须说明原因（--reason）",
                            "{report} has been filed already: filing it again needs a reason (--reason)"),
    "report.unit_wide": ("{report} 以全单位名义报送，不能指定股室",
                         "{report} is filed for the whole unit, not for a section"),
    "report.no_content": ("{report} 还没有内容，不能报送：{detail}", "{report} has no content yet: {detail}"),
    "report.content_file": ("只有工作总结可以用 --content 提供正文", "only a work summary takes --content"),
    "report.before_period": ("{report} 所属期间 {period} 尚未结束（{end}），不能报送",
                             "{report}: its period {period} has not ended yet ({end})"),
})
CATALOGUE.update({
    "auth.unit_filer": ("{user} 不能以全单位名义报送{report}：全单位的报送材料由领导小组办公室或领导小组报送"
                        "（股室只报送本股室的季度报表）",
                        "{user} may not file {report} for the whole unit: the leadership group or its office "
                        "files the unit's deliverables (a section files only its own quarterly report)"),
})
CATALOGUE.update({
    # a refusal names its real reason (domain/commands/scores.py)
    "auth.finding_source": ("{user} 不能录入来源为 {source} 的察访核验问题：县（市）对单位的察访核验由县绩效办录入，"
                            "单位只能录入内部自查（internal）发现的问题",
                            "{user} may not record a finding from {source}: the county's inspections are recorded "
                            "by the performance office; the unit records only its own (internal) findings"),
    "auth.appeal": ("{user} 不能裁定申诉：申诉由县绩效办裁定；股室只能录入整改（rectified）",
                    "{user} may not decide an appeal: the performance office decides appeals; a section "
                    "records only its rectification (rectified)"),
})
CATALOGUE.update({
    "value.time_zone": ("时区名称无效：{actual}（应为 IANA 时区名，如 Asia/Shanghai）",
                        "not a time zone: {actual} (an IANA name such as Asia/Shanghai)"),
    "rule.time_zone": ("方案的时区 time_zone 无效：{actual}（应为 IANA 时区名，如 Asia/Shanghai）",
                       "the plan's time_zone is not a time zone: {actual} (an IANA name such as Asia/Shanghai)"),
})
CATALOGUE.update(TRUST)
CATALOGUE.update(YEAR_MESSAGES)  # the plan's approval, meetings and follow-up
CATALOGUE.update(EVIDENCE_MESSAGES)
