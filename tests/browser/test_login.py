import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_consultant_logs_in_and_lands_on_the_front_desk(page, login, alice, screenshot):
    login(alice)
    assert "/p/HX01/desk/" in page.url
    screenshot("login-desk")


def test_a_wrong_password_stays_on_the_login_page(page, login, alice):
    login(alice, password="wrong-password")
    assert "/accounts/login/" in page.url
