"""Post-processing of the generated OpenAPI schema, where the serializers alone cannot say
what the API really sends."""


def version_on_single_records_only(result, generator, request, public):
    """``version`` (the ETag) is sent with a single record but left out of lists
    (:class:`casework.api.base.ScopedModelSerializer`), so no schema may require it."""
    for component in result.get("components", {}).get("schemas", {}).values():
        if "version" not in component.get("properties", {}):
            continue
        component["properties"]["version"]["description"] = "记录的版本号（ETag），仅单条记录返回，列表中不返回。"
        required = [name for name in component.get("required", []) if name != "version"]
        if required:
            component["required"] = required
        else:
            component.pop("required", None)
    return result
