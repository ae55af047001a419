"""Russian Post's single-item tracking service (SOAP 1.2, `getOperationHistory`) for tests,
checking requests the way the service does.

    POST /rtm34   Content-Type: application/soap+xml (else 415)
      a well-formed SOAP 1.2 envelope whose Body holds oper:getOperationHistory with
      data:OperationHistoryRequest {Barcode, MessageType 0|1, Language RUS|ENG} and
      data:AuthorizationHeader {login, password} carrying soapenv:mustUnderstand="1"
      → 200 getOperationHistoryResponse/OperationHistoryData with one historyRecord per operation
        (none for a barcode it has not been told about)
      → 500 SOAP Fault: env:Sender with an AuthorizationFault detail for a wrong login or password
        (or a missing header), env:Sender for a malformed envelope, env:VersionMismatch for SOAP 1.1,
        env:Sender with a LanguageFault for a language other than RUS/ENG

    post = FakeRussianPost().start()
    env = {"SHIPPING_RUSSIAN_POST_URL": post.url, "SHIPPING_RUSSIAN_POST_LOGIN": post.login,
           "SHIPPING_RUSSIAN_POST_PASSWORD": post.password}
    post.add_operation("RA123456789RU", 8, 2, "Обработка", "Прибыло в место вручения", "Москва 555")
    post.fail("RA123456789RU", 500)   # the service's internal error (env:Receiver) for it
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from xml.sax.saxutils import escape

from .fake_carrier import Answer, FakeCarrierServer, Request

SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
OPER = "http://russianpost.org/operationhistory"
DATA = "http://russianpost.org/operationhistory/data"
SOAP_XML = "application/soap+xml; charset=utf-8"

RESPONSE = """<?xml version="1.0" encoding="UTF-8"?>
<S:Envelope xmlns:S="{soap}"><S:Body>
<ns7:getOperationHistoryResponse xmlns:ns3="{data}" xmlns:ns7="{oper}">
<ns3:OperationHistoryData>{records}</ns3:OperationHistoryData>
</ns7:getOperationHistoryResponse>
</S:Body></S:Envelope>"""

RECORD = """
<ns3:historyRecord>
  <ns3:AddressParameters><ns3:OperationAddress><ns3:Index>{index}</ns3:Index>
    <ns3:Description>{place}</ns3:Description></ns3:OperationAddress></ns3:AddressParameters>
  <ns3:ItemParameters><ns3:Barcode>{barcode}</ns3:Barcode></ns3:ItemParameters>
  <ns3:OperationParameters>
    <ns3:OperType><ns3:Id>{type_id}</ns3:Id><ns3:Name>{type_name}</ns3:Name></ns3:OperType>
    <ns3:OperAttr><ns3:Id>{attr_id}</ns3:Id><ns3:Name>{attr_name}</ns3:Name></ns3:OperAttr>
    <ns3:OperDate>{at}</ns3:OperDate>
  </ns3:OperationParameters>
