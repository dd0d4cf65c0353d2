import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from hujin.identity.models import DevSmsMessage, OtpChallenge
from hujin.identity.otp import otp_send
from hujin.identity.sms import GatewaySimulatorSender, SmsSendFailed, sms_sender

pytestmark = pytest.mark.django_db

SIMULATOR = "hujin.identity.sms.GatewaySimulatorSender"


class TestSmsSender:
    def test_the_setting_chooses_the_sender(self):
        with override_settings(HUJIN_SMS_SENDER=SIMULATOR):
            assert isinstance(sms_sender(), GatewaySimulatorSender)

    def test_a_development_sender_refuses_to_run_in_production(self):
        with override_settings(PROD=True), pytest.raises(ImproperlyConfigured):
            sms_sender()

    def test_the_simulator_stores_what_it_delivers(self, now):
        with override_settings(
            HUJIN_SMS_SENDER=SIMULATOR,
            HUJIN_SMS_SIMULATOR={"delay_seconds": 0, "failure_rate": 0},
        ):
            otp_send(purpose="signup", mobile_e164="+8613800001111", ip=None, now=now)

        assert DevSmsMessage.objects.count() == 1

    def test_a_failed_send_records_nothing_and_says_try_again(self, now):
        with (
            override_settings(
                HUJIN_SMS_SENDER=SIMULATOR,
                HUJIN_SMS_SIMULATOR={"delay_seconds": 0, "failure_rate": 1},
            ),
            pytest.raises(SmsSendFailed) as failed,
        ):
            otp_send(purpose="signup", mobile_e164="+8613800001111", ip=None, now=now)

        assert failed.value.status == 503
        assert not OtpChallenge.objects.exists()
        # Nothing was spent: the customer may ask again at once.
        with override_settings(
            HUJIN_SMS_SENDER=SIMULATOR,
            HUJIN_SMS_SIMULATOR={"delay_seconds": 0, "failure_rate": 0},
        ):
            otp_send(purpose="signup", mobile_e164="+8613800001111", ip=None, now=now)
