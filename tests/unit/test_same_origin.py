from readiness.csrf import origin_of


def test_origin_drops_path_and_default_port_and_lowers_case():
    assert origin_of("HTTPS://Example.ORG:443/fr/i/token?x=1") == "https://example.org"
    assert origin_of("http://example.org:80/") == "http://example.org"


def test_origin_keeps_other_ports_and_ipv6_brackets():
    assert origin_of("https://127.0.0.1:8443/en/") == "https://127.0.0.1:8443"
    assert origin_of("http://[::1]:8000/") == "http://[::1]:8000"


def test_origin_of_something_that_is_not_a_url_is_empty():
    assert origin_of("") == ""
    assert origin_of("null") == ""
    assert origin_of("https://example.org:99999/") == ""
