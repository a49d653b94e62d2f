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
from admissions.models.scale import PlanAdjustment, PlanDraftLine, PlanScale, PlanSubmission
from admissions.models.storage import StoredFile, StoredFileChunk

__all__ = [
    "Account",
    "StoredFile",
    "StoredFileChunk",
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
    "PlanAdjustment",
    "PlanDraftLine",
    "PlanLine",
    "PlanScale",
    "PlanSubmission",
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
