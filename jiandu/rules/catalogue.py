"""The catalogue of parameter names a rulebook may set. Code in every app reads rules through these
names (`rulebook.param("term.years", on=…)`); docs/rulebooks.md lists the same table (a test keeps the
two in step). A rulebook for a new city uses these names and needs no code change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

EDUCATION_LEVELS = (
    "none",
    "primary",
    "junior_secondary",
    "senior_secondary",
    "vocational_secondary",
    "associate",
    "bachelor",
    "master",
    "doctorate",
)
# 高中 and 中专/职高 are the same stage (高中阶段教育), so both satisfy "高中以上".
EDUCATION_RANK = {
    "none": 0,
    "primary": 1,
    "junior_secondary": 2,
    "senior_secondary": 3,
    "vocational_secondary": 3,
    "associate": 4,
    "bachelor": 5,
    "master": 6,
    "doctorate": 7,
}
EDUCATION_LABELS = {
    "none": "无学历",
    "primary": "小学",
    "junior_secondary": "初中",
    "senior_secondary": "高中",
    "vocational_secondary": "中专/职高",
    "associate": "大专",
    "bachelor": "本科",
    "master": "硕士研究生",
    "doctorate": "博士研究生",
}
RECORDS = {
    "criminal_penalty": "刑事处罚",
    # 开除公职 (a sanction under 公职人员政务处分法) and 辞退 (an employer ending a civil servant's post
    # under 公务员法) are different things; each text names which it bars (山西 第五条（三）: both).
    "dismissed_from_public_office": "被开除公职",
    "discharged_from_post": "被辞退",
    "licence_revoked": "被吊销律师、公证员执业证书或被仲裁委员会除名",
    "removed_as_juror": "因受惩戒被免除人民陪审员职务",
    "supervisor_disqualified": "因违法违规、年度考核不合格等被免除人民监督员资格",
    "serious_bad_credit": "严重不良信用记录",
    "dishonest_person_listed": "失信记录（失信被执行人）",
    "administrative_sanction": "行政处分",
    "party_discipline": "党纪处分",
    "public_security_penalty": "违反治安管理受到行政处罚",
}
POSTS = {
    "law_enforcement_officer": "行政执法人员",
    "law_enforcement_auxiliary": "行政执法辅助人员",
    "party_government_leader": "在职党委、政府及其组成部门的负责人",
    "npc_standing_committee_member": "在职人民代表大会常务委员会组成人员",
    "supervisory_commission_staff": "在职监察委员会工作人员",
    "court_staff": "在职人民法院工作人员",
    "procuratorate_staff": "在职人民检察院工作人员",
    "public_security_staff": "在职公安机关工作人员",
    "state_security_staff": "在职国家安全机关工作人员",
    "judicial_administration_staff": "在职司法行政机关工作人员",
    "peoples_assessor": "人民陪审员",
}
GRADES = ("excellent", "competent", "basic", "failing")
GRADE_LABELS = {"excellent": "优秀", "competent": "合格", "basic": "基本合格", "failing": "不合格"}


@dataclass(frozen=True)
class ParamSpec:
    kind: str  # int | number | bool | str | list | education
    meaning: str

    def check(self, value: Any) -> str | None:
        ok = {
            "int": isinstance(value, int) and not isinstance(value, bool),
            "number": isinstance(value, int | float) and not isinstance(value, bool),
            "bool": isinstance(value, bool),
            "str": isinstance(value, str),
            "list": isinstance(value, list),
            "education": value in EDUCATION_LEVELS,
        }[self.kind]
        return None if ok else f"取值 {value!r} 应为 {self.kind}"


P = ParamSpec
PARAMETERS: dict[str, ParamSpec] = {
    # 任职条件 eligibility
    "eligibility.min_age": P(
        "int", "年满N周岁方可担任（含生日当天，除非 eligibility.birthday_counts 为 false）"
    ),
    "eligibility.max_age": P("int", "不超过N周岁（周岁数大于N即不符合）"),
    "eligibility.birthday_counts": P("bool", "生日当天是否已满该周岁（默认 true）"),
    "eligibility.min_education": P("education", "最低学历：none…doctorate"),
    "eligibility.nationality": P("str", "须具有的国籍（ISO 3166 代码，如 CN）"),
    "eligibility.disqualifying_records": P("list", "[{record, article, text}] 有此记录即不得担任"),
    "eligibility.excluded_posts": P("list", "[{post, article, text}] 现任此职务即不得担任"),
    "eligibility.judgement_criteria": P("list", "[{code, article, text}] 须人工判断的条件 → review"),
    "eligibility.review_posts": P(
        "list", "[{post, article, text}] 现任此职务交人工审查（条文未检索到等，不直接认定）"
    ),
    "eligibility.sources": P("list", "[{article, text}] 人选来源（说明性）"),
    # 聘期 terms
    "term.years": P("int", "每届聘期（年）"),
    "term.renewable": P("bool", "期满可否续聘"),
    "term.max_consecutive": P("int", "连续任职最多届数"),
    "term.max_consecutive_strict": P("bool", "false = “原则上”：超过届数时交人工审查而非拒绝"),
    "term.replenishment_ends_with_cohort": P("bool", "补聘任期与本届任期相同（随本届结束）"),
    "term.expiry_ends_appointment": P("bool", "聘期届满未续聘的自然解聘"),
    "appointment.one_body_at_a_time": P("bool", "同一时间只能在一个机关担任"),
    # 名额与选聘 roster / recruitment
    "roster.min_size": P("int", "名额下限（不足时可补聘）"),
    "roster.max_size": P("int", "名额上限"),
    "roster.min_per_county": P("int", "每个县（市、区）名额不少于N名（名册上提示）"),
    "recruitment.announce_months_ahead": P("int", "聘任工作开始前N个月发布聘任公告"),
    "recruitment.notice_min_working_days": P("int", "拟聘人选公示期不少于N个工作日"),
    "recruitment.announcement_min_working_days": P("int", "选任公告期（发布至报名截止）不少于N个工作日"),
    "recruitment.public_notice_required": P("bool", "拟聘人选须向社会公示（无异议后聘任）"),
    "recruitment.order": P(
        "str",
        "notice_then_appoint（先公示、无异议后聘任）| appoint_then_publicise（审查合格即聘任、颁证，再向社会公示）",
    ),
    # 履职 duties
    "duty.activities_per_year_min": P("int", "每年组织监督活动至少N次"),
    "duty.activities_per_year_max": P("int", "每年组织监督活动至多N次"),
    "duty.request_lead_working_days": P("int", "用人机关提前N个工作日通知"),
    "duty.request_lead_working_days_with_consent": P("int", "经同意可缩短为提前N个工作日"),
    "duty.report_due_working_days": P("int", "活动结束后N个工作日内通报履职情况"),
    "duty.monthly_summary_day": P("int", "每月N日前汇总转送上月反馈表"),
    "duty.feedback_form_signed": P("bool", "履职情况反馈表须监督员现场签字"),
    "duty.random_draw": P("bool", "从信息库随机抽选"),
    "duty.recusal_grounds": P("list", "[{code, article, text}] 回避情形"),
    "duty.contact_in_draw_order": P("bool", "按抽选顺序依次联络确定参加人员"),
    "duty.redraw_when_short": P("bool", "一次抽选不能满足需求的重新抽选；谢绝或回避的按抽选顺序重新联络"),
    "duty.adoption_told": P("bool", "监督意见的采纳情况告知监督员（未采纳或部分采纳的须说明理由）"),
    "profile.change_report_months": P("int", "个人信息变动后N个月内书面说明"),
    # 培训 training
    "training.initial_within_months": P("int", "选任决定后N个月内组织初任培训"),
    "training.required_before_duty": P("bool", "未经初任培训及考核合格不得履职"),
    "training.in_term_min_per_year": P("int", "任期内每年至少集中培训N次"),
    "training.modes": P("list", "[{code, article, text}] 培训方式（集中授课、网络学习等）"),
    "training.initial_exam_required": P("bool", "初任培训结束后进行考核"),
    "training.makeup_required": P("bool", "未参加或考核不合格的补课并考核"),
    "training.required": P("bool", "监督员应当参加培训"),
    # 意见与反馈 findings
    "findings.reply_days": P("int", "被监督机关收到意见后N日内反馈（日历日，末日遇休息日顺延）"),
    "findings.reporter_confidentiality": P("bool", "反映人可要求保密"),
    "findings.on_the_spot_opinion": P("bool", "可当面提出纠正意见"),
    "findings.written_opinion": P("bool", "以书面形式向司法局提出意见"),
    "findings.rectification_deadline_days": P("int", "整改期限（日）"),
    "findings.complaints_against_supervisors": P("bool", "可举报监督员违法违纪"),
    "findings.public_complaints": P("bool", "社会公众也可举报监督员（否则仅行政执法机关）"),
    "findings.triage": P("bool", "司法局对意见转送有关机关或自行调查处理"),
    "findings.rectification_required": P("bool", "确有问题的立即纠正，不能立即纠正的说明情况、明确整改期限"),
    "findings.result_feedback": P("bool", "处理结果向提出意见的监督员反馈"),
    # 考核 assessment
    "assessment.grades": P("list", "考核等次代码：excellent, competent, basic, failing"),
    "assessment.excellent_max_share": P("number", "优秀等次比例上限（0.15 = 15%）"),
    "assessment.excellent_share_strict": P("bool", "false = “一般不超过”：超出时交人工审查"),
    "assessment.term_excellent_auto_min": P("int", "任期内年度优秀达N次且无基本合格、不合格 → 任期优秀"),
    "assessment.term_excellent_requires_annual_excellent": P(
        "bool", "任期优秀须任期内获过年度优秀且无基本合格、不合格"
    ),
    "assessment.results_entry_working_days": P("int", "考核完成后N个工作日内录入系统"),
    "assessment.report_filing_working_days": P("int", "考核完成后N个工作日内上报备案"),
    "assessment.failing_requires_hearing": P("bool", "定为不合格前须告知理由并听取陈述申辩"),
    "assessment.excellent_conditions": P("list", "[{code, article, text}] 年度优秀须具备的条件（人工评定）"),
    "assessment.failing_grounds": P("list", "[{code, article, text}] 经提醒教育仍不改正即定为不合格的情形"),
    "assessment.annual_required": P("bool", "实行年度考核"),
    "assessment.excellent_public_notice": P("bool", "拟确定优秀等次名单向社会公示"),
    "assessment.commendation": P("bool", "对优秀（表现突出）的监督员通报表扬（表彰）"),
    "assessment.results_notify": P("list", "[{code, article, text}] 考核结果、表扬决定须通知的对象"),
    "assessment.comprehensive_evaluation": P("bool", "综合评价履职情况（文字评价，不分等次）"),
    "ledger.required": P("bool", "建立履职工作台账"),
    # 解聘 dismissal
    "dismissal.grounds": P("list", "[{code, article, text, countable, count: {threshold, window}}]"),
    "dismissal.resignation": P("bool", "监督员可本人申请辞聘（辞去）；未规定时按本人请求记录"),
    "dismissal.announce_publicly": P("bool", "解聘（免除资格）向社会公告"),
    # 经费 allowances
    "allowance.remuneration": P("bool", "是否支付报酬"),
    "allowance.duty_allowance": P("bool", "发放履职补助"),
    "allowance.expenses_reimbursed": P("bool", "差旅等费用报销"),
    "allowance.performance_certificate": P("bool", "向所在单位出具履职证明"),
    "allowance.requires_signed_record": P("bool", "核实监督员在履职情况反馈表上签字后方可发放履职补助"),
    "allowance.requires_agency_feedback": P("bool", "须收到用人机关的履职情况反馈函方可发放履职补助"),
    "allowance.activity_plan_for_budget": P("bool", "用人机关每年书面提供下一年度监督活动计划，用于经费预算"),
    "allowance.expense_standard": P("str", "费用报销依据的财务规定（文件名称、文号）"),
    # 狱务 casework (宁夏)
    "casework.review_levels": P("int", "减刑假释N级会议研究"),
    "casework.review_majority": P("number", "集体审议多数比例（2/3 ≈ 0.6667）"),
    "casework.medical_records_days": P("int", "暂予监外执行审批完备后N日内补充病历"),
    "casework.tumour_diagnosis_hospitals": P("int", "无法病理确诊的恶性肿瘤须N所医院诊断证明"),
    "casework.points_publish_day": P("int", "计分考核审批结果每月N日前下发公布"),
    "casework.isolation_months": P("int", "单独隔离审查不得超过N个月"),
    "casework.isolation_extension_months": P("int", "经批准可延长N个月"),
    "casework.trusty_reapproval_months": P("int", "事务犯原则上每N个月重新审批"),
    "casework.trusty_evaluation_months": P("int", "事务犯每N个月测评一次"),
    "casework.interrogators_min": P("int", "讯问人员不少于N人"),
    "casework.review_steps": P(
        "list", "[{code, level, name, collective, article, responsibility}] 减刑假释各级审查的顺序"
    ),
    "casework.disagreement_share": P("number", "不同意（含弃权）达应参会人员该比例即为较大分歧，暂缓决定"),
    "casework.refused_stops": P("bool", "前一级不同意的案件原则上不再提交后一级"),
    "casework.change_requires_legal_basis": P("bool", "后一级变更前一级决定须记录法律依据和法定理由"),
    "casework.evidence_provider_responsible": P("bool", "证据材料谁提供谁负责（记录提供人）"),
    "casework.publicity_working_days": P("int", "提请减刑假释前在狱内公示N个工作日"),
    "casework.tumour_designated_hospitals_min": P("int", "两所医院诊断中至少N所为政府指定医院"),
    "casework.expert_specialty_match": P("bool", "诊断专家须为该类疾病所属专业（经办人确认）"),
    "casework.awards_copied_to_procuratorate": P("bool", "表扬、物质奖励决定抄送派驻检察机构"),
    "casework.penalty_review_levels": P("int", "罪犯对行政处罚有异议实行N级复议"),
    "casework.grading_months": P("int", "分级处遇每N个月评定一次"),
    "casework.quarterly_report_day": P("int", "季度工作报告于报送月N日前报送"),
    "casework.quarterly_report_months": P("list", "季度工作报告的报送月份"),
    "casework.problem_list": P("bool", "问题清单：责任到人、限定时间、对账销号"),
    "casework.supervisors_attend_reviews": P(
        "bool", "监督员应邀列席重大减刑假释暂予监外执行评审会、旁听庭审"
    ),
    "casework.supervisor_facts_non_secret": P("bool", "监督员可了解非涉密执法情况"),
}
