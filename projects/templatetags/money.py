"""``{% load money %}``: money as the office writes it (salesoffice.money), on every page."""

from django import template

from salesoffice import money

register = template.Library()
register.filter("yuan", money.yuan)
register.filter("percent", money.percent)
