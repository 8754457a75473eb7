"""OpenAPI generation fitted to our views: one ``APIView`` per operation with nested serializers.

drf-spectacular names a component after its serializer class alone, so every nested
``InputSerializer`` became one "InputRequest" component (a wrong schema, and a warning in
``manage.py check``); it drops path variables from operation ids, so one view routed with and
without an id collides with itself; it cannot tell that a GET answering ``dict`` lists; and it
documents only the answers a view names, not the refusals every view shares.
"""

import re

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes
from rest_framework.permissions import AllowAny

from salesoffice.api import ErrorOutput

# The refusals any view may answer beside its own (salesoffice.errors): a bad body or query, no
# or bad credentials, a role that may not, a record outside the caller's projects; and for a
# write, a state that forbids it or a body in a format the view does not read.
REFUSALS_OF_EVERY_VIEW = ("400", "401", "403", "404")
REFUSALS_OF_EVERY_WRITE = ("409", "415")


class AutoSchema(SpectacularAutoSchema):
    def get_serializer_name(self, serializer, direction) -> str:
        """``RegistrationCreateApi.InputSerializer`` → ``RegistrationCreateInput``."""
        qualname = type(serializer).__qualname__
        outer, _, inner = qualname.rpartition(".")
        if not outer or "<" in qualname:
            return super().get_serializer_name(serializer, direction)
        return outer.replace(".", "").removesuffix("Api") + inner.removesuffix("Serializer")

    def get_operation_id(self) -> str:
        """Path variables are named (``notifications_by_id_read_create`` beside
        ``notifications_read_create``: one view may serve both), and the GET of a ``…List…Api``
        lists (``projects_list`` beside ``projects_by_code_retrieve``)."""
        path = re.sub(self.path_prefix, "", self.path, flags=re.IGNORECASE)
        path = re.sub(r"\{([\w-]+)\}", r"by_\1", path)
        tokens = [t.replace("-", "_") for t in path.split("/") if t] or ["root"]
        listing = "List" in type(self.view).__name__ or super().get_operation_id().endswith("_list")
        if self.method == "GET" and listing:
            return "_".join([*tokens, "list"])
        return "_".join([*tokens, self.method_mapping[self.method.lower()]])

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in self._refusals():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    ErrorOutput, code, ["application/json"], direction
                )
        return responses

    def _refusals(self) -> tuple[str, ...]:
        refusals = REFUSALS_OF_EVERY_VIEW
        if any(isinstance(p, AllowAny) for p in self.view.get_permissions()):
            refusals = ("400", "404")
        if self.method in ("POST", "PUT", "PATCH", "DELETE"):
            refusals += REFUSALS_OF_EVERY_WRITE
        if getattr(self.view, "throttle_classes", None):
            refusals += ("429",)
        return refusals


class LocalDateTimeFieldExtension(OpenApiSerializerFieldExtension):
    target_class = "salesoffice.api.LocalDateTimeField"

    def map_serializer_field(self, auto_schema, direction):
        schema = build_basic_type(OpenApiTypes.DATETIME)
        schema["description"] = "ISO 8601; a time without offset is in the project's time zone."
        return schema
