"""Version 1 of the privacy policy and the service agreement, written for Hujin."""

import uuid
from datetime import UTC, datetime

NAMESPACE = uuid.UUID("0b6c1d3e-8f2a-4e57-a1c9-7d4e2f5b9a31")
EFFECTIVE_FROM = datetime(2025, 1, 1, tzinfo=UTC)

PRIVACY_POLICY_EN = """\
Hujin ("we") processes your personal information to provide online financial services, in
accordance with the Personal Information Protection Law of the People's Republic of China (PIPL).

1. What we collect. Your mobile number and e-mail address; your legal name and identity document
(number, type, validity) for real-name verification; your answers to the risk-tolerance
questionnaire; bank cards you bind; your accounts, balances and transactions; log-in records
(time, IP address, device) for security.

2. Why. To open and run your accounts (PIPL art. 13(2), performance of a contract); to verify
who you are and to monitor transactions as anti-money-laundering law requires (art. 13(3), legal
duty); to recommend only products that suit your risk tolerance; to keep your account secure.
Identity documents and financial accounts are sensitive personal information (art. 28): we
process them only for these purposes and with your separate consent where the law requires it.

3. How we protect it. Personal data is encrypted at rest (AES-256-GCM), shown masked to staff
who do not need to see it in full, and every full view is recorded in an audit log.

4. How long we keep it. As long as you are our customer. After that, records that law requires
us to keep (identity and transaction records under anti-money-laundering law; suitability
records) are kept for the period the law sets and used for nothing else; everything else is
deleted or anonymised.

5. Sharing. We do not sell your data. We share it only with payment channels and banks to move
your money, with identity-verification providers to check your documents, and with authorities
when the law requires it.

6. Your rights (PIPL arts. 44–47). You may see and download your data, ask us to correct it, ask
us to delete it and withdraw this consent, under "My data" and "Consents" in your account. We
answer within 15 days.

7. Contact. Our personal-information protection officer: privacy@hujin.example.
"""

PRIVACY_POLICY_ZH = """\
互金（“我们”）依据《中华人民共和国个人信息保护法》（“个保法”）处理您的个人信息，以便为您提供线上金融服务。

一、我们收集哪些信息。您的手机号码和电子邮箱；用于实名认证的姓名和身份证件信息（号码、类型、有效期）；您的风险承受能力问卷答案；您绑定的银行卡；您的账户、余额和交易记录；为保障安全而记录的登录信息（时间、IP 地址、设备）。

二、为什么收集。为订立和履行合同，开立并运营您的账户（个保法第十三条第一款第二项）；为履行反洗钱等法定义务，核实您的身份并监测交易（同款第三项）；仅向您推荐与您风险承受能力相匹配的产品；保障您的账户安全。身份证件和金融账户信息属于敏感个人信息（第二十八条），我们仅为上述目的处理，并在法律要求时取得您的单独同意。

三、我们如何保护。个人信息在存储时加密（AES-256-GCM），对无需查看完整信息的员工以脱敏形式展示，每一次查看完整信息都会记入审计日志。

四、保存多久。在您作为我们客户期间保存。此后，法律要求保存的记录（反洗钱法要求的客户身份资料和交易记录；适当性管理记录）在规定期限内保存且不作他用，其余信息删除或匿名化。

五、共享。我们不出售您的信息。仅为划转资金与支付渠道和银行共享，为核验证件与身份核验服务商共享，并在法律要求时向有权机关提供。

六、您的权利（个保法第四十四条至第四十七条）。您可以在账户的“我的数据”和“同意管理”中查阅、下载您的信息，要求更正、要求删除，以及撤回本同意。我们将在 15 日内答复。

七、联系方式。个人信息保护负责人：privacy@hujin.example。
"""

SERVICE_AGREEMENT_EN = """\
This agreement is between you and Hujin for the use of Hujin's online financial services.

1. Your account. You open one account in your real name, keep your password and one-time codes
secret and tell us at once if you think someone else has used your account. You must be at
least 18 years old.

2. Real-name verification. We verify your identity before you can hold money with us, as the law
requires. We may ask for more information or refuse or suspend the service if we cannot verify
you or if we suspect fraud or money laundering.

3. Suitability. Before you buy an investment product you take our risk-tolerance questionnaire.
You may buy only products whose risk level does not exceed your assessed level. Investment
products can lose value; past returns do not promise future returns.

4. Money. Balances are recorded in Chinese yuan. Top-ups, withdrawals and transfers are final once
confirmed; fees and limits are shown before you confirm. We may freeze an account when the law
or a court requires it.

5. Changes. We publish a new version of this agreement before it applies and ask you to accept
it. If you do not accept, you may close your account.

6. Ending the agreement. You may end this agreement by closing your accounts; your balance is
paid out to a bank card in your name first. Records the law requires us to keep are kept after
the agreement ends.

7. Complaints and law. Complaints go to our customer service; this agreement is governed by the
law of the People's Republic of China.
"""

