"""Process versions, instances and the human-task index the cartables query."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base, JSONType, OrderedJSON, utcnow
from engine.models.types import ExactDecimal, UTCDateTime


class ProcessVersion(Base):
    """One deployed BPMN version; its parsed spec is kept here once, not per instance."""

    __tablename__ = "process_version"
    __table_args__ = (UniqueConstraint("process_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(100))
    version: Mapped[int]
    checksum: Mapped[str] = mapped_column(String(64), index=True)
    bpmn_files: Mapped[dict[str, str]] = mapped_column(JSONType)
    spec_json: Mapped[dict[str, Any]] = mapped_column(OrderedJSON)
    deployed_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    deployed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    comment: Mapped[str] = mapped_column(Text, default="")


class Process(Base):
    """A deployed process and the version new instances start (issue 10 #6).

    The current version is not always the newest: redeploying an older diagram makes
    that version current again (a rollback).
    """

    __tablename__ = "process"

    process_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    current_version_id: Mapped[int] = mapped_column(ForeignKey("process_version.id"))


class ProcessInstance(Base):
    """One run of a process version.

    ``status`` is running, completed, cancelled or incident. An incident is background
    work (a timer pass) that failed: the instance keeps the state it had before that
    step, records the error, and no pass picks it again until someone retries it.
    """

    __tablename__ = "process_instance"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("process_version.id"))
    process_id: Mapped[str] = mapped_column(String(100))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="running")
    state: Mapped[dict[str, Any]] = mapped_column(OrderedJSON)
    next_timer_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    lock_version: Mapped[int] = mapped_column(default=1)
    # The open incident (status "incident"): what failed, when and at which element.
    incident_error: Mapped[str | None] = mapped_column(Text)
    incident_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    incident_element_id: Mapped[str | None] = mapped_column(String(100))

    __mapper_args__ = {"version_id_col": lock_version}


class HumanTask(Base):
    """One READY user task; the cartable is a query on this table (ARCHITECTURE §5)."""

    __tablename__ = "human_task"
    __table_args__ = (
        Index("ix_human_task_open_lane", "status", "lane", "created_at"),
        Index("ix_human_task_open_assignee", "status", "assignee_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(
        ForeignKey("process_instance.id", ondelete="CASCADE"), index=True
    )
    task_guid: Mapped[str] = mapped_column(String(36), unique=True)
    element_id: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    lane: Mapped[str] = mapped_column(String(40))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # Assigned by the diagram (an assignee expression, a multi-instance member; issue 12
    # §4-5): only the assignee sees and works it, and it is not given back to the pool.
    personal: Mapped[bool] = mapped_column(default=False, server_default=false())
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    priority: Mapped[int] = mapped_column(default=0)
    # A summary of the document, so a list never joins or deserializes anything.
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"), index=True)
    document_type: Mapped[str] = mapped_column(String(40), default="")
    document_label: Mapped[str] = mapped_column(String(64), default="")
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    amount: Mapped[Decimal | None] = mapped_column(ExactDecimal(), nullable=True)
    # The document's creator, whom a four-eyes step bars from deciding (issue 12 §4).
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # Completed rows stay (open | completed | cancelled): a second completion is a
    # 409, and the rows are the document's task history.
    status: Mapped[str] = mapped_column(String(10), default="open")
    completed_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision: Mapped[str | None] = mapped_column(String(20))


class ProcessMigration(Base):
    """Running instances of one version moved to another (issue 13 §5).

    ``mapping`` renames waiting elements (old id -> new id); ``reverted_at`` is set when
    Revert put the moved instances back.
    """

    __tablename__ = "process_migration"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(100))
    source_version_id: Mapped[int] = mapped_column(ForeignKey("process_version.id"))
    target_version_id: Mapped[int] = mapped_column(ForeignKey("process_version.id"))
    mapping: Mapped[dict[str, str]] = mapped_column(JSONType)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    reverted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reverted_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class MigratedInstance(Base):
    """One instance a migration moved, with the state it had before, for Revert."""

    __tablename__ = "process_migration_instance"

    id: Mapped[int] = mapped_column(primary_key=True)
    migration_id: Mapped[int] = mapped_column(
        ForeignKey("process_migration.id", ondelete="CASCADE"), index=True
    )
    instance_id: Mapped[int] = mapped_column(
        ForeignKey("process_instance.id", ondelete="CASCADE"), index=True
    )
    previous_version_id: Mapped[int] = mapped_column(ForeignKey("process_version.id"))
    previous_state: Mapped[dict[str, Any]] = mapped_column(OrderedJSON)
    # The instance's lock_version right after the move: a later change forbids Revert,
    # which would undo work done on the target version.
    moved_lock_version: Mapped[int]
    reverted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ProcessDraft(Base):
    """A designer's diagram of a process, saved from the modeler but not deployed (issue 13 §2).

    One per process: saving replaces it; deploying leaves it (the designer goes on from it).
    """

    __tablename__ = "process_draft"

    process_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    xml: Mapped[str] = mapped_column(Text)
    saved_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
