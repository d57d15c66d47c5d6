"""The document model (`model`: blocks with source lines, tables as rows of cells) and the
plain-text reader that recovers it (`reader`, with `clean`, `markers`, `paragraphs` and
`tables`). Readers of other formats produce the same Document. May import dondoc.core."""

from dondoc.core.faces import lazy_face

__all__, __getattr__ = lazy_face(
    __name__,
    {
        "model": ("Block", "Cell", "Document", "Row"),
        "markers": ("BULLET_STYLES", "MARKER_DEPTH", "Marker", "read_marker", "starts_label"),
        "reader": ("read_text",),
    },
)
