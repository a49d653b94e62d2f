"""JSON API under /api/v1 for institutions, with bearer tokens (no cookies, so no CSRF)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, current_app, g, jsonify, request
from pydantic import BaseModel, ValidationError
from sqlalchemy import select

from admissions.access import ACCESS_ATTR, public
from admissions.extensions import csrf, db
from admissions.models import Exam
from admissions.models.plan import split_types
from admissions.services import audit
from admissions.services.exports import records as export_service
from admissions.services.rounds import decisions as decision_service
from admissions.services.universities import overview as uni
from admissions.services.universities.tokens import active_token, token_actor
from admissions.views import api_schema as s

bp = Blueprint("api", __name__)
csrf.exempt(bp)


def _error(status: int, message: str, details: list[dict[str, Any]] | None = None):
    response = jsonify(s.ErrorOut(error=message, details=details or []).model_dump())
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def token_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Only requests with a live institution token (Authorization: Bearer ...)."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        scheme, _, value = request.headers.get("Authorization", "").partition(" ")
        token = active_token(value.strip()) if scheme.lower() == "bearer" else None
        if token is None:
            return _error(401, "缺少令牌，或令牌无效、已吊销或已过期")
        g.api_token = token
        return view(*args, **kwargs)

    setattr(wrapper, ACCESS_ATTR, "token")
    return wrapper


def _parse(model: type[BaseModel], data: Any) -> Any:
    try:
        return model.model_validate(data), None
    except ValidationError as error:
        details = [{"loc": list(e["loc"]), "msg": e["msg"]} for e in error.errors()]
        return None, _error(422, "请求参数有误", details)


@bp.get("/plan-lines")
@token_required
@s.documented("本校招生计划及投档、录取、退档人数", response=s.PlanLineOut, many=True)
def plan_lines():
    """The institution's plan lines with counts."""
    rows = uni.plan_overview(g.api_token.institution_id)
    return jsonify([_plan_line(row) for row in rows])


def _plan_line(row: uni.LineOverview) -> dict[str, Any]:
    line = row.line
    return s.PlanLineOut(
        id=line.id, exam=line.exam.code, batch=line.batch.code, program_code=line.program_code,
        program_name=line.program_name, category=line.category_code, seats=line.seats,
        dispatched=row.dispatched, admitted=row.admitted, rejected=row.rejected,
        remaining=row.remaining, tuition=line.tuition, years=line.years, ownership=line.ownership,
        notes=line.notes, types=split_types(line.types),
    ).model_dump()  # fmt: skip


@bp.get("/dispatches")
@token_required
@s.documented(
    "本校的投档考生（可按状态筛选：待审核、已录取、已退档）",
    response=s.DispatchOut,
    many=True,
    query=s.DispatchQuery,
)
def dispatches():
    """The institution's dispatches in live runs, with the admissions export columns."""
    query, problem = _parse(s.DispatchQuery, request.args.to_dict())
    if problem:
        return problem
    filters = export_service.ExportFilter(
        institution_id=g.api_token.institution_id,
        exam_id=_exam_id(query.exam) if query.exam else None,
        round_number=query.round, program_code=query.program_code or "", status=query.status or "",
    )  # fmt: skip
    if query.exam and filters.exam_id is None:
        return jsonify([])
    rows = [
        _dispatch(row) for row in export_service.admission_records(filters, full_id=False)
        if not query.batch or row["batch"] == query.batch
    ]  # fmt: skip
    audit.record(
        token_actor(g.api_token), "api.dispatches", g.api_token,
        after={"rows": len(rows), **request.args.to_dict()}, token=g.api_token,
    )  # fmt: skip
    db.session.commit()
    return jsonify(rows)


def _exam_id(code: str) -> int | None:
    return db.session.scalar(select(Exam.id).where(Exam.code == code))


def _dispatch(row: dict[str, Any]) -> dict[str, Any]:
    total = row["total"]
    return {**{k: row[k] for k in s.DispatchOut.model_fields if k in row}, "id": row["id"],
            "total": None if total is None else format(total, "f")}  # fmt: skip


@bp.post("/decisions")
@token_required
@s.documented(
    "提交录取/退档结论（全部成功或全部不保存）", response=s.DecisionsOut, body=s.DecisionsIn
)
def decisions():
    """Apply decisions all or nothing; 409 with the first refusal."""
    body, problem = _parse(s.DecisionsIn, request.get_json(silent=True))
    if problem:
        return problem
    items = [
        decision_service.Decision(d.dispatch_id, d.decision, d.reason, d.program_code)
        for d in body.decisions
    ]
    actor = token_actor(g.api_token)
    try:
        decision_service.decide_many(actor, g.api_token.institution_id, items, token=g.api_token)
    except decision_service.DecisionError as error:
        db.session.rollback()
        return _error(409, f"未保存任何结论：{error}")
    audit.record(
        actor, "api.decisions", g.api_token, after={"applied": len(items)}, token=g.api_token
    )
    db.session.commit()
    return jsonify(s.DecisionsOut(applied=len(items)).model_dump())


@bp.get("/openapi.json")
@public
def openapi():
    """The OpenAPI document, generated from these routes and their models."""
    return jsonify(s.openapi_document(current_app, bp.name, "/api/v1"))
