"""The OpenAPI schema says what the API really answers.

- Every operation lists its error answers: 400 (a wrong parameter or field, named), 401 and 403
  where writing or the agenda needs a caller, 404 where a path names an object or a page can
  run out, 429 (throttled, or log-ins locked) with Retry-After.
- Reads that anyone may make say so: their security list includes ``{}`` (no credentials).
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import permissions

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string", "description": "What went wrong, for a person."}},
    "required": ["detail"],
}
VALIDATION = {
    "type": "object",
    "description": "Each wrong parameter or field by name, with what to change (or `detail`).",
    "additionalProperties": {
        "oneOf": [{"type": "array", "items": {}}, {"type": "string"}, {"type": "object"}]
    },
}
ERRORS = {
    "400": ("A wrong parameter or field; the body names it.", "ValidationError", VALIDATION),
    "401": ("No valid credentials were given (WWW-Authenticate: Token).", "Error", DETAIL),
    "403": ("The caller may not do this (or the CSRF token is missing).", "Error", DETAIL),
    "404": ("No such object for this caller, or no such page.", "Error", DETAIL),
    "429": ("Too many requests, or log-ins locked; see Retry-After.", "Error", DETAIL),
}
RETRY_AFTER = {
    "Retry-After": {
        "schema": {"type": "integer"},
        "description": "Seconds to wait before trying again.",
    }
}
OPEN_READS = (permissions.DjangoModelPermissionsOrAnonReadOnly, permissions.AllowAny)


class ProgramAutoSchema(AutoSchema):
    def is_open(self) -> bool:
        perms = self.view.get_permissions()
        if not perms:
            return True
        return self.method in permissions.SAFE_METHODS and any(
            isinstance(perm, OPEN_READS) for perm in perms
        )

    def get_auth(self):
        auths = super().get_auth()
        if self.is_open() and {} not in auths:
            auths.append({})
        return auths

    def error_codes(self) -> list[str]:
        codes = ["400"]
        if not self.is_open():
            codes.append("401")
            if self.method not in permissions.SAFE_METHODS and self.view.get_authenticators():
                codes.append("403")
        if "{" in self.path or self._is_list_view():
            codes.append("404")
        codes.append("429")
        return codes

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self.error_codes():
            description, name, schema = ERRORS[code]
            component = ResolvedComponent(
                name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema
            )
            self.registry.register_on_missing(component)
            response = {
                "description": description,
                "content": {"application/json": {"schema": component.ref}},
            }
            if code == "429":
                response["headers"] = RETRY_AFTER
            responses.setdefault(code, response)
        return responses
