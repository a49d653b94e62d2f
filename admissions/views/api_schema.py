"""API models (pydantic) and the OpenAPI document built from the routes that use them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from flask import Flask
from pydantic import BaseModel, ConfigDict, Field

DOC_ATTR = "_api_doc"


class PlanLineOut(BaseModel):
    """One plan line of the institution with its counts."""

    id: int
    exam: str
    batch: str
    program_code: str
    program_name: str
    category: str
    seats: int
    dispatched: int
    admitted: int
    rejected: int
    remaining: int
    tuition: int | None = None
    years: int | None = None
    ownership: str | None = None
    notes: str | None = None
    types: list[str] = []


class DispatchOut(BaseModel):
    """One dispatch (admissions export columns, ID number masked) and its id for decisions."""

    id: int
    exam: str
    batch: str
    round: int
    category: str
    candidate_no: str
    name: str
    national_id: str
    institution_code: str
    program_code: str
    program_name: str
    total: str | None
    rank: int | None
    choice: int | None
    status: Literal["dispatched", "admitted", "rejected"]
    reason: str


# Text without NUL characters (PostgreSQL text cannot hold them): the document says so, and a
# request that carries one gets the API's 422 like any other invalid value.
NO_NUL = r"^[^\x00]*$"


class DispatchQuery(BaseModel):
    """Filters of the dispatch list."""

    model_config = ConfigDict(extra="forbid")
    exam: str | None = Field(None, max_length=40, pattern=NO_NUL, description="exam code")
    batch: str | None = Field(None, max_length=20, pattern=NO_NUL, description="batch code")
    round: int | None = Field(None, ge=1, le=99)
    status: Literal["dispatched", "admitted", "rejected"] | None = None
    program_code: str | None = Field(None, max_length=20, pattern=NO_NUL)


class DecisionIn(BaseModel):
    """One decision: admit, or reject with a reason; grouped batches may name the major."""

    model_config = ConfigDict(extra="forbid")
    dispatch_id: int = Field(ge=1, le=2**31 - 1)
    decision: Literal["admit", "reject"]
    reason: str = Field("", max_length=500, pattern=NO_NUL)
    program_code: str | None = Field(None, max_length=20, pattern=NO_NUL)


MAX_DECISIONS = 500


class DecisionsIn(BaseModel):
    """Decisions applied all or nothing: at most 500 a call, each dispatch named once."""

    model_config = ConfigDict(extra="forbid")
    decisions: list[DecisionIn] = Field(
        min_length=1,
        max_length=MAX_DECISIONS,
        description=(
            f"至多 {MAX_DECISIONS} 条；同一 dispatch_id 只能出现一次（重复则整批不保存，409）。"
            "更多结论请分批提交。"
        ),
    )


class DecisionsOut(BaseModel):
    """How many decisions were applied."""

    applied: int


class ErrorOut(BaseModel):
    """An error: a message (Chinese) and, for bad input, the details."""

    error: str
    details: list[dict[str, Any]] = []


def documented(
    summary: str,
    *,
    response: type[BaseModel],
    many: bool = False,
    query: type[BaseModel] | None = None,
    body: type[BaseModel] | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Attach what the OpenAPI document says about a view."""

    def attach(view: Callable[..., Any]) -> Callable[..., Any]:
        setattr(view, DOC_ATTR, {"summary": summary, "response": response, "many": many,
                                 "query": query, "body": body})  # fmt: skip
        return view

    return attach


def openapi_document(app: Flask, blueprint: str, prefix: str) -> dict[str, Any]:
    """OpenAPI 3.1 built from the blueprint's routes and the models their views declare."""
    models: set[type[BaseModel]] = {ErrorOut}
    paths: dict[str, dict[str, Any]] = {}
    for rule in app.url_map.iter_rules():
        doc = getattr(app.view_functions[rule.endpoint], DOC_ATTR, None)
        if not rule.endpoint.startswith(blueprint + ".") or doc is None:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(rule.rule, {})[method.lower()] = _operation(rule.endpoint, doc, models)
    schemas: dict[str, Any] = {}
    for model in models:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    return {
        "openapi": "3.1.0",
        "info": {"title": "职教高考招生录取平台 API", "version": "1.0.0"},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
    }


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _operation(endpoint: str, doc: dict[str, Any], models: set[type[BaseModel]]) -> dict[str, Any]:
    response: type[BaseModel] = doc["response"]
    models.add(response)
    content = {"type": "array", "items": _ref(response)} if doc["many"] else _ref(response)
    error = {"application/json": {"schema": _ref(ErrorOut)}}
    operation: dict[str, Any] = {
        "operationId": endpoint.replace(".", "_"),
        "summary": doc["summary"],
        "responses": {
            "200": {"description": "OK", "content": {"application/json": {"schema": content}}},
            "401": {"description": "缺少或无效的令牌", "content": error},
        },
    }
    if doc["query"] is not None:
        operation["parameters"] = _parameters(doc["query"])
        operation["responses"]["422"] = {"description": "参数错误", "content": error}
    if doc["body"] is not None:
        models.add(doc["body"])
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _ref(doc["body"])}},
        }
        operation["responses"]["409"] = {"description": "结论被拒绝", "content": error}
        operation["responses"]["422"] = {"description": "请求体错误", "content": error}
    return operation


def _parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    schema = model.model_json_schema()
    return [
        {"name": name, "in": "query", "required": False, "schema": prop}
        for name, prop in schema["properties"].items()
    ]
