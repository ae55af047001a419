"""The carriers' own status words in ours, and reading their answers (no network here)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from services.shipping.carriers import CarrierRefused, CarrierUnavailable, TrackingReport, cdek
from services.shipping.carriers import russian_post as rp
from services.shipping.domain import ShipmentStatus

OURS = {status.value for status in ShipmentStatus}


# -- CDEK -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "ours"),
    [
        ("ACCEPTED", "created"),
        ("CREATED", "created"),
        ("RECEIVED_AT_SHIPMENT_WAREHOUSE", "in_transit"),
        ("READY_TO_SHIP_AT_SENDING_OFFICE", "in_transit"),
        ("SENT_TO_TRANSIT_CITY", "in_transit"),
        ("ACCEPTED_AT_TRANSIT_WAREHOUSE", "in_transit"),
        ("ACCEPTED_AT_PICK_UP_POINT", "in_transit"),
        ("TAKEN_BY_COURIER", "in_transit"),
        ("POSTOMAT_POSTED", "in_transit"),
        ("DELIVERED", "delivered"),
        ("POSTOMAT_RECEIVED", "delivered"),
        ("NOT_DELIVERED", "returned"),
        ("delivered", "delivered"),  # case does not matter
    ],
)
def test_cdek_status_codes_in_our_words(code, ours):
    assert cdek.shipment_status(code) == ours


@pytest.mark.parametrize(
    "code",
    ["RETURNED_TO_SENDER_CITY_WAREHOUSE", "RETURNED_TO_TRANSIT_WAREHOUSE",
     "RETURNED_TO_RECIPIENT_CITY_WAREHOUSE"],
)
def test_a_cdek_warehouse_taking_a_parcel_in_again_is_not_a_return_to_the_seller(code):
    assert cdek.shipment_status(code) == "in_transit"


def test_cdek_codes_that_say_nothing_about_the_parcel_or_are_unknown_are_no_status():
    assert cdek.shipment_status("INVALID") is None
    assert cdek.shipment_status("REMOVED") is None
    assert cdek.shipment_status("TELEPORTED") is None


def test_every_cdek_code_maps_to_one_of_our_statuses_or_none():
    assert {ours for ours in cdek.STATUSES.values() if ours is not None} <= OURS


def _cdek_order(*statuses):
    return {"entity": {"cdek_number": "1234567890", "statuses": [
        {"code": code, "name": name, "date_time": at, "city": city}
        for code, name, at, city in statuses
    ]}}


def test_the_newest_cdek_status_is_the_report_with_its_name_and_city():
    order = _cdek_order(
        ("SENT_TO_TRANSIT_CITY", "Отправлен в г. транзит", "2026-05-02T09:00:00+0000", "Москва"),
        ("CREATED", "Создан", "2026-05-01T10:00:00+0000", None),
    )
    assert cdek.latest_report("1234567890", order) == TrackingReport(
        "1234567890", "in_transit", "Отправлен в г. транзит, Москва"
    )


def test_cdek_statuses_are_ordered_by_time_whatever_order_they_come_in():
    order = _cdek_order(
        ("CREATED", "Создан", "2026-05-01T10:00:00+0000", None),
        ("DELIVERED", "Вручен", "2026-05-03T12:00:00+0300", "Казань"),
        ("TAKEN_BY_COURIER", "Выдан на доставку", "2026-05-03T08:00:00+0000", "Казань"),
    )
    assert cdek.latest_report("1234567890", order).status == "delivered"


def test_a_newest_cdek_status_that_says_nothing_leaves_the_one_before():
    order = _cdek_order(
        ("INVALID", "Некорректный заказ", "2026-05-02T09:00:00+0000", None),
        ("ACCEPTED", "Принят", "2026-05-01T10:00:00+0000", None),
    )
    assert cdek.latest_report("1234567890", order).status == "created"
    assert cdek.latest_report("1234567890", _cdek_order()) is None


@pytest.mark.parametrize("answer", [{}, {"entity": {}}, {"entity": {"statuses": "none"}}, []])
def test_a_cdek_answer_without_statuses_is_unavailable(answer):
    with pytest.raises(CarrierUnavailable, match="entity.statuses"):
        cdek.latest_report("1234567890", answer)


# -- Russian Post ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("oper_type", "oper_attr", "ours"),
    [
        (28, None, "created"),  # Присвоение идентификатора
        (27, None, "created"),  # Получена электронная регистрация
        (1, 1, "in_transit"),  # Приём, единичный
        (8, 2, "in_transit"),  # Обработка, прибыло в место вручения
        (8, 3, "in_transit"),  # Обработка, прибыло в сортировочный центр
        (12, 1, "in_transit"),  # Неудачная попытка вручения, временное отсутствие адресата
        (3, 1, "in_transit"),  # Возврат, истёк срок хранения: on its way back, not back yet
        (2, 1, "delivered"),  # Вручение адресату
        (2, 3, "delivered"),  # Выдано адресату через почтомат
        (2, 8, "delivered"),  # Адресату курьером
        (2, 2, "returned"),  # Вручение отправителю
        (2, 4, "returned"),  # Выдано отправителю через почтомат
        (2, 7, "returned"),  # Отправителю почтальоном
        (2, 9, "returned"),  # Отправителю курьером
        (5, 1, "lost"),  # Невручение, утрачено
        (5, 2, "lost"),  # Невручение, изъято
        (5, 3, "in_transit"),  # Невручение, засылка (missent: it goes on)
        (12, 28, "lost"),  # Неудачная попытка вручения, утрата
        (16, None, "lost"),  # Уничтожение
        (18, None, "lost"),  # Регистрация утраты
    ],
)
def test_russian_post_operations_in_our_words(oper_type, oper_attr, ours):
    assert rp.shipment_status(oper_type, oper_attr) == ours


def test_russian_post_operations_that_say_nothing_or_are_unknown_are_no_status():
    assert rp.shipment_status(26, 1) is None  # Отмена
    assert rp.shipment_status(34) is None  # Электронное уведомление загружено
    assert rp.shipment_status(999, 1) is None


def test_every_russian_post_operation_maps_to_one_of_our_statuses_or_none():
    assert {ours for ours in rp.OPERATION_TYPES.values() if ours is not None} <= OURS


def test_the_envelope_is_getoperationhistory_in_soap_1_2_with_the_credentials():
    root = ET.fromstring(rp.envelope("RA123456789RU", "login & co", "pa<ss>"))
    assert root.tag == f"{{{rp.SOAP12}}}Envelope"
    call = root.find(f"{{{rp.SOAP12}}}Body/{{{rp.OPER}}}getOperationHistory")
    data = f"{{{rp.DATA}}}"
    request = call.find(f"{data}OperationHistoryRequest")
    assert [(child.tag.removeprefix(data), child.text) for child in request] == [
        ("Barcode", "RA123456789RU"), ("MessageType", "0"), ("Language", "RUS")
    ]
    auth = call.find(f"{data}AuthorizationHeader")
    assert auth.get(f"{{{rp.SOAP11}}}mustUnderstand") == "1"
    assert (auth.findtext(f"{data}login"), auth.findtext(f"{data}password")) == ("login & co", "pa<ss>")


def _answer(*records: str) -> bytes:
    return f"""<S:Envelope xmlns:S="{rp.SOAP12}"><S:Body>
      <ns7:getOperationHistoryResponse xmlns:ns3="{rp.DATA}" xmlns:ns7="{rp.OPER}">
        <ns3:OperationHistoryData>{"".join(records)}</ns3:OperationHistoryData>
      </ns7:getOperationHistoryResponse></S:Body></S:Envelope>""".encode()


def _record(type_id, type_name, attr_id, attr_name, at, place="Москва 555"):
    return f"""<ns3:historyRecord>
      <ns3:AddressParameters><ns3:OperationAddress><ns3:Index>111555</ns3:Index>
        <ns3:Description>{place}</ns3:Description></ns3:OperationAddress></ns3:AddressParameters>
      <ns3:OperationParameters>
        <ns3:OperType><ns3:Id>{type_id}</ns3:Id><ns3:Name>{type_name}</ns3:Name></ns3:OperType>
        <ns3:OperAttr><ns3:Id>{attr_id}</ns3:Id><ns3:Name>{attr_name}</ns3:Name></ns3:OperAttr>
        <ns3:OperDate>{at}</ns3:OperDate>
      </ns3:OperationParameters></ns3:historyRecord>"""


def test_the_newest_russian_post_operation_is_the_report_with_its_names_and_place():
    history = rp.operations(_answer(
        _record(1, "Прием", 1, "Единичный", "2026-05-01T10:00:00.000+03:00"),
        _record(8, "Обработка", 2, "Прибыло в место вручения", "2026-05-03T09:30:00.000+03:00",
                "Норильск Почтамт"),
    ))
    assert [(op.type_id, op.attr_id) for op in history] == [(1, 1), (8, 2)]
    assert rp.latest_report("RA123456789RU", history) == TrackingReport(
        "RA123456789RU", "in_transit", "Обработка: Прибыло в место вручения, Норильск Почтамт"
    )


def test_russian_post_operations_are_ordered_by_their_time_and_unknown_ones_passed_over():
    history = rp.operations(_answer(
        _record(2, "Вручение", 2, "Вручение отправителю", "2026-05-20T10:00:00.000+03:00"),
        _record(1, "Прием", 1, "Единичный", "2026-05-01T10:00:00.000+03:00"),
        _record(999, "Новая операция", 1, "", "2026-05-21T10:00:00.000+03:00"),
    ))
    assert rp.latest_report("RA123456789RU", history).status == "returned"


def test_an_item_without_operations_is_no_news():
    assert rp.latest_report("RA123456789RU", rp.operations(_answer())) is None


def _fault(code: str, kind: str | None) -> bytes:
    detail = f'<S:Detail><ns3:{kind} xmlns:ns3="{rp.DATA}">why</ns3:{kind}></S:Detail>' if kind else ""
    return f"""<S:Envelope xmlns:S="{rp.SOAP12}"><S:Body><S:Fault>
      <S:Code><S:Value>S:{code}</S:Value></S:Code>
      <S:Reason><S:Text xml:lang="ru">Ошибка</S:Text></S:Reason>{detail}
      </S:Fault></S:Body></S:Envelope>""".encode()


def test_an_authorization_fault_is_refused_credentials():
    with pytest.raises(CarrierRefused, match="AuthorizationFault"):
        rp.operations(_fault("Sender", "AuthorizationFault"))


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (_fault("Receiver", None), "SOAP fault S:Receiver"),
        (_fault("Sender", "OperationHistoryFault"), "OperationHistoryFault"),
        (b"<html>Bad gateway</html>", "not a SOAP 1.2 envelope"),
        (b"{not xml", "not XML"),
        (f'<S:Envelope xmlns:S="{rp.SOAP12}"><S:Body/></S:Envelope>'.encode(),
         "no getOperationHistoryResponse"),
    ],
)
def test_other_faults_and_strange_answers_are_unavailable(answer, message):
    with pytest.raises(CarrierUnavailable, match=message) as caught:
        rp.operations(answer)
    assert not isinstance(caught.value, CarrierRefused)


def test_of_russian_post_operations_at_the_same_time_the_later_listed_is_the_newer():
    same = "2026-05-03T09:30:00.000+03:00"
    history = rp.operations(_answer(
        _record(8, "Обработка", 2, "Прибыло в место вручения", same),
        _record(2, "Вручение", 1, "Вручение адресату", same),
    ))
    assert rp.latest_report("RA123456789RU", history).status == "delivered"


def test_of_cdek_statuses_at_the_same_time_the_earlier_listed_is_the_newer():
    same = "2026-05-03T09:30:00+0000"
    order = _cdek_order(("DELIVERED", "Вручен", same, None), ("TAKEN_BY_COURIER", "", same, None))
    assert cdek.latest_report("1234567890", order).status == "delivered"
