"""Aliyun and Tencent Cloud SMS against a local server that checks the signature itself.

The server side recomputes each signature from the published algorithm with its own code
(not the adapter's), so a signing bug in the adapter fails these tests.
"""

import base64
import hashlib
import hmac
import json
import socket
from datetime import UTC, datetime
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from django.utils import timezone

from anju.notify import delivery
from anju.notify.channels import DeliveryError, sms_backend
from anju.notify.channels.aliyun import AliyunSMS
from anju.notify.channels.tencent import TencentSMS
from anju.notify.models import Attempt, Message
from anju.notify.services import message_enqueue
from tests.notify.peers import LocalProvider

ALI_SECRET = "ali-secret-不要泄露"
TC_SECRET = "tc-secret-key"


# ----------------------------------------------------------------- Aliyun, server side

def aliyun_expected_signature(params: dict[str, str], secret: str) -> str:
    def pe(text: str) -> str:  # Aliyun's percentEncode: form-encode, then fix + * %7E
        return quote(text, safe="").replace("+", "%20").replace("*", "%2A").replace("%7E", "~")

    query = "&".join(pe(k) + "=" + pe(v) for k, v in sorted(params.items()) if k != "Signature")
    to_sign = "GET&" + pe("/") + "&" + pe(query)
    return base64.b64encode(hmac.new((secret + "&").encode(), to_sign.encode(),
                                     hashlib.sha1).digest()).decode()


def aliyun_server(code_for_number):
    def provider(method, path, headers, body):
        params = dict(parse_qsl(urlsplit(path).query, keep_blank_values=True))
        if params.get("Signature") != aliyun_expected_signature(params, ALI_SECRET):
            return 400, {"Code": "SignatureDoesNotMatch", "Message": "bad signature"}
        assert params["Action"] == "SendSms" and params["Version"] == "2017-05-25"
        assert params["SignatureMethod"] == "HMAC-SHA1" and params["SignatureVersion"] == "1.0"
        assert json.loads(params["TemplateParam"]) == {"content": "您的投诉已受理 * ~ +"}
        code = code_for_number(params["PhoneNumbers"])
        if isinstance(code, int):
            return code, b"upstream broken"
        return 200, {"Code": code, "Message": code, "RequestId": "r1", "BizId": "b1"}

    return provider


def aliyun(url, secret=ALI_SECRET):
    return AliyunSMS({"endpoint": url, "access_key_id": "LTAIkey", "access_key_secret": secret,
                      "sign_name": "安居物业", "template_code": "SMS_1", "region": "cn-hangzhou"})


def test_aliyun_signs_the_request_and_maps_the_answers():
    codes = {"13800001111": "OK", "13800002222": "isv.MOBILE_NUMBER_ILLEGAL",
             "13800003333": "isv.BUSINESS_LIMIT_CONTROL", "13800004444": 503}
    with LocalProvider(aliyun_server(codes.__getitem__)) as server:
        adapter = aliyun(server.url)
        adapter.send(recipient="13800001111", subject="", body="您的投诉已受理 * ~ +")
        with pytest.raises(DeliveryError) as illegal:
            adapter.send(recipient="13800002222", subject="", body="您的投诉已受理 * ~ +")
        assert illegal.value.permanent and "MOBILE_NUMBER_ILLEGAL" in str(illegal.value)
        with pytest.raises(DeliveryError) as limited:
            adapter.send(recipient="13800003333", subject="", body="您的投诉已受理 * ~ +")
        assert not limited.value.permanent
        with pytest.raises(DeliveryError) as down:
            adapter.send(recipient="13800004444", subject="", body="您的投诉已受理 * ~ +")
        assert not down.value.permanent
    assert len(server.requests) == 4 and ALI_SECRET not in str(server.requests)


def test_aliyun_with_a_wrong_secret_is_refused_permanently():
    with LocalProvider(aliyun_server(lambda n: "OK")) as server, pytest.raises(DeliveryError) as refused:
        aliyun(server.url, secret="wrong").send(recipient="13800001111", subject="",
                                                body="您的投诉已受理 * ~ +")
    assert refused.value.permanent and "SignatureDoesNotMatch" in str(refused.value)


def test_aliyun_request_matches_the_published_example_format():
    params = aliyun("http://x/").request_params(
        recipient="13800001111", body="hi", now=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        nonce="n1")
    assert params["Timestamp"] == "2026-01-02T03:04:05Z"
    assert params["Signature"] == aliyun_expected_signature(params, ALI_SECRET)


# ---------------------------------------------------------------- Tencent, server side

