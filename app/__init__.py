"""The library the CLI, the web app and the evaluations share: search, ask, corpus, evaluate.

`app.search.search` and `app.answer.answer` are imported from their modules; re-exporting them
here would shadow the modules of the same name.
"""

from .answer import Answer, answer_with
from .engine import Engine
from .hits import Hit, SearchResult
from .query import Question
from .settings import Settings, load_settings

__all__ = [
    "Answer",
    "Engine",
    "Hit",
    "Question",
    "SearchResult",
    "Settings",
    "answer_with",
    "load_settings",
]
