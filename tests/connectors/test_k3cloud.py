"""The K3 Cloud WebAPI client against the test K3 (tests/fixtures/k3server.py), which checks the
signed-header login, and the signature against a vector made with Kingdee's own SDK."""
from __future__ import annotations

import pytest

from connectors.errors import ConfigError, TransientError
from connectors.k3cloud import K3Client, K3Error, filter_equals, gateway_credentials, signed_headers
from connectors.settings import K3CloudSettings
from tests.fixtures.k3server import APP_SECRET, GATEWAY_SECRET, K3Stand

ORDER = {"FBillTypeID": {"FNUMBER": "XSDD01_SYS"}, "FDate": "2026-12-01", "FSaleOrgId": {"FNumber": "100"},
         "FCustId": {"FNumber": "C0001"}, "FNote": "PO-1",
         "FSaleOrderEntry": [{"FMaterialId": {"FNumber": "1.01.0001"}, "FQty": "10"}]}


def client_for(stand: K3Stand, **overrides) -> K3Client:
    values = stand.settings(**overrides)
    values.pop("app_secret_env")
    return K3Client(K3CloudSettings(**values), app_secret=APP_SECRET)


def test_signed_headers_match_kingdees_sdk():
    """Given the identity and clock the SDK was run with, our headers are the SDK's, byte for byte
    (vector produced by kingdee-cdp-webapi-sdk 8.2.0's WebApiClient.BuildHeader)."""
    settings = K3CloudSettings(server_url="https://erp.example.com/k3cloud/", acct_id="64f1a2b3c4d5e6",
                               user_name="orderdesk", app_id="224466_Xk8pQ2mN7vR4tY1wZ9aB3cD5eF6gH0jK",
                               org_num=100)
    url = "https://erp.example.com/k3cloud/Kingdee.BOS.WebApi.ServicesStub.DynamicFormService.Save.common.kdsvc"
    headers = signed_headers(settings, "0123456789abcdef0123456789abcdef", url, timestamp=1765000000,
                             nonce="1765000000")
    assert headers["X-Api-ClientID"] == "224466"
    assert headers["X-Api-Signature"] == ("YjE4NDdmNWNhZjc1NTczOTM4NTRhZjE1ZDAxNWQxYWEwYTA0MDZkNjgxMWE0YjRiMWY1"
                                          "ODNiYjZmMGFjMGIxYw==")
    assert headers["X-Kd-Appdata"] == "NjRmMWEyYjNjNGQ1ZTYsb3JkZXJkZXNrLDIwNTIsMTAw"
    assert headers["X-Kd-Signature"] == ("OWExM2EwMjY3MTM3OTE1OTJhMmI0ODFiZWU4MmE5OGY5N2M1ZWUxN2Q4YmVjMTMzYjk5"
                                         "ZDJkZWUwOWI4NjJiYQ==")


def test_the_app_id_hides_the_gateway_secret(k3server):
    client_id, secret = gateway_credentials(k3server.settings()["app_id"])
    assert (client_id, secret) == ("224466", GATEWAY_SECRET)
    assert gateway_credentials("no-underscore") == ("", "")


def test_save_signs_in_once_and_keeps_the_session(k3server):
    client = client_for(k3server)
    first = client.save("SAL_SaleOrder", ORDER)
    second = client.save("SAL_SaleOrder", {**ORDER, "FNote": "PO-2"})
    assert (first.number, second.number) == ("XSDD000001", "XSDD000002")
    assert k3server.logins == 1 and client.logins == 1
    assert k3server.orders()[0]["FDocumentStatus"] == "A"   # saved, not submitted


def test_auto_submit_and_audit_is_a_setting(k3server):
    client_for(k3server, auto_submit_audit=True).save("SAL_SaleOrder", ORDER)
    assert k3server.orders()[0]["FDocumentStatus"] == "C"


def test_a_wrong_app_secret_is_refused_by_the_server(k3server):
    values = k3server.settings()
    values.pop("app_secret_env")
    client = K3Client(K3CloudSettings(**values), app_secret="not-the-secret")
    with pytest.raises(K3Error, match="签名验证失败"):
        client.save("SAL_SaleOrder", ORDER)
    assert k3server.refused == 1 and k3server.orders() == []