SERVICE_AGREEMENT_ZH = """\
本协议由您与互金就使用互金线上金融服务订立。

一、您的账户。您以真实姓名开立一个账户，妥善保管密码和动态验证码，如认为账户被他人使用，应立即告知我们。您须年满 18 周岁。

二、实名认证。依照法律要求，在您于我们处持有资金前，我们会核实您的身份。如无法核实您的身份，或怀疑存在欺诈、洗钱行为，我们可以要求补充资料，或拒绝、暂停提供服务。

三、适当性。购买投资产品前，您需完成我们的风险承受能力评估问卷。您只能购买风险等级不超过您评估等级的产品。投资产品可能亏损，过往收益不代表未来收益。

四、资金。余额以人民币记账。充值、提现和转账一经确认即为最终结果；手续费和限额在您确认前展示。法律或法院要求时，我们可以冻结账户。

五、变更。新版本协议在适用前公布，并请您重新同意。如不同意，您可以注销账户。

六、协议终止。您可以通过注销账户终止本协议；余额将先支付至您本人名下的银行卡。法律要求保存的记录在协议终止后继续保存。

七、投诉与法律适用。投诉请联系我们的客户服务；本协议适用中华人民共和国法律。
"""

DOCUMENTS = [
    {
        "kind": "privacy_policy",
        "title_en": "Privacy policy",
        "title_zh": "隐私政策",
        "body_en": PRIVACY_POLICY_EN,
        "body_zh": PRIVACY_POLICY_ZH,
        "withdrawable": True,
        "withdrawal_consequence_en": (
            "Withdrawing your consent stops all processing of your personal information that "
            "is based on it (PIPL art. 15). Without it we cannot verify you, keep your accounts "
            "or carry out new transactions, so you will no longer be able to use Hujin. Records "
            "that the law requires us to keep (identity and transaction records for "
            "anti-money-laundering purposes) are kept for the required period and used for "
            "nothing else. Processing already carried out remains lawful."
        ),
        "withdrawal_consequence_zh": (
            "撤回同意后，我们将停止基于该同意对您个人信息的全部处理（个保法第十五条）。没有该同意，"
            "我们无法核实您的身份、维持您的账户或办理新的交易，您将无法继续使用互金服务。法律要求"
            "保存的记录（反洗钱所需的身份资料和交易记录）在规定期限内保存，不作他用。撤回前已进行的"
            "处理仍然合法有效。"
        ),
    },
    {
        "kind": "service_agreement",
        "title_en": "Service agreement",
        "title_zh": "服务协议",
        "body_en": SERVICE_AGREEMENT_EN,
        "body_zh": SERVICE_AGREEMENT_ZH,
        "withdrawable": True,
        "withdrawal_consequence_en": (
            "Withdrawing your acceptance ends the service agreement. This is possible only when "
            "you no longer hold any Hujin account: close your accounts first (your balance is "
            "paid out to your own bank card). Afterwards you can no longer log in to use our "
            "services; records the law requires us to keep are kept."
        ),
        "withdrawal_consequence_zh": (
            "撤回同意即终止服务协议。只有在您不再持有任何互金账户时才可撤回：请先注销账户（余额将"
            "支付至您本人名下的银行卡）。此后您将无法登录使用我们的服务；法律要求保存的记录继续保存。"
        ),
    },
]


def document_id(kind: str, version: int) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{kind}/v{version}")


def seed(apps, schema_editor):
    ConsentDocument = apps.get_model("privacy", "ConsentDocument")
    for document in DOCUMENTS:
        ConsentDocument.objects.create(
            id=document_id(document["kind"], 1),
            version=1,
            effective_from=EFFECTIVE_FROM,
            **document,
        )


def unseed(apps, schema_editor):
    apps.get_model("privacy", "ConsentDocument").objects.filter(version=1).delete()
