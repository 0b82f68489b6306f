"""Serve strawberry's GraphiQL page with locally vendored assets (no unpkg.com / internet).

Hook-up: override ``async def render_graphql_ide(self, request: Request) -> Response`` in a
``strawberry.asgi.GraphQL`` subclass to return
``HTMLResponse(render_graphiql_html(self.graphql_ide_html))``, and mount
``StaticFiles(directory=GRAPHIQL_STATIC_DIR)`` at ``GRAPHIQL_STATIC_PREFIX``.

The vendored files are byte-identical to the unpkg ones (see static/graphiql/VERSIONS.txt),
so the template's ``integrity=`` attributes are kept and still match.
"""

from __future__ import annotations

import pathlib
from typing import Final

__all__ = [
    "GRAPHIQL_STATIC_DIR",
    "GRAPHIQL_STATIC_PREFIX",
    "GraphiQLAssetError",
    "render_graphiql_html",
]

GRAPHIQL_STATIC_DIR: Final[pathlib.Path] = pathlib.Path(__file__).parent / "static" / "graphiql"
GRAPHIQL_STATIC_PREFIX: Final = "/static/graphiql"

_UNPKG: Final = "https://unpkg.com/"

# unpkg path (as referenced by strawberry 0.341's static/graphiql.html) -> local file name.
_ASSETS: Final[dict[str, str]] = {
    "react@18.2.0/umd/react.production.min.js": "react.production.min.js",
    "react-dom@18.2.0/umd/react-dom.production.min.js": "react-dom.production.min.js",
    "js-cookie@3.0.5/dist/js.cookie.min.js": "js.cookie.min.js",
    "graphiql@3.8.3/graphiql.min.css": "graphiql.min.css",
    "graphiql@3.8.3/graphiql.min.js": "graphiql.min.js",
    "@graphiql/plugin-explorer@1.0.2/dist/style.css": "plugin-explorer.css",
    "@graphiql/plugin-explorer@1.0.2/dist/index.umd.js": "plugin-explorer.umd.js",
}


class GraphiQLAssetError(RuntimeError):
    """strawberry's GraphiQL template references an asset we do not vendor."""


def render_graphiql_html(base_html: str) -> str:
    """Rewrite every unpkg.com asset URL in strawberry's GraphiQL template to a local path.

    Only the quoted ``src``/``href`` attribute values are replaced; the rest of the template
    (integrity attributes, fetcher and subscription URL code) is left untouched.

    Raises:
        GraphiQLAssetError: if any ``unpkg.com`` reference is left afterwards, e.g. because a
            strawberry upgrade changed the asset versions and static/graphiql/ needs updating.
    """
    html = base_html
    for unpkg_path, local_name in _ASSETS.items():
        html = html.replace(f'"{_UNPKG}{unpkg_path}"', f'"{GRAPHIQL_STATIC_PREFIX}/{local_name}"')

    if "unpkg.com" in html:
        leftovers = sorted({line.strip() for line in html.splitlines() if "unpkg.com" in line})
        raise GraphiQLAssetError(
            "GraphiQL template still references unpkg.com after rewriting; the strawberry "
            "template's asset versions probably changed. Update api/static/graphiql/ and "
            f"_ASSETS in api/graphiql.py. Remaining references: {leftovers}"
        )
    return html
