from django.test import override_settings

from hujin.identity.checks import sms_sender_check


class TestSmsSenderCheck:
    def test_the_development_sender_is_fine_in_development(self):
        with override_settings(PROD=False, HUJIN_SMS_SENDER="hujin.identity.sms.DevSmsSender"):
            assert sms_sender_check() == []

    def test_the_development_senders_are_refused_in_production(self):
        for path in (
            "hujin.identity.sms.DevSmsSender",
            "hujin.identity.sms.GatewaySimulatorSender",
        ):
            with override_settings(PROD=True, HUJIN_SMS_SENDER=path):
                assert [e.id for e in sms_sender_check()] == ["identity.E002"]

    def test_a_sender_that_cannot_be_imported_is_reported(self):
        with override_settings(HUJIN_SMS_SENDER="hujin.nowhere.Sender"):
            assert [e.id for e in sms_sender_check()] == ["identity.E001"]
