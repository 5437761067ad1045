"""/api/v1 for process designers: version XML and diffs, the activity on a version's
diagram, cancelling an instance, and migrations between versions (issue 13)."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine.services.processes import (
    MigrationPlan,
    cancel_process_instance,
    diff_versions,
    dry_run_migration,
    list_migrations,
    preview_cancel,
    revert_migration,
    run_migration,
    version_activity,
    version_bpmn,
)
from web.api.fields import Id, LocalInteger, Text
from web.context import actor_id, new_uow, require_token

blp = Blueprint(
    "process_design", __name__, url_prefix="/api/v1", description="Process design and cockpit"
)
blp.before_request(require_token)

VERSION_NUMBER = {"minimum": 1, "maximum": 1_000_000}
ELEMENT_ID = {"max_length": 100, "validate": validate.Length(min=1)}


class DiagramElementOut(Schema):
    id = Text()
    tag = Text(metadata={"description": "the BPMN element's tag, e.g. userTask"})
    name = Text()
    changes = fields.List(
        Text(),
        metadata={"description": "tag, name, @attribute, extensionElements or content"},
    )


class DiffQuery(Schema):
    from_ = LocalInteger(data_key="from", required=True, **VERSION_NUMBER)
    to = LocalInteger(required=True, **VERSION_NUMBER)


class DiffOut(Schema):
    added = fields.List(fields.Nested(DiagramElementOut))
    removed = fields.List(fields.Nested(DiagramElementOut))
    changed = fields.List(fields.Nested(DiagramElementOut))


class ActivityOut(Schema):
    process_id = Text()
    version = LocalInteger()
    files = fields.Dict(keys=Text(), values=Text())
    tokens = fields.Dict(
        keys=Text(), values=LocalInteger(), metadata={"description": "waiting tasks by element"}
    )
    incidents = fields.Dict(keys=Text(), values=LocalInteger())
    median_seconds = fields.Dict(
        keys=Text(),
        values=fields.Raw(),
        metadata={"description": "median time in each user task over finished instances"},
    )
    finished = LocalInteger()
    labels = fields.Dict(
        keys=Text(),
        values=fields.Dict(keys=Text(), values=Text()),
        metadata={"description": "each named element's names by language (label.fa …)"},
    )


class InstanceCancelIn(Schema):
    reason = Text(load_default="", max_length=500)


class InstanceCancelOut(Schema):
    instance_id = Id()
    document_id = Id(allow_none=True)
    document_state = Text(allow_none=True)
    outcome = Text(
        metadata={
            "description": "process_only, back_to_draft (the document goes back to draft) or "
            "document_cancelled (the document is cancelled)"
        }
    )


class MigrationIn(Schema):
    process_id = Text(required=True, max_length=100)
    source = LocalInteger(required=True, **VERSION_NUMBER)
    target = LocalInteger(required=True, **VERSION_NUMBER)
    mapping = fields.Dict(
        keys=Text(**ELEMENT_ID),
        values=Text(**ELEMENT_ID),
        load_default=dict,
        metadata={"description": 'waiting elements renamed in the target: {"old_id": "new_id"}'},
    )


class InstanceMoveOut(Schema):
    instance_id = Id()
    document_id = Id(allow_none=True)
    waiting = fields.List(Text())
    movable = fields.Boolean()
    reason = Text()


class MigrationOut(Schema):
    migration_id = Id(allow_none=True)
    process_id = Text()
    source = LocalInteger()
    target = LocalInteger()
    moved = LocalInteger()
    instances = fields.List(fields.Nested(InstanceMoveOut))


class MigrationSummaryOut(Schema):
    id = Id()
    process_id = Text()
    source = LocalInteger()
    target = LocalInteger()
    mapping = fields.Dict(keys=Text(), values=Text())
    created_at = fields.DateTime()
    moved = LocalInteger()
    reverted_at = fields.DateTime(allow_none=True)


@blp.route("/processes/<process_id>/versions/<int:number>/bpmn", methods=["GET"])
@blp.response(200, content_type="application/xml")
def version_xml(process_id: str, number: int) -> Any:
    """Download version ``number``'s BPMN XML (needs design_processes)."""
    found = version_bpmn(new_uow(), process_id=process_id, number=number, actor_id=actor_id())
    return Response(
        found.xml,
        mimetype="application/xml",
        headers={
            "Content-Disposition": f'attachment; filename="{process_id}-v{number}.bpmn"',
        },
    )


@blp.route("/processes/<process_id>/diff", methods=["GET"])
@blp.arguments(DiffQuery, location="query")
@blp.response(200, DiffOut)
def diff(query: dict[str, Any], process_id: str) -> Any:
    """List the elements added, removed and changed from version ``from`` to ``to``, by id."""
    return diff_versions(
        new_uow(), process_id=process_id, old=query["from_"], new=query["to"], actor_id=actor_id()
    )


@blp.route("/processes/<process_id>/versions/<int:number>/activity", methods=["GET"])
@blp.response(200, ActivityOut)
def activity(process_id: str, number: int) -> Any:
    """Return the version's diagram with waiting tokens, incidents and median times per element."""
    return version_activity(new_uow(), process_id=process_id, number=number, actor_id=actor_id())


@blp.route("/process-instances/<int:instance_id>/cancel", methods=["GET"])
@blp.response(200, InstanceCancelOut)
def cancel_preview(instance_id: int) -> Any:
    """Say what cancelling the instance would do to its document (before confirming)."""
    return preview_cancel(new_uow(), instance_id=instance_id, actor_id=actor_id())


@blp.route("/process-instances/<int:instance_id>/cancel", methods=["POST"])
@blp.arguments(InstanceCancelIn)
@blp.response(200, InstanceCancelOut)
def cancel(body: dict[str, Any], instance_id: int) -> Any:
    """Cancel a running or incident instance; its document goes back to draft or is cancelled."""
    return cancel_process_instance(
        new_uow(), instance_id=instance_id, actor_id=actor_id(), reason=body["reason"]
    )


@blp.route("/process-migrations/dry-run", methods=["POST"])
@blp.arguments(MigrationIn)
@blp.response(200, MigrationOut)
def migration_dry_run(body: dict[str, Any]) -> Any:
    """List the source version's live instances and whether each can move; changes nothing."""
    return dry_run_migration(new_uow(), plan=MigrationPlan(**body), actor_id=actor_id())


@blp.route("/process-migrations", methods=["POST"])
@blp.arguments(MigrationIn)
@blp.response(201, MigrationOut)
def migrate(body: dict[str, Any]) -> Any:
    """Move every movable running instance of the source version to the target."""
    return run_migration(new_uow(), plan=MigrationPlan(**body), actor_id=actor_id())


@blp.route("/process-migrations/<int:migration_id>/revert", methods=["POST"])
@blp.response(200, MigrationOut)
def revert(migration_id: int) -> Any:
    """Put the instances a migration moved back on their previous state and version."""
    return revert_migration(new_uow(), migration_id=migration_id, actor_id=actor_id())


class MigrationListQuery(Schema):
    process_id = Text(required=True, max_length=100)


@blp.route("/process-migrations", methods=["GET"])
@blp.arguments(MigrationListQuery, location="query")
@blp.response(200, MigrationSummaryOut(many=True))
def migrations(query: dict[str, Any]) -> Any:
    """List a process's migrations, newest first."""
    return list_migrations(new_uow(), process_id=query["process_id"], actor_id=actor_id())
