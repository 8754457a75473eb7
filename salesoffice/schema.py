"""OpenAPI generation fitted to our views: one ``APIView`` per operation with nested serializers.

drf-spectacular names a component after its serializer class alone, so every nested
``InputSerializer`` became one "InputRequest" component (a wrong schema, and a warning in
``manage.py check``); it drops path variables from operation ids, so one view routed with and
without an id collides with itself; and it cannot tell that a GET answering ``dict`` lists.
"""

import re

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes


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


class LocalDateTimeFieldExtension(OpenApiSerializerFieldExtension):
    target_class = "salesoffice.api.LocalDateTimeField"

    def map_serializer_field(self, auto_schema, direction):
        schema = build_basic_type(OpenApiTypes.DATETIME)
        schema["description"] = "ISO 8601; a time without offset is in the project's time zone."
        return schema
