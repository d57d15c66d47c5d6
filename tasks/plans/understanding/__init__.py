"""Understanding a Document: items from task tables (`from_tables`), label blocks
(`from_labels`) and prose or agency headings (`from_prose`), over one vocabulary of roles
(`vocabulary`), sentence roles (`clauses`) and sections (`sections`); `understand` combines
them. May import tasks.plans.document, tasks.plans.agency_names and dondoc.core."""

from dondoc.core.faces import lazy_face

__all__, __getattr__ = lazy_face(
    __name__,
    {
        "combine": ("understand",),
        "kinds": ("refusal",),
        "raw": ("RawItem", "Reading"),
        "sections": ("Section", "sections_of"),
        "vocabulary": ("role_of", "split_labels"),
    },
)
