"""The case list's cheap parts (docs/benchmarks.md): the filter <select>s rendered in one go,
with the same markup, labels and kept values (WCAG 2.1 AA, rule on bad input: forms keep what
was typed), and a capped count of the cases."""

import re

import pytest
from django.urls import reverse

from cases.forms import CaseFilterForm
from cases.services import register_case
from cases.views import CappedPaginator
from tests.factories import make_register

pytestmark = pytest.mark.django_db


def test_the_quick_select_renders_like_django_select_with_the_label():
    register = make_register(code="KS", name="Diarium <&> för KS")
    form = CaseFilterForm({"register": str(register.pk), "status": "open"})
    form.is_valid()

    html = form.as_div()

    assert '<label for="id_register">Diarium:</label>' in html
    assert '<select id="id_register" name="register">' in html  # flatatt sorts attributes
    assert '<option value="">---------</option>' in html
    assert f'<option value="{register.pk}" selected>' in html
    assert "Diarium &lt;&amp;&gt; för KS" in html
    assert "<&>" not in html
    assert '<option value="open" selected>' in html
    assert '<label for="id_classification">Klassificering:</label>' in html


def test_a_bad_register_value_keeps_the_page_and_selects_nothing(client):
    make_register(code="KS")

    html = client.get(reverse("cases:case-list"), {"register": "x"}).content.decode()

    select = re.search(r'<select[^>]*name="register".*?</select>', html, re.S).group(0)
    assert " selected" not in select
    assert 'aria-invalid="true"' in select


def test_the_list_count_is_exact_below_the_cap_and_capped_above(client, monkeypatch):
    register = make_register(code="KS", number_format="{code} {year}/{seq}")
    for n in range(4):
        register_case(register=register, title=f"Ärende {n}", year=2024)

    html = client.get(reverse("cases:case-list")).content.decode()
    assert "4 ärenden" in html and "Fler än" not in html

    monkeypatch.setattr(CappedPaginator, "cap", 3)
    html = client.get(reverse("cases:case-list")).content.decode()
    assert "Fler än 10 000 ärenden" in html
    assert "Ärende 3" in html  # the rows themselves are still listed


def test_the_capped_count_reads_at_most_cap_plus_one_rows(django_assert_num_queries):
    register = make_register(code="KS", number_format="{code} {year}/{seq}")
    for n in range(5):
        register_case(register=register, title=f"Ärende {n}", year=2024)
    from cases.models import Case

    paginator = CappedPaginator(Case.objects.order_by("-id"), 2)
    paginator.cap = 3
    with django_assert_num_queries(1) as captured:
        assert paginator.count == 4
    assert "LIMIT 4" in captured.captured_queries[0]["sql"]
    assert paginator.capped and paginator.num_pages == 2
