"""Russian Post tracking through its single-item SOAP 1.2 service (`getOperationHistory`).

    POST {url}    Content-Type: application/soap+xml; charset=utf-8
    <soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"> <soap:Body>
      <oper:getOperationHistory>                                  (oper: .../operationhistory)
        <data:OperationHistoryRequest>                            (data: .../operationhistory/data)
          <data:Barcode>RA123456789RU</data:Barcode> <data:MessageType>0</data:MessageType>
          <data:Language>RUS</data:Language>
        </data:OperationHistoryRequest>
        <data:AuthorizationHeader soapenv:mustUnderstand="1">     (soapenv: the SOAP 1.1 namespace)
          <data:login>…</data:login> <data:password>…</data:password>
        </data:AuthorizationHeader>
      </oper:getOperationHistory> </soap:Body> </soap:Envelope>

The answer's `getOperationHistoryResponse/OperationHistoryData` holds one `historyRecord` per
operation (oldest first): `OperationParameters/OperType/{Id,Name}`, `OperAttr/{Id,Name}`,
`OperDate`, `AddressParameters/OperationAddress/{Index,Description}`. No records: no news.
A SOAP Fault with an `AuthorizationFault` detail is refused credentials (`CarrierRefused`); any
other fault, a non-200 answer or XML that is not this shape is `CarrierUnavailable`.

The status is read from the newest operation whose type we know (`shipment_status`).
"""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime

import requests

from .base import CarrierRefused, CarrierUnavailable, TrackingReport, note

log = logging.getLogger(__name__)

CARRIER = "russian_post"

SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"  # only for the mustUnderstand attribute
OPER = "http://russianpost.org/operationhistory"
DATA = "http://russianpost.org/operationhistory/data"
CONTENT_TYPE = "application/soap+xml; charset=utf-8"

CREATED, IN_TRANSIT, DELIVERED, RETURNED, LOST = (
    "created", "in_transit", "delivered", "returned", "lost"
)

# Operation types (OperType/Id) in our words; None: the operation says nothing about the parcel's
# whereabouts. Types not listed are unknown to us: logged and passed over.
OPERATION_TYPES: dict[int, str | None] = {
    1: IN_TRANSIT,  # Приём: the post office took the parcel in
    2: DELIVERED,  # Вручение: handed over (to the sender for some attributes, see RETURNING)
    3: IN_TRANSIT,  # Возврат: sent back; "returned" only once handed to the sender
    4: IN_TRANSIT,  # Досылка почты: forwarded
    5: IN_TRANSIT,  # Невручение: not handed over (lost or seized for some attributes, see LOSING)
    6: IN_TRANSIT,  # Хранение: kept at the office for the buyer
    7: IN_TRANSIT,  # Временное хранение: temporary storage (undeliverable, unclaimed)
    8: IN_TRANSIT,  # Обработка: sorting, arrived at/left a centre, arrived at the buyer's office
    9: IN_TRANSIT,  # Импорт международной почты
    10: IN_TRANSIT,  # Экспорт международной почты
    11: IN_TRANSIT,  # Приём на таможню
    12: IN_TRANSIT,  # Неудачная попытка вручения: a failed delivery attempt (lost: see LOSING)
    13: IN_TRANSIT,  # Регистрация отправки
    14: IN_TRANSIT,  # Таможенное оформление
    15: IN_TRANSIT,  # Передача на временное хранение
    16: LOST,  # Уничтожение: destroyed
    17: LOST,  # Оформление в собственность: unclaimed contents taken onto the post's books
    18: LOST,  # Регистрация утраты: registered as lost
    19: IN_TRANSIT,  # Таможенные платежи поступили
    20: None,  # Регистрация (direct mail)
    21: IN_TRANSIT,  # Доставка: brought to the address or a parcel locker
    22: IN_TRANSIT,  # Недоставка: a delivery to the address failed
    23: IN_TRANSIT,  # Поступление на временное хранение
    24: IN_TRANSIT,  # Продление срока выпуска таможней
    25: IN_TRANSIT,  # Вскрытие: opened (customs, damage)
    26: None,  # Отмена: the registration was cancelled
    27: CREATED,  # Получена электронная регистрация: announced by the sender, not handed over
    28: CREATED,  # Присвоение идентификатора: a number was assigned, not handed over
    29: IN_TRANSIT,  # Регистрация прохождения в ММПО
    30: IN_TRANSIT,  # Отправка SRM
    31: IN_TRANSIT,  # Обработка перевозчиком
    32: IN_TRANSIT,  # Поступление АПО
    33: IN_TRANSIT,  # Международная обработка
    34: None,  # Электронное уведомление загружено: about the notice of delivery, not the parcel
    35: IN_TRANSIT,  # Отказ в курьерской доставке: left for collection at the office instead
}

