"""A package's public face that loads each part on first use (PEP 562 module `__getattr__`).

`from tasks.schedule import uid_host` should cost the module that defines `uid_host`, not every
part of the package: an eager face would make the feed server import pandas through the plan
importer. Each name is loaded once, then kept on the package like an ordinary attribute."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping


def lazy_face(
    package: str, parts: Mapping[str, tuple[str, ...]]
) -> tuple[list[str], Callable[[str], object]]:
    """`__all__` and `__getattr__` for `package`, whose module `parts[m]` defines those names."""
    owners = {name: f"{package}.{module}" for module, names in parts.items() for name in names}

    def load(name: str) -> object:
        if name not in owners:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(owners[name]), name)
        setattr(sys.modules[package], name, value)
        return value

    return sorted(owners), load
