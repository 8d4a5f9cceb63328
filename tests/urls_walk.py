"""Every named URL of the project, with its namespace and the route's parameter names."""

from django.urls import URLPattern, URLResolver, get_resolver


def named_urls() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}

    def walk(patterns, namespace: str | None) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = namespace
                if p.namespace:
                    ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
                walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern) and p.name:
                name = f"{namespace}:{p.name}" if namespace else p.name
                # path() names its parameters in converters; re_path() only has regex groups.
                groups = getattr(getattr(p.pattern, "regex", None), "groups", 0)
                found[name] = list(p.pattern.converters) or [f"${i}" for i in range(groups)]

    walk(get_resolver().url_patterns, None)
    return found
