"""Tables the payments service owns. No other service reads them."""

from sqlalchemy.orm import DeclarativeBase

from services.common.db import new_metadata
from services.common.kernel_tables import add_kernel_tables


class Base(DeclarativeBase):
    metadata = new_metadata()


OUTBOX, INBOX, COMMANDS = add_kernel_tables(Base.metadata)