</ns3:historyRecord>"""

FAULT = """<?xml version="1.0" encoding="UTF-8"?>
<S:Envelope xmlns:S="{soap}"><S:Body><S:Fault>
<S:Code><S:Value>S:{code}</S:Value></S:Code>
<S:Reason><S:Text xml:lang="ru">{reason}</S:Text></S:Reason>{detail}
</S:Fault></S:Body></S:Envelope>"""

DETAIL = """
<S:Detail><ns3:{kind} xmlns:ns3="{data}">{reason}</ns3:{kind}></S:Detail>"""


class SoapFault(Exception):
    def __init__(self, code: str, reason: str, kind: str | None = None):
        super().__init__(reason)
        self.code, self.reason, self.kind = code, reason, kind

    def answer(self) -> Answer:
        detail = DETAIL.format(kind=self.kind, data=DATA, reason=escape(self.reason)) if self.kind else ""
        body = FAULT.format(soap=SOAP12, code=self.code, reason=escape(self.reason), detail=detail)
        return Answer(500, SOAP_XML, body.encode())


def _rp_time(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="milliseconds")


class FakeRussianPost(FakeCarrierServer):
    PATH = "/rtm34"

    def __init__(self, login: str = "atelier-test-login", password: str = "atelier test password"):
        super().__init__()
        self.login = login
        self.password = password
        self._history: dict[str, list[dict]] = {}

    # -- what a test controls ---------------------------------------------------------------------
    def add_operation(self, barcode: str, type_id: int, attr_id: int = 0, type_name: str = "",
                      attr_name: str = "", place: str = "", index: str = "101000",
                      at: datetime | None = None) -> None:
        """A new operation on the item with this barcode (the newest so far unless `at` says not)."""
        with self._lock:
            self._history.setdefault(barcode, []).append({
                "type_id": type_id, "attr_id": attr_id,
                "type_name": type_name or f"Операция {type_id}",
                "attr_name": attr_name or f"Атрибут {attr_id}",
                "place": place, "index": index, "at": _rp_time(at or datetime.now(UTC)),
            })

    # -- the protocol -----------------------------------------------------------------------------
    def handle(self, request: Request) -> Answer:
        if request.path != self.PATH or request.method != "POST":
            return Answer(404, "text/plain", b"not found")
        media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type != "application/soap+xml":
            with self._lock:
                self._refuse(f"content type {media_type!r}")
            return Answer(415, "text/plain",
                          b"Unsupported Content-Type; supported: [application/soap+xml]")
        with self._lock:
            try:
                barcode = self._check(request.body)
            except SoapFault as fault:
                self._refuse(fault.reason)
                return fault.answer()
            failure = self._count(barcode)
            if failure is not None:
                if failure == 500:
                    return SoapFault("Receiver", "Внутренняя ошибка сервиса").answer()
                return Answer(failure, "text/plain", b"service unavailable")
            records = "".join(
                RECORD.format(barcode=escape(barcode),
                              **{key: escape(str(value)) for key, value in operation.items()})
                for operation in self._history.get(barcode, [])
            )
        body = RESPONSE.format(soap=SOAP12, data=DATA, oper=OPER, records=records)
        return Answer(200, SOAP_XML, body.encode())

    def _check(self, payload: bytes) -> str:
        """The barcode asked about; raises SoapFault for anything the service would refuse."""
        try:
            root = ET.fromstring(payload)
        except ET.ParseError as exc:
            raise SoapFault("Sender", f"Malformed XML: {exc}") from None
        if root.tag == f"{{{SOAP11}}}Envelope":
            raise SoapFault("VersionMismatch", "SOAP 1.1 envelope; this service speaks SOAP 1.2")
        if root.tag != f"{{{SOAP12}}}Envelope":
            raise SoapFault("Sender", f"Not a SOAP envelope: {root.tag}")
        body = root.find(f"{{{SOAP12}}}Body")
        call = body[0] if body is not None and len(body) else None
        if call is None or call.tag != f"{{{OPER}}}getOperationHistory":
            raise SoapFault("Sender", "Cannot find dispatch method for the request body")
        request = call.find(f"{{{DATA}}}OperationHistoryRequest")
        if request is None:
            raise SoapFault("Sender", "No OperationHistoryRequest", "OperationHistoryFault")
        barcode = (request.findtext(f"{{{DATA}}}Barcode") or "").strip()
        message_type = (request.findtext(f"{{{DATA}}}MessageType") or "").strip()
        if not barcode or message_type not in ("0", "1"):
            raise SoapFault("Sender", "OperationHistoryRequest needs Barcode and MessageType 0 or 1",
                            "OperationHistoryFault")
        auth = call.find(f"{{{DATA}}}AuthorizationHeader")
        if auth is None or auth.get(f"{{{SOAP11}}}mustUnderstand") != "1":
            raise SoapFault("Sender", "Ошибка авторизации: нет AuthorizationHeader с mustUnderstand=1",
                            "AuthorizationFault")
        login = auth.findtext(f"{{{DATA}}}login") or ""
        password = auth.findtext(f"{{{DATA}}}password") or ""
        if (login, password) != (self.login, self.password):
            raise SoapFault("Sender", "Ошибка авторизации: неверный логин или пароль",
                            "AuthorizationFault")
        language = (request.findtext(f"{{{DATA}}}Language") or "RUS").strip()
        if language not in ("RUS", "ENG"):
            raise SoapFault("Sender", f"Язык {language} не поддерживается", "LanguageFault")
        return barcode
