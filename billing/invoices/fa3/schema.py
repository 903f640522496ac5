"""Validation against the official FA(3) schema, parsed once per process.

The schema imports its base types from crd.gov.pl; a resolver maps every remote address to the
vendored copy in schema/ by file name, and the parser may not touch the network at all.
"""

from functools import cache
from pathlib import Path

from lxml import etree

SCHEMA_DIR = Path(__file__).with_name("schema")
MAIN = SCHEMA_DIR / "schemat_FA(3)_v1-0E.xsd"


class _LocalCopies(etree.Resolver):
    def resolve(self, url, public_id, context):
        local = SCHEMA_DIR / url.rsplit("/", 1)[-1]
        if local.is_file():
            return self.resolve_filename(str(local), context)
        return None  # and no_network below makes an unknown address an error


@cache
def fa3_schema() -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(_LocalCopies())
    return etree.XMLSchema(etree.parse(str(MAIN), parser))


def fa3_errors(xml: bytes) -> list[str]:
    """What the schema finds wrong with the document, as "line N: message"; [] when valid."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        document = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as exc:
        return [f"line {exc.lineno}: {exc.msg}"]
    schema = fa3_schema()
    if schema.validate(document):
        return []
    return [f"line {error.line}: {error.message}" for error in schema.error_log]
