"""The console's questionnaire versions show their state through the shared status badge and
their effective date as a plain day."""

import re


def test_the_active_version_carries_the_shared_active_badge(staff_client):
    content = staff_client.get("/suitability/").content.decode()

    assert re.search(
        r'<span class="badge badge-success" data-status="active">Active</span>', content
    )
    assert re.search(r"Effective from \d{4}-\d\d-\d\d ·", re.sub(r"\s+", " ", content))
