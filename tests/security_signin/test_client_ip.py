"""One rule for the client's address: REMOTE_ADDR, or X-Forwarded-For through trusted proxies."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from anju.lib.client_ip import client_ip, trusted_proxies
from anju.lib.env import parse_proxies


def proxies(text):
    """The setting as anju/settings.py parses ANJU_TRUSTED_PROXIES."""
    return parse_proxies("ANJU_TRUSTED_PROXIES", text)


def request(remote="10.0.0.2", forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_by_default_the_header_is_not_believed(settings):
    settings.ANJU_TRUSTED_PROXIES = 0
    assert client_ip(request(forwarded="203.0.113.9")) == "10.0.0.2"


def test_with_one_proxy_the_last_entry_is_the_client(settings):
    settings.ANJU_TRUSTED_PROXIES = 1
    # The client made up the first entry; our proxy appended the real address.
    assert client_ip(request(forwarded="6.6.6.6, 203.0.113.9")) == "203.0.113.9"
    assert client_ip(request(forwarded=None)) == "10.0.0.2"


def test_with_two_proxies_the_second_entry_from_the_right(settings):
    settings.ANJU_TRUSTED_PROXIES = 2
    assert client_ip(request(forwarded="6.6.6.6, 203.0.113.9, 10.0.0.1")) == "203.0.113.9"
    # Fewer entries than proxies: the header did not come through them.
    assert client_ip(request(forwarded="6.6.6.6")) == "10.0.0.2"


def test_a_list_of_proxies_skips_only_those(settings):
    settings.ANJU_TRUSTED_PROXIES = proxies("10.0.0.0/8, 192.0.2.7")
    assert client_ip(request(forwarded="6.6.6.6, 203.0.113.9, 192.0.2.7")) == "203.0.113.9"
    # A request that did not come from a trusted proxy: its header is ignored.
    assert client_ip(request(remote="198.51.100.4", forwarded="203.0.113.9")) == "198.51.100.4"


def test_garbage_in_the_header_falls_back_to_the_proxy(settings):
    settings.ANJU_TRUSTED_PROXIES = proxies("10.0.0.0/8")
    assert client_ip(request(forwarded="not-an-address")) == "10.0.0.2"
    settings.ANJU_TRUSTED_PROXIES = 1
    assert client_ip(request(forwarded="not-an-address")) == "10.0.0.2"


def test_ports_and_ipv6_brackets_are_understood(settings):
    settings.ANJU_TRUSTED_PROXIES = 1
    assert client_ip(request(forwarded="203.0.113.9:51234")) == "203.0.113.9"
    assert client_ip(request(forwarded="[2001:db8::1]:443")) == "2001:db8::1"


def test_a_bad_setting_stops_with_a_clear_message():
    with pytest.raises(ImproperlyConfigured, match="ANJU_TRUSTED_PROXIES"):
        proxies("nginx")


def test_the_setting_is_read_as_parsed_at_start_up(settings):
    settings.ANJU_TRUSTED_PROXIES = proxies(" 2 ")
    assert trusted_proxies() == 2


def test_a_malformed_remote_address_is_none(settings):
    settings.ANJU_TRUSTED_PROXIES = 0
    assert client_ip(request(remote="")) is None
