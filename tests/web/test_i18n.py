import pytest

pytestmark = pytest.mark.django_db


class TestLanguageSwitcher:
    def test_offers_english_and_simplified_chinese_each_in_its_own_name(self, client):
        content = client.get("/auth/login/").content.decode()

        assert 'action="/i18n/setlang/"' in content
        assert 'name="language" value="en"' in content and ">English</button>" in content
        assert 'name="language" value="zh-hans"' in content and ">简体中文</button>" in content
        assert '<input type="hidden" name="next" value="/auth/login/">' in content

    def test_switching_to_chinese_renders_the_console_in_chinese(self, staff_client):
        response = staff_client.post(
            "/i18n/setlang/", {"language": "zh-hans", "next": "/"}, follow=True
        )

        content = response.content.decode()
        assert response.redirect_chain[-1] == ("/", 302)
        assert '<html lang="zh-hans">' in content
        assert "<h1>Staff，您好</h1>" in content
        assert ">首页</a>" in content and "<span>API 密钥</span>" in content
        assert ">退出登录</button>" in content

    def test_switching_back_to_english(self, staff_client):
        staff_client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
        staff_client.post("/i18n/setlang/", {"language": "en", "next": "/"})

        assert "<h1>Welcome, Staff</h1>" in staff_client.get("/").content.decode()


class TestAcceptLanguage:
    def test_a_chinese_browser_gets_the_login_page_in_chinese(self, client):
        content = client.get("/auth/login/", headers={"accept-language": "zh-CN,zh;q=0.9"})

        assert "登录员工控制台" in content.content.decode()

    def test_api_key_pages_are_translated(self, staff_client):
        content = staff_client.get(
            "/auth/api-keys/new/", headers={"accept-language": "zh-Hans"}
        ).content.decode()

        assert "新建 API 密钥" in content
        assert "读取账本账户、余额和转账" in content  # the ledger:read scope's description

    def test_domain_errors_are_translated(self, staff_actor, now):
        from django.utils import translation

        from hujin.identity.errors import ApiKeyAlreadyRevoked

        with translation.override("zh-hans"):
            assert ApiKeyAlreadyRevoked().message == "该 API 密钥已被吊销。"