def tencent_expected_authorization(headers, body, secret_id, secret_key):
    timestamp = int(headers["x-tc-timestamp"])
    date = datetime.fromtimestamp(timestamp, UTC).date().isoformat()
    canonical_request = (
        "POST\n/\n\n"
        f"content-type:{headers['content-type']}\nhost:{headers['host']}\n\n"
        "content-type;host\n" + hashlib.sha256(body).hexdigest())
    scope = date + "/sms/tc3_request"
    string_to_sign = ("TC3-HMAC-SHA256\n" + str(timestamp) + "\n" + scope + "\n"
                      + hashlib.sha256(canonical_request.encode()).hexdigest())

    def h(key, msg):
        return hmac.new(key, msg.encode(), hashlib.sha256).digest()

    signing_key = h(h(h(("TC3" + secret_key).encode(), date), "sms"), "tc3_request")
    signature = hmac.new(signing_key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    return (f"TC3-HMAC-SHA256 Credential={secret_id}/{scope}, "
            f"SignedHeaders=content-type;host, Signature={signature}")


def tencent_server(code_for_number):
    def provider(method, path, headers, body):
        assert method == "POST" and headers["x-tc-action"] == "SendSms"
        assert headers["x-tc-version"] == "2021-01-11"
        if headers.get("authorization") != tencent_expected_authorization(
                headers, body, "AKIDtc", TC_SECRET):
            return 200, {"Response": {"Error": {"Code": "AuthFailure.SignatureFailure",
                                                "Message": "bad"}, "RequestId": "r"}}
        request = json.loads(body)
        assert request["SmsSdkAppId"] == "1400000001" and request["TemplateParamSet"] == ["您好"]
        number = request["PhoneNumberSet"][0]
        code = code_for_number(number)
        if code.startswith("Error:"):
            return 200, {"Response": {"Error": {"Code": code[6:], "Message": code},
                                      "RequestId": "r"}}
        return 200, {"Response": {"SendStatusSet": [
            {"SerialNo": "s", "PhoneNumber": number, "Code": code, "Message": code}],
            "RequestId": "r"}}

    return provider


def tencent(url, secret=TC_SECRET):
    return TencentSMS({"endpoint": url, "secret_id": "AKIDtc", "secret_key": secret,
                       "sdk_app_id": "1400000001", "sign_name": "安居物业", "template_id": "100",
                       "region": "ap-guangzhou"})


def test_tencent_signs_tc3_and_maps_the_answers():
    codes = {"+8613800001111": "Ok",
             "+8613800002222": "InvalidParameterValue.IncorrectPhoneNumber",
             "+8613800003333": "LimitExceeded.PhoneNumberThirtySecondLimit",
             "+8613800004444": "Error:InternalError.Timeout"}
    with LocalProvider(tencent_server(codes.__getitem__)) as server:
        adapter = tencent(server.url)
        adapter.send(recipient="13800001111", subject="", body="您好")
        outcomes = []
        for number in ("13800002222", "13800003333", "13800004444"):
            with pytest.raises(DeliveryError) as err:
                adapter.send(recipient=number, subject="", body="您好")
            outcomes.append(err.value.permanent)
    assert outcomes == [True, False, False]


def test_tencent_with_a_wrong_key_is_refused_permanently():
    with LocalProvider(tencent_server(lambda n: "Ok")) as server, pytest.raises(DeliveryError) as refused:
        tencent(server.url, secret="wrong").send(recipient="13800001111", subject="",
                                                 body="您好")
    assert refused.value.permanent and "SignatureFailure" in str(refused.value)


def test_an_unreachable_provider_is_a_retryable_error():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(DeliveryError) as down:
        tencent(f"http://127.0.0.1:{port}/").send(recipient="13800001111", subject="", body="x")
    assert not down.value.permanent


# ------------------------------------------------------------ through the outbox worker

@pytest.fixture
def aliyun_configured(settings):
    def configure(url):
        settings.ANJU_SMS_BACKEND = "anju.notify.channels.aliyun.AliyunSMS"
        settings.ANJU_ALIYUN_SMS = {"endpoint": url, "access_key_id": "LTAIkey",
                                    "access_key_secret": ALI_SECRET, "sign_name": "安居物业",
                                    "template_code": "SMS_1", "region": "cn-hangzhou"}
        sms_backend.cache_clear()

    yield configure
    sms_backend.cache_clear()


@pytest.mark.django_db
def test_provider_down_then_up_is_retried_and_delivered_with_an_attempt_log(aliyun_configured):
    answers = iter([503, "isv.BUSINESS_LIMIT_CONTROL", "OK"])
    with LocalProvider(aliyun_server(lambda n: next(answers))) as server:
        aliyun_configured(server.url)
        message = message_enqueue(channel="sms", recipient="13800001111", kind="test",
                                  body="您的投诉已受理 * ~ +")
        now = timezone.now()
        delivery.deliver_due(now=now)
        message.refresh_from_db()
        delivery.deliver_due(now=message.next_attempt_at)
        message.refresh_from_db()
        assert message.state == Message.State.PENDING and message.attempts == 2
        assert delivery.deliver_due(now=message.next_attempt_at) == 1
    message.refresh_from_db()
    assert message.state == Message.State.SENT
    log = list(Attempt.objects.filter(message=message).values_list("number", "ok"))
    assert log == [(1, False), (2, False), (3, True)]


@pytest.mark.django_db
def test_a_permanent_provider_error_fails_at_once_and_is_logged(aliyun_configured):
    with LocalProvider(aliyun_server(lambda n: "isv.MOBILE_NUMBER_ILLEGAL")) as server:
        aliyun_configured(server.url)
        message = message_enqueue(channel="sms", recipient="13800001111", kind="test",
                                  body="您的投诉已受理 * ~ +")
        delivery.deliver_due(now=timezone.now())
    message.refresh_from_db()
    assert message.state == Message.State.FAILED and message.attempts == 1
    assert "MOBILE_NUMBER_ILLEGAL" in message.last_error
    assert Attempt.objects.get(message=message).permanent
