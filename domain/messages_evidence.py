"""The messages of evidence files and self-inspection bundles, in Chinese and English
(merged into `domain.messages.CATALOGUE`)."""

from __future__ import annotations

EVIDENCE_MESSAGES: dict[str, tuple[str, str]] = {
    "evidence.too_large": ("佐证材料大小 {size} 字节，超过上限 {limit} 字节"
                           "（可由 JIXIAO_EVIDENCE_LIMIT 设置）；未记录任何内容",
                           "the evidence file is {size} bytes, over the limit of {limit} bytes (set by "
                           "JIXIAO_EVIDENCE_LIMIT); nothing was recorded"),
    "evidence.limit_setting": ("JIXIAO_EVIDENCE_LIMIT 的值 {value} 无效：应为字节数，或如 50MB、500KB",
                               "JIXIAO_EVIDENCE_LIMIT is {value}: expected a number of bytes, or e.g. 50MB, 500KB"),
    "evidence.ledger_file": ("拒绝读取：这是台账自身的文件，不能作为佐证材料", "refused: this is one of the "
                             "ledger's own files, not evidence"),
    "evidence.unknown": ("台账中没有摘要为 {sha256} 的佐证材料", "the ledger has no evidence with digest {sha256}"),
    "evidence.not_kept": ("文件未保存：摘要 {sha256} 的佐证材料（{name}）只记录了摘要，文件本身未保存在台账中",
                          "file not kept: the evidence with digest {sha256} ({name}) was recorded by its digest "
                          "only; the file itself is not in the ledger"),
    "evidence.damaged": ("佐证材料已被改动：保存的文件与摘要 {sha256} 不符（指标 {indicators}）",
                         "evidence changed: the kept file no longer matches its digest {sha256} (indicator "
                         "{indicators})"),
    "evidence.intact": ("佐证材料 {count} 份，均与摘要相符", "{count} evidence files, each matching its digest"),
    "evidence.wrong_digest": ("佐证材料文件与给出的摘要 {sha256} 不符", "the evidence file does not match the "
                              "digest given, {sha256}"),
    "bundle.only_self_inspection": ("--bundle 只用于自查报告（report self-inspection）",
                                    "--bundle is for the self-inspection report only (report self-inspection)"),
    "bundle.unreadable": ("无法读取材料包：{detail}", "cannot read the bundle: {detail}"),
    "bundle.no_manifest": ("材料包中没有清单 manifest.json，或清单无法读取：{detail}",
                           "the bundle has no readable manifest.json: {detail}"),
    "bundle.changed": ("材料包已被改动：文件 {file} 与清单中的摘要不符", "the bundle was changed: file {file} does "
                       "not match its digest in the manifest"),
    "bundle.missing": ("材料包不完整：清单中的文件 {file} 不在包内", "the bundle is incomplete: file {file} of the "
                       "manifest is missing"),
    "bundle.unlisted": ("材料包已被改动：文件 {file} 不在清单中", "the bundle was changed: file {file} is not in the "
                        "manifest"),
    "bundle.intact": ("材料包完好：{count} 个文件均与清单摘要相符（{unit} {year}，清单摘要 {digest}）",
                      "bundle intact: {count} files match the manifest's digests ({unit} {year}, manifest "
                      "digest {digest})"),
}
