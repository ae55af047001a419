"""The in-app feed: a user's notices newest first, marking them read, the count of unread ones.

A user sees the notices addressed to them; an admin also those addressed to every admin, whose
read state is kept per admin (`NoticeRead`). Anyone else's notice is a 404, as one that does not
exist.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, exists, func, or_, select, update

from services.common.caller import Caller
from services.common.errors import NotFound
from services.common.paging import PageRequest
from services.common.uow import UnitOfWork

from ..models import Notice, NoticeRead

READERS = ("buyer", "seller", "admin")


def list_notices(uow: UnitOfWork, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
    caller.require(*READERS)
    page = PageRequest(data["page"], data["per_page"])
    where = _visible(caller)
    read = _read_by(caller)
    with uow.reading() as session:
        total = session.execute(select(func.count()).select_from(Notice).where(where)).scalar_one()
        rows = session.execute(select(Notice, read.label("was_read")).where(where)
                               .order_by(Notice.created_at.desc(), Notice.id)
                               .offset(page.offset).limit(page.per_page)).all()
        return page.page_of([_view(n, bool(was_read)) for n, was_read in rows], total)


def unread_count(uow: UnitOfWork, caller: Caller) -> dict[str, int]:
    caller.require(*READERS)
    with uow.reading() as session:
        count = session.execute(select(func.count()).select_from(Notice)
                                .where(_visible(caller), ~_read_by(caller))).scalar_one()
    return {"count": count}


def mark_read(uow: UnitOfWork, caller: Caller, data: dict[str, Any]) -> None:
    caller.require(*READERS)
    with uow:
        notice = uow.session.scalar(select(Notice).where(Notice.id == data["notice_id"],
                                                         _visible(caller)))
        if notice is None:
            raise NotFound("No such notice.", code="notice_not_found")
        if notice.audience == "admins":
            if uow.session.get(NoticeRead, (notice.id, caller.user_id)) is None:
                uow.session.add(NoticeRead(notice_id=notice.id, user_id=caller.user_id))
        else:
            notice.read = True


def mark_all_read(uow: UnitOfWork, caller: Caller) -> None:
    caller.require(*READERS)
    with uow:
        uow.session.execute(update(Notice).where(Notice.recipient_id == caller.user_id,
                                                 Notice.read.is_(False))
                            .values(read=True).execution_options(synchronize_session=False))
        if caller.is_admin:
            unread = uow.session.scalars(select(Notice.id).where(
                Notice.audience == "admins", ~_read_by(caller))).all()
            uow.session.add_all(NoticeRead(notice_id=n, user_id=caller.user_id) for n in unread)


def _visible(caller: Caller):
    mine = Notice.recipient_id == caller.user_id
    return or_(mine, Notice.audience == "admins") if caller.is_admin else mine


def _read_by(caller: Caller):
    """Read: the notice's own flag, or for a notice to every admin, this admin's read mark."""
    admin_read = exists().where(and_(NoticeRead.notice_id == Notice.id,
                                     NoticeRead.user_id == caller.user_id))
    return or_(and_(Notice.audience != "admins", Notice.read.is_(True)),
               and_(Notice.audience == "admins", admin_read))


def _view(notice: Notice, read: bool) -> dict[str, Any]:
    return {"id": notice.id, "type": notice.type, "title": notice.title, "body": notice.body,
            "order_id": notice.order_id, "data": notice.data or {}, "read": read,
            "created_at": notice.created_at.isoformat()}
