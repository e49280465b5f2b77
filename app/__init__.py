"""The library the CLI, the web app and the evaluations share: search, ask, corpus, evaluate.

`app.search.search` and `app.answer.answer` are imported from their modules; re-exporting them
here would shadow the modules of the same name.
"""

from .answer import Answer, answer_from, answer_with
from .engine import Engine
from .search import Hit, SearchResult
from .settings import Settings, load_settings

__all__ = [
    "Answer",
    "Engine",
    "Hit",
    "SearchResult",
    "Settings",
    "answer_from",
    "answer_with",
    "load_settings",
]
