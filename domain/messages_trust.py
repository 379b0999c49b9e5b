"""Messages of signed seals and of checked imports, in Chinese and English (merged into
`domain.messages.CATALOGUE`)."""

from __future__ import annotations

TRUST: dict[str, tuple[str, str]] = {
    # signing a seal (`seal --sign`)
    "seal.no_tool": ("找不到 ssh-keygen：请安装 openssh-client", "ssh-keygen not found: install openssh-client"),
    "seal.tool_failed": ("ssh-keygen 运行失败：{detail}", "ssh-keygen failed: {detail}"),
    "seal.key_unreadable": ("无法读取私钥文件", "cannot read the private key file"),
    "seal.sign_failed": ("签名失败：{detail}", "signing failed: {detail}"),
    "seal.not_supervisor": ("{user} 不是监督领导小组成员，不能签名签封",
                            "{user} is not a member of the supervisory group and cannot sign a seal"),
    "seal.key_not_registered": ("签名所用的密钥未登记为 {user} 的密钥（先用 users add-key 登记其公钥），未记录",
                                "the signing key is not registered for {user} (register its public half "
                                "with users add-key); nothing recorded"),
    "seal.signed": ("签名签封已记录于位置 {at}（头部 {head}）；请把签封文件保存在服务器之外",
                    "signed seal recorded at position {at} (head {head}); keep the seal file off the server"),
    "seal.due_never": ("提醒：本台账尚无签名签封；请监督领导小组成员用 jixiao seal --sign 私钥文件 签封",
                       "reminder: this ledger has no signed seal yet; a member of the supervisory group "
                       "should sign one with: jixiao seal --sign KEY_FILE"),
    "seal.due": ("提醒：上一次签名签封在 {when}，已超过签封周期（{interval}）；请监督领导小组成员用 "
                 "jixiao seal --sign 私钥文件 签封",
                 "reminder: the last signed seal was on {when}, longer ago than the interval ({interval}); "
                 "a member of the supervisory group should sign one with: jixiao seal --sign KEY_FILE"),
    "seal.interval_quarter": ("每季度", "each quarter"),
    "seal.interval_days": ("{days} 天", "{days} days"),
    # checking seal files (`verify --seals`)
    "seal.malformed": ("不是签封文件（应以 jixiao-seal 1 开头，含 plan/position/digest/signer 与 SSH 签名）",
                       "not a seal file (it starts with jixiao-seal 1 and holds plan, position, digest, "
                       "signer and an SSH signature)"),
    "seal.ok": ("签封 {head} 有效：由 {signer}（{key}）签名，日志仍延续该头部",
                "seal {head} holds: signed by {signer} ({key}), and the log still extends it"),
    "seal.empty": ("台账是空的：签封的位置 {position} 不在其中（台账被清空）",
                   "the ledger is empty: the sealed position {position} is not in it (the ledger was emptied)"),
    "seal.truncated": ("日志只到位置 {end}：签封的位置 {position} 已被截去",
                       "the log ends at position {end}: the sealed position {position} was cut off"),
    "seal.rewritten": ("位置 {position} 的摘要已不是签封时的摘要："
                       "该位置或之前的事件被改动，链条被重新计算过或台账被重建",
                       "the digest at position {position} is not the one sealed: an event at or before it "
                       "was changed and the chain recomputed, or the ledger was rebuilt"),
    "seal.chain_broken": ("位置 {position} 的签封无法成立：链条断裂（{detail}）",
                          "the seal at position {position} cannot hold: the chain is broken ({detail})"),
    "seal.other_plan": ("位置 {position} 的签封属于另一个考评方案（{plan}），不是本台账的",
                        "the seal at position {position} is of another plan ({plan}), not of this ledger"),
    "seal.bad_signature": ("位置 {position} 的签名与此头部不符：签的是另一个头部、另一个签名人或另一份内容",
                           "the signature does not match the head at position {position}: it was made over "
                           "another head, signer or text"),
    "seal.outside_group": ("位置 {position} 的签名密钥 {key} 在签封时（位置 {at}）不是监督领导小组成员 {signer} "
                           "登记的有效密钥",
                           "the key {key} that signed the seal at position {position} was not a registered key "
                           "of a supervisory-group member {signer} at the time of the seal (position {at})"),
    "seal.files": ("{n} 个签封全部有效", "all {n} seals hold"),
    # checked imports (`import`)
    "import.no_digest": ("此导出文件没有链条摘要（旧版本的导出），无法核验；确认来源可靠时可加 --unverified 导入"
                         "（将记入台账日志）",
                         "this export carries no chain digests (an export of an older version) and cannot "
                         "be checked; if you trust its source, import it with --unverified (recorded in the "
                         "ledger's log)"),
    "import.digest": ("位置 {position} 的摘要与重新计算的不符：导出文件自此处起被改动过（内容、操作人或顺序）",
                      "the digest at position {position} does not match the one recomputed: the export was "
                      "changed from here on (a payload, an actor or the order)"),
    "import.actor": ("位置 {position}：{actor} 当时无权以“{role}”身份记录 {kind}（{detail}）",
                     "position {position}: {actor} had no right to record {kind} as {role} at that moment "
                     "({detail})"),
    "import.seal": ("位置 {position} 记录的签名签封不成立：{detail}",
                    "the signed seal recorded at position {position} does not hold: {detail}"),
    "import.unverified_actor": ("--unverified 导入需由导入后台账的管理员执行：{actor} 不是",
                                "an --unverified import is run by an admin of the imported ledger: {actor} "
                                "is not one"),
    "import.done_unverified": ("已导入 {count} 个事件到 {where}（--unverified：未核验，已记入台账日志）",
                               "{count} events imported into {where} (--unverified: not checked, recorded "
                               "in the log)"),
    "import.done": ("已导入 {count} 个事件到 {where}（位置与摘要均已核验，{seals} 个签名签封有效）",
                    "{count} events imported into {where} (positions and digests checked, {seals} signed "
                    "seals hold)"),
}