# Вручение (2) to the sender rather than the buyer: the parcel came back.
RETURNING = {2: frozenset({2, 4, 7, 9})}  # to the sender; via locker; by postman; by courier
# Attributes that mean the parcel is gone.
LOSING = {
    5: frozenset({1, 2}),  # Невручение: Утрачено (lost), Изъято (seized)
    12: frozenset({28}),  # Неудачная попытка вручения: Утрата (lost)
}


def shipment_status(oper_type: int, oper_attr: int | None = None) -> str | None:
    """Our word for an operation (type and attribute); None when unknown or saying nothing."""
    if oper_attr is not None:
        if oper_attr in RETURNING.get(oper_type, ()):
            return RETURNED
        if oper_attr in LOSING.get(oper_type, ()):
            return LOST
    return OPERATION_TYPES.get(oper_type)


@dataclass(frozen=True, slots=True)
class Operation:
    """One `historyRecord`, as much of it as tracking needs."""

    type_id: int
    type_name: str | None
    attr_id: int | None
    attr_name: str | None
    at: datetime | None
    place: str | None

    @property
    def note(self) -> str | None:
        what = ": ".join(part for part in (self.type_name, self.attr_name) if part)
        return note(what, self.place)


# -- the request ------------------------------------------------------------------------------------
def envelope(barcode: str, login: str, password: str, language: str = "RUS") -> bytes:
    """The SOAP 1.2 request of `getOperationHistory` for one tracking number."""
    root = ET.Element(f"{{{SOAP12}}}Envelope")
    ET.SubElement(root, f"{{{SOAP12}}}Header")
    call = ET.SubElement(ET.SubElement(root, f"{{{SOAP12}}}Body"), f"{{{OPER}}}getOperationHistory")
    request = ET.SubElement(call, f"{{{DATA}}}OperationHistoryRequest")
    ET.SubElement(request, f"{{{DATA}}}Barcode").text = barcode
    ET.SubElement(request, f"{{{DATA}}}MessageType").text = "0"  # the parcel's own operations
    ET.SubElement(request, f"{{{DATA}}}Language").text = language
    auth = ET.SubElement(call, f"{{{DATA}}}AuthorizationHeader", {f"{{{SOAP11}}}mustUnderstand": "1"})
    ET.SubElement(auth, f"{{{DATA}}}login").text = login
    ET.SubElement(auth, f"{{{DATA}}}password").text = password
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


# -- the answer -------------------------------------------------------------------------------------
def operations(answer: bytes) -> list[Operation]:
    """The operations of a `getOperationHistory` answer, oldest first.

    Raises CarrierRefused for an authorization fault, CarrierUnavailable for any other fault or an
    answer that is not a SOAP 1.2 envelope with a `getOperationHistoryResponse`.
    """
    try:
        root = ET.fromstring(answer)
    except ET.ParseError as exc:
        raise CarrierUnavailable(f"Russian Post: the answer is not XML ({exc})") from exc
    body = root.find(f"{{{SOAP12}}}Body") if root.tag == f"{{{SOAP12}}}Envelope" else None
    if body is None:
        raise CarrierUnavailable("Russian Post: the answer is not a SOAP 1.2 envelope")
    fault = body.find(f"{{{SOAP12}}}Fault")
    if fault is not None:
        raise _fault(fault)
    response = body.find(f"{{{OPER}}}getOperationHistoryResponse")
    if response is None:
        raise CarrierUnavailable("Russian Post: no getOperationHistoryResponse in the answer")
    records = response.iterfind(f"{{{DATA}}}OperationHistoryData/{{{DATA}}}historyRecord")
    found = [_operation(record) for record in records]
    return [operation for operation in found if operation is not None]


