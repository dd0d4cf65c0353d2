"""One key, one name: the registries modules name their codes in."""

import pytest
from django.utils.translation import gettext_lazy, pgettext_lazy

from hujin.core.labels import LabelRegistry


class TestLabelRegistry:
    def test_a_key_names_what_was_registered_for_it(self):
        registry = LabelRegistry("code")
        registry.register("topup", gettext_lazy("Top-up"))

        assert str(registry.label("topup")) == "Top-up"
        assert registry.label("other") is None

    def test_the_same_words_again_are_fine_and_the_first_entry_stays(self):
        registry = LabelRegistry("code")
        first = registry.register("topup", gettext_lazy("Top-up"), tone="success")

        assert registry.register("topup", gettext_lazy("Top-up"), tone="success") is first

    def test_other_words_for_a_key_are_refused(self):
        registry = LabelRegistry("code")
        registry.register("topup", gettext_lazy("Top-up"))

        with pytest.raises(ValueError, match="code 'topup' is already Top-up"):
            registry.register("topup", gettext_lazy("Deposit"))

    def test_the_same_word_in_another_context_is_another_name(self):
        registry = LabelRegistry("status")
        registry.register("open", pgettext_lazy("status", "Open"))

        with pytest.raises(ValueError):
            registry.register("open", pgettext_lazy("verb", "Open"))

    def test_other_extras_for_a_key_are_refused(self):
        registry = LabelRegistry("status")
        registry.register("frozen", "Frozen", tone="danger")

        with pytest.raises(ValueError):
            registry.register("frozen", "Frozen", tone="warning")
