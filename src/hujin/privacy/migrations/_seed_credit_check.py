"""Version 1 of the credit report authorisation (征信查询授权书), written for Hujin: the separate
consent a customer gives before a loan application is assessed."""

from hujin.privacy.migrations._seed_documents import EFFECTIVE_FROM, document_id

CREDIT_CHECK_EN = """\
By applying for a loan you authorise Hujin and the lender to assess your creditworthiness, as
the Personal Information Protection Law (arts. 13, 14 and 29) and the Regulation on the
Administration of Credit Investigation Industry (征信业管理条例, art. 18) require.

1. What we look at. Your age and verification date; your risk-tolerance level; your wallet's
balances and inflows and how many of your payments failed over the last 90 days; your past and
current loans with us and whether they were paid on time; security events on your account; the
income you declare; and a credit report from a credit bureau, which we request with a one-way
hash of your identity document number.

2. Why. To decide on your application, set your limit and rate, and manage the loan while it
runs. The decision is made with a scoring model; you may ask for a person to review a refusal.

3. How long. This authorisation covers the application you are making and the loan that may
follow, until it is repaid. Reports and scores are kept with the loan for as long as the law
requires lenders to keep credit records.
"""

CREDIT_CHECK_ZH = """\
申请借款即表示您授权互金及出借机构评估您的信用状况，依据《中华人民共和国个人信息保护法》第十三条、第十四条、第二十九条及《征信业管理条例》第十八条。

一、我们查看哪些信息。您的年龄和实名认证日期；您的风险承受能力等级；您的钱包近 90 天的余额、入账和失败的付款次数；您在我们这里过去和现在的借款及是否按时还款；您账户的安全事件；您申报的收入；以及我们以您身份证件号码的单向哈希向征信机构查询的信用报告。

二、为什么。用于审批您的申请、确定额度和利率，并在借款存续期间进行管理。审批使用评分模型；被拒绝时您可以要求人工复核。

三、期限。本授权适用于您本次的申请以及可能随之发生的借款，直至借款还清。报告和评分随借款按法律要求出借机构保存信用记录的期限保存。
"""

DOCUMENT = {
    "kind": "credit_check",
    "title_en": "Credit report authorisation",
    "title_zh": "征信查询授权书",
    "body_en": CREDIT_CHECK_EN,
    "body_zh": CREDIT_CHECK_ZH,
    "withdrawable": True,
    "withdrawal_consequence_en": (
        "Withdrawing this authorisation stops any new credit assessment: you cannot apply for a "
        "loan until you give it again. Loans already made are managed as their contracts say."
    ),
    "withdrawal_consequence_zh": (
        "撤回本授权后，我们将不再进行新的信用评估：再次授权之前您无法申请借款。已发放的借款按合同约定管理。"
    ),
}


def seed(apps, schema_editor):
    apps.get_model("privacy", "ConsentDocument").objects.create(
        id=document_id(DOCUMENT["kind"], 1), version=1, effective_from=EFFECTIVE_FROM, **DOCUMENT
    )


def unseed(apps, schema_editor):
    apps.get_model("privacy", "ConsentDocument").objects.filter(kind=DOCUMENT["kind"]).delete()
