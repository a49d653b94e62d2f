"""All models, importable from one place (Alembic sees every table through this module)."""

from admissions.models.account import Account, ApiToken, LoginSession
from admissions.models.activation import ActivationCode
from admissions.models.allocation import AllocationRun, Cutoff, Dispatch
from admissions.models.audit import AuditEvent
from admissions.models.base import Base, ExactDecimal, utcnow
from admissions.models.candidate import Candidate, ComponentScore, CreditedScore, ScoreResult
from admissions.models.enums import (
    BatchShape,
    ComponentGroup,
    DispatchStatus,
    ExamStatus,
    Gender,
    KeyingStatus,
    PreferenceStatus,
    Role,
    RoundStatus,
    RunStatus,
)
from admissions.models.exam import (
    Batch,
    Category,
    Component,
    ControlLine,
    Exam,
    Province,
    Round,
    RulesVersion,
    Scheme,
)
from admissions.models.job import Job, JobStatus
from admissions.models.keying import KeyedEntry, KeyingLine, KeyingResolution, KeyingSheet
from admissions.models.plan import Institution, PlanLine
from admissions.models.preference import PreferenceItem, PreferenceList, PreferenceMajor

__all__ = [
    "Account",
    "ActivationCode",
    "AllocationRun",
    "ApiToken",
    "LoginSession",
    "AuditEvent",
    "Base",
    "Batch",
    "BatchShape",
    "Candidate",
    "Category",
    "Component",
    "ComponentGroup",
    "ComponentScore",
    "ControlLine",
    "CreditedScore",
    "Cutoff",
    "Dispatch",
    "DispatchStatus",
    "Exam",
    "ExamStatus",
    "ExactDecimal",
    "Gender",
    "Institution",
    "KeyedEntry",
    "KeyingLine",
    "KeyingResolution",
    "KeyingSheet",
    "KeyingStatus",
    "Job",
    "JobStatus",
    "PlanLine",
    "PreferenceItem",
    "PreferenceList",
    "PreferenceMajor",
    "PreferenceStatus",
    "Province",
    "Role",
    "Round",
    "RoundStatus",
    "RulesVersion",
    "RunStatus",
    "Scheme",
    "ScoreResult",
    "utcnow",
]
