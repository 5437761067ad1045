"""The lanes and steps the deployed diagrams declare, read through a unit of work (issue 12).

Each process version's declarations are read from its stored BPMN once and cached by
process and checksum, as its parsed spec is. The *lane directory* merges every
version's declarations, older ones first and the current versions last, so a cartable (a
lane name) means what the current diagram declaring it says; a task's own step comes
from its instance's version first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from engine import clock
from engine.domain.steps import EMPTY, StepRegistry
from engine.models.users import User
from engine.services.unit_of_work import AbstractUnitOfWork
from engine.workflow.declarations import read_declarations

_CACHE_SIZE = 256
_own: OrderedDict[str, StepRegistry] = OrderedDict()
_merged: dict[tuple[tuple[int, str], ...], StepRegistry] = {}
_lock = threading.Lock()


def _version_registry(uow: AbstractUnitOfWork, version_id: int, key: str) -> StepRegistry:
    """Return what one version declares (its files are read only when not cached)."""
    with _lock:
        found = _own.get(key)
    if found is None:
        found = read_declarations(uow.processes.version(version_id).bpmn_files)
        with _lock:
            _own[key] = found
            while len(_own) > _CACHE_SIZE:
                _own.popitem(last=False)
    return found


def _directory(uow: AbstractUnitOfWork) -> tuple[StepRegistry, dict[int, str]]:
    """Return every version's declarations merged (current ones win) and each one's key."""
    ordered = [(vid, f"{pid}:{checksum}") for vid, pid, checksum in uow.processes.version_keys()]
    keys = dict(ordered)
    signature = tuple(ordered)
    with _lock:
        merged = _merged.get(signature)
    if merged is None:
        merged = EMPTY
        for version_id, key in ordered:  # older first, the current versions last: they win
            merged = merged.merged(_version_registry(uow, version_id, key))
        with _lock:
            _merged.clear()  # only the newest set of versions is asked for again
            _merged[signature] = merged
    return merged, keys


def lane_directory(uow: AbstractUnitOfWork) -> StepRegistry:
    """Return the lanes (cartables) and steps of every deployed version, current ones winning."""
    return _directory(uow)[0]


def version_registry(uow: AbstractUnitOfWork, version_id: int) -> StepRegistry:
    """Return the steps and lanes for tasks of ``version_id``: its own over the directory.

    A version that declares nothing for a user task (deployed before issue 12) takes the
    newest declaration of the same element id.
    """
    merged, keys = _directory(uow)
    key = keys.get(version_id)
    return merged if key is None else merged.merged(_version_registry(uow, version_id, key))


def instance_registry(uow: AbstractUnitOfWork, instance_id: int) -> StepRegistry:
    """Return the steps and lanes for the tasks of one process instance."""
    return version_registry(uow, uow.processes.get(instance_id).version_id)


def lanes_of(uow: AbstractUnitOfWork, user: User) -> list[str]:
    """Return the cartables whose pooled tasks ``user`` works: their roles' lanes, and
    those of the users whose substitute they are today (issue 12 §7)."""
    codes = set(uow.users.role_codes(user))
    for other in delegators(uow, user):
        codes |= uow.users.role_codes(other)
    return lane_directory(uow).lanes_for(codes)


def delegators(uow: AbstractUnitOfWork, user: User) -> list[User]:
    """Return the users whose work ``user`` does today as their substitute (issue 12 §7)."""
    return uow.users.delegators_of(user.id, clock.business_today())