def test_an_expired_session_signs_in_again(k3server):
    client = client_for(k3server)
    client.save("SAL_SaleOrder", ORDER)
    k3server.expire_sessions()
    saved = client.save("SAL_SaleOrder", {**ORDER, "FNote": "PO-2"})
    assert saved.number == "XSDD000002"
    assert k3server.logins == 2 and len(k3server.orders()) == 2


def test_query_pages_through_a_large_form(k3server):
    k3server.put_forms({"BD_MATERIAL": [{"FNumber": f"M{i:05d}", "FName": f"n{i}"} for i in range(5001)]})
    pages: list[int] = []
    rows = list(client_for(k3server, page_size=1000).query("BD_MATERIAL", ["FNumber", "FName"],
                                                          on_page=pages.append))
    assert len(rows) == 5001 and rows[0] == ["M00000", "n0"] and rows[-1] == ["M05000", "n5000"]
    assert pages == [1000] * 5 + [1]


def test_query_filters_and_quotes_values(k3server):
    k3server.put_forms({"SAL_SaleOrder": [{"FBillNo": "X1", "FNote": "O'Brien PO", "FCustId.FNumber": "C1"},
                                          {"FBillNo": "X2", "FNote": "O'Brien PO", "FCustId.FNumber": "C2"}]})
    where = filter_equals([("FNote", "O'Brien PO"), ("FCustId.FNumber", "C2")])
    assert list(client_for(k3server).query("SAL_SaleOrder", ["FBillNo"], filter=where)) == [["X2"]]


def test_a_query_survives_a_500_and_a_call_limit(k3server):
    k3server.put_forms({"BD_MATERIAL": [{"FNumber": "M1"}]})
    k3server.fail("http500", operation="ExecuteBillQuery")
    k3server.fail("busy", operation="ExecuteBillQuery")
    assert list(client_for(k3server).query("BD_MATERIAL", ["FNumber"])) == [["M1"]]


def test_errors_are_transient_or_permanent(k3server):
    client = client_for(k3server, timeout_seconds=0.5)
    k3server.fail("http500", operation="Save")
    with pytest.raises(TransientError, match="HTTP 500"):
        client.save("SAL_SaleOrder", ORDER)
    k3server.fail("slow", operation="Save", seconds=1.5)
    with pytest.raises(TransientError, match="did not answer"):
        client.save("SAL_SaleOrder", ORDER)
    k3server.fail("validation", operation="Save", message="物料“1.01.0001”已禁用")
    with pytest.raises(K3Error, match="物料“1.01.0001”已禁用 \\(FCustId\\)"):
        client.save("SAL_SaleOrder", ORDER)
    k3server.put_forms({"BD_MATERIAL": [{"FNumber": "M1"}]})
    with pytest.raises(K3Error, match="字段 FNope 不存在"):
        list(client.query("BD_MATERIAL", ["FNope"]))


def test_an_unreachable_server_is_transient():
    settings = K3CloudSettings(server_url="http://127.0.0.1:9/k3cloud/", acct_id="a", user_name="u",
                               app_id="224466_" + "A" * 32, timeout_seconds=2)
    with pytest.raises(TransientError, match="cannot reach"):
        K3Client(settings, app_secret="s").save("SAL_SaleOrder", ORDER)


def test_missing_credentials_are_a_config_error():
    with pytest.raises(ConfigError, match="app secret"):
        K3Client(K3CloudSettings(server_url="https://k3.example.com/k3cloud/", app_id="1_" + "A" * 32),
                 app_secret="")
    with pytest.raises(ConfigError, match="ca_file"):
        K3Client(K3CloudSettings(server_url="https://k3.example.com/k3cloud/", app_id="1_" + "A" * 32,
                                 ca_file="/nonexistent/ca.pem"), app_secret="s")


def test_tls_is_verified_and_an_in_house_ca_file_is_trusted(smtp_cert_dir, monkeypatch):
    """Given the test K3 over TLS with a certificate no system authority signed: refused at once
    (a permanent error naming ca_file), and trusted once ca_file names its PEM."""
    stand = K3Stand().start(cert_dir=smtp_cert_dir)
    try:
        assert stand.url.startswith("https://")
        with pytest.raises(K3Error, match="not trusted.*ca_file"):
            client_for(stand).save("SAL_SaleOrder", ORDER)
        saved = client_for(stand, ca_file=str(smtp_cert_dir / "cert.pem")).save("SAL_SaleOrder", ORDER)
        assert saved.number == "XSDD000001"
    finally:
        stand.stop()