def latest_report(number: str, history: list[Operation]) -> TrackingReport | None:
    """The newest operation (by OperDate; the carrier's order for equal times) that we can read."""
    # The carrier lists oldest first: reversed, a stable sort keeps the later of equal times first.
    newest_first = sorted(reversed(history), key=lambda op: op.at or datetime.min, reverse=True)
    for operation in newest_first:
        ours = shipment_status(operation.type_id, operation.attr_id)
        if ours is not None:
            return TrackingReport(number, ours, operation.note)
        if operation.type_id not in OPERATION_TYPES:
            log.warning(
                "Russian Post item %s has an operation type we do not know: %s/%s (%s)",
                number, operation.type_id, operation.attr_id, operation.type_name,
            )
    return None


def _operation(record: ET.Element) -> Operation | None:
    parameters = record.find(f"{{{DATA}}}OperationParameters")
    if parameters is None:
        return None
    type_id = _int(parameters.findtext(f"{{{DATA}}}OperType/{{{DATA}}}Id"))
    if type_id is None:
        return None
    return Operation(
        type_id=type_id,
        type_name=_text(parameters.findtext(f"{{{DATA}}}OperType/{{{DATA}}}Name")),
        attr_id=_int(parameters.findtext(f"{{{DATA}}}OperAttr/{{{DATA}}}Id")),
        attr_name=_text(parameters.findtext(f"{{{DATA}}}OperAttr/{{{DATA}}}Name")),
        at=_moment(parameters.findtext(f"{{{DATA}}}OperDate")),
        place=_text(record.findtext(
            f"{{{DATA}}}AddressParameters/{{{DATA}}}OperationAddress/{{{DATA}}}Description"
        )),
    )


def _fault(fault: ET.Element) -> CarrierUnavailable:
    code = _text(fault.findtext(f"{{{SOAP12}}}Code/{{{SOAP12}}}Value")) or "?"
    reason = _text(fault.findtext(f"{{{SOAP12}}}Reason/{{{SOAP12}}}Text")) or ""
    detail = fault.find(f"{{{SOAP12}}}Detail")
    kinds = [child.tag.rsplit("}", 1)[-1] for child in detail] if detail is not None else []
    message = f"Russian Post answered a SOAP fault {code} {'/'.join(kinds)}: {reason}".strip()
    if "AuthorizationFault" in kinds:
        return CarrierRefused(message)
    return CarrierUnavailable(message)


def _text(value: str | None) -> str | None:
    return (value.strip() or None) if value is not None else None


def _int(value: str | None) -> int | None:
    try:
        return int(value.strip()) if value is not None else None
    except ValueError:
        return None


def _moment(value: str | None) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value.strip()) if value else None
    except ValueError:
        return None
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.replace(tzinfo=None) - moment.utcoffset()


class RussianPostTracking:
    """One Russian Post tracking account and `fetch(number)`."""

    CARRIER = CARRIER

    def __init__(self, url: str, login: str, password: str, timeout: float, *,
                 language: str = "RUS"):
        self.url = url
        self._login = login
        self._password = password
        self.timeout = timeout
        self.language = language
        self._http = requests.Session()

    def __repr__(self) -> str:
        return f"RussianPostTracking({self.url!r}, login={self._login!r})"

    def fetch(self, number: str) -> TrackingReport | None:
        """Russian Post's latest news on the item with this barcode (see the module's rules)."""
        request = envelope(number, self._login, self._password, self.language)
        try:
            response = self._http.post(
                self.url, data=request, timeout=self.timeout,
                headers={"Content-Type": CONTENT_TYPE, "Accept": "application/soap+xml"},
            )
        except requests.RequestException as exc:
            raise CarrierUnavailable(f"{self.url}: {exc}") from exc
        if response.status_code != 200 and "xml" not in response.headers.get("Content-Type", ""):
            raise CarrierUnavailable(f"{self.url}: HTTP {response.status_code}")
        history = operations(response.content)  # a fault comes with HTTP 500 (or 400)
        if response.status_code != 200:
            raise CarrierUnavailable(f"{self.url}: HTTP {response.status_code}")
        return latest_report(number, history)
