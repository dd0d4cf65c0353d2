"""The default risk-tolerance questionnaire, version 1: written for Hujin, ten questions.

Each question's options score 0–10, so the maximum is 100 and the bands in
``hujin.suitability.levels`` read directly as points. Ids are derived from the codes (uuid5), so
they are the same in every installation (demo data and tests can name them).
"""

import uuid
from datetime import UTC, datetime

NAMESPACE = uuid.UUID("6f1f7a52-3c0e-4d55-9b7e-5a1c3d2f8e10")
VERSION = 1
EFFECTIVE_FROM = datetime(2025, 1, 1, tzinfo=UTC)
TITLE = ("Risk tolerance questionnaire", "风险承受能力评估问卷")

# (code, question en, question zh, [(option en, option zh, score, caps_level)])
QUESTIONS = [
    (
        "age",
        "How old are you?",
        "您的年龄是？",
        [
            ("18 to 30", "18–30 岁", 8, ""),
            ("31 to 45", "31–45 岁", 10, ""),
            ("46 to 60", "46–60 岁", 6, ""),
            ("61 to 70", "61–70 岁", 3, ""),
            ("Over 70", "70 岁以上", 0, "C2"),
        ],
    ),
    (
        "annual_income",
        "What is your household's annual income after tax?",
        "您的家庭税后年收入是？",
        [
            ("Under CNY 50,000", "5 万元以下", 0, ""),
            ("CNY 50,000 to 200,000", "5 万–20 万元", 4, ""),
            ("CNY 200,000 to 500,000", "20 万–50 万元", 7, ""),
            ("Over CNY 500,000", "50 万元以上", 10, ""),
        ],
    ),
    (
        "investable_assets",
        "How much do you hold in financial assets (deposits, funds, wealth products, "
        "shares), not counting your home?",
        "您持有的金融资产（存款、基金、理财产品、股票等，不含自住房产）约为？",
        [
            ("Under CNY 100,000", "10 万元以下", 0, ""),
            ("CNY 100,000 to 500,000", "10 万–50 万元", 4, ""),
            ("CNY 500,000 to 3,000,000", "50 万–300 万元", 7, ""),
            ("Over CNY 3,000,000", "300 万元以上", 10, ""),
        ],
    ),
    (
        "experience",
        "For how long have you invested in anything other than bank deposits (funds, bonds, "
        "shares, wealth products)?",
        "除银行存款外，您投资基金、债券、股票、理财产品等的年限是？",
        [
            ("Never", "没有投资经验", 0, ""),
            ("Less than 2 years", "不到 2 年", 3, ""),
            ("2 to 5 years", "2–5 年", 6, ""),
            ("5 to 10 years", "5–10 年", 8, ""),
            ("More than 10 years", "10 年以上", 10, ""),
        ],
    ),
    (
        "knowledge",
        "Which sentence describes your knowledge of investing best?",
        "以下哪一项最符合您对投资知识的了解程度？",
        [
            (
                "I know little beyond bank deposits.",
                "除银行存款外，我对其他投资了解很少。",
                0,
                "",
            ),
            (
                "I know that funds, bonds and shares carry different risks.",
                "我知道基金、债券、股票的风险各不相同。",
                4,
                "",
            ),
            (
                "I understand diversification, volatility and how products can lose value.",
                "我理解分散投资、波动性以及产品可能亏损的原因。",
                7,
                "",
            ),
            (
                "I work or have trained in finance, or hold a finance qualification.",
                "我从事或学习过金融相关工作，或持有金融类资格证书。",
                10,
                "",
            ),
        ],
    ),
    (
        "horizon",
        "For how long can you leave this money invested without needing it?",
        "这笔资金您预计可以投资多长时间而不需要动用？",
        [
            ("Less than 1 year", "1 年以内", 1, ""),
            ("1 to 3 years", "1–3 年", 4, ""),
            ("3 to 5 years", "3–5 年", 7, ""),
            ("More than 5 years", "5 年以上", 10, ""),
        ],
    ),
    (
        "loss_tolerance",
        "What is the largest fall in value within one year you could accept?",
        "在一年内，您能接受的最大投资亏损幅度是？",
        [
            ("I cannot accept any loss of my capital.", "我不能接受任何本金损失。", 0, "C1"),
            ("Up to 5 %", "5% 以内", 3, ""),
            ("5 % to 15 %", "5%–15%", 6, ""),
            ("15 % to 30 %", "15%–30%", 8, ""),
            ("More than 30 %", "30% 以上", 10, ""),
        ],
    ),
    (
        "purpose",
        "What is the main purpose of this investment?",
        "您这笔投资的主要目的是？",
        [
            (
                "Keep my capital safe and earn a little more than deposits.",
                "保证本金安全，收益略高于存款即可。",
                1,
                "",
            ),
            ("A steady, regular income.", "获得稳定的定期收益。", 4, ""),
            ("Growth with moderate ups and downs.", "在适度波动中实现资产增长。", 7, ""),
            (
                "The highest long-term growth; I accept large swings.",
                "追求长期最大增长，能够承受较大波动。",
                10,
                "",
            ),
        ],
    ),
    (
        "income_stability",
        "How stable is your income over the next few years?",
        "未来几年您的收入稳定性如何？",
        [
            ("I have no regular income.", "我没有固定收入。", 0, ""),
            ("Irregular; it changes a lot.", "不稳定，波动较大。", 3, ""),
            ("Fairly stable.", "比较稳定。", 7, ""),
            ("Very stable and likely to grow.", "非常稳定，并可能增长。", 10, ""),
        ],
    ),
    (
        "asset_share",
        "What share of your financial assets do you plan to put into investments other than "
        "deposits?",
        "您计划将多大比例的金融资产用于存款以外的投资？",
        [
            ("More than 50 %", "50% 以上", 2, ""),
            ("30 % to 50 %", "30%–50%", 5, ""),
            ("10 % to 30 %", "10%–30%", 8, ""),
            ("Less than 10 %", "10% 以下", 10, ""),
        ],
    ),
]


def question_id(code: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"v{VERSION}/{code}")


def option_id(code: str, order: int) -> uuid.UUID:
    """Options are numbered from 1 in the order listed above."""
    return uuid.uuid5(NAMESPACE, f"v{VERSION}/{code}/{order}")


def seed(apps, schema_editor):
    Questionnaire = apps.get_model("suitability", "Questionnaire")
    Question = apps.get_model("suitability", "Question")
    Option = apps.get_model("suitability", "Option")
    questionnaire = Questionnaire.objects.create(
        id=uuid.uuid5(NAMESPACE, f"v{VERSION}"),
        version=VERSION,
        status="active",
        effective_from=EFFECTIVE_FROM,
        title_en=TITLE[0],
        title_zh=TITLE[1],
    )
    for q_order, (code, text_en, text_zh, options) in enumerate(QUESTIONS, start=1):
        question = Question.objects.create(
            id=question_id(code),
            questionnaire=questionnaire,
            order=q_order,
            code=code,
            text_en=text_en,
            text_zh=text_zh,
        )
        for o_order, (o_en, o_zh, score, cap) in enumerate(options, start=1):
            Option.objects.create(
                id=option_id(code, o_order),
                question=question,
                order=o_order,
                text_en=o_en,
                text_zh=o_zh,
                score=score,
                caps_level=cap,
            )


def unseed(apps, schema_editor):
    apps.get_model("suitability", "Questionnaire").objects.filter(version=VERSION).delete()
