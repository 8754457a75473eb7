"""OpenAPI generation fitted to our views: one ``APIView`` per operation with nested serializers.

drf-spectacular names a component after its serializer class alone, so every nested
``InputSerializer`` became one "InputRequest" component (a wrong schema, and a warning in
``manage.py check``); and it cannot tell that a GET answering ``dict`` lists.
"""

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
        """The GET of a ``…List…Api`` lists (``projects_list``), beside ``projects_retrieve``."""
        operation_id = super().get_operation_id()
        if "List" in type(self.view).__name__ and operation_id.endswith("_retrieve"):
            return operation_id.removesuffix("_retrieve") + "_list"
        return operation_id


class LocalDateTimeFieldExtension(OpenApiSerializerFieldExtension):
    target_class = "salesoffice.api.LocalDateTimeField"

    def map_serializer_field(self, auto_schema, direction):
        schema = build_basic_type(OpenApiTypes.DATETIME)
        schema["description"] = "ISO 8601; a time without offset is in the project's time zone."
        return schema
