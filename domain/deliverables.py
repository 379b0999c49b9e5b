"""The deliverables of the seed's 进度安排 (报送材料) by the name the ledger files them under."""

from __future__ import annotations

from typing import Final

REPORT_LABELS: Final = {
    "plan": "绩效评估工作方案",
    "decomposition": "重点工作任务分解情况表",
    "data_collection": "绩效考核数据采集内容和责任分工",
    "contacts": "负责人和联络员登记表",
    "quarterly": "季度报表",
    "half_year_summary": "上半年绩效评估工作总结",
    "annual_summary": "年度绩效评估工作总结",
    "self_inspection": "自查报告",
    "internal_evaluation": "内部考评方案和结果",
}
