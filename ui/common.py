"""What every page shares: settings, the engine (loaded once per server), language, rendering."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

import streamlit as st

from app.corpus import Facets
from app.engine import Engine
from app.search import Hit
from app.settings import Settings, load_settings
from index.errors import IndexMissingError
from index.filters import Filters
from ingest.errors import EduqaError

from .text import TEXT


def settings() -> Settings:
    return load_settings()


@st.cache_resource(show_spinner=False)
def _engine(index_dir: str, model: str, backend: str) -> Engine:
    """One engine per index and model, shared by every session of this server (the arguments
    are the cache key; the settings come from the environment)."""
    return Engine.open(load_settings())


def engine() -> Engine | None:
    """The shared engine, switched to the newest index generation; None (and a message saying
    what to do) when there is no index yet."""
    current = settings()
    try:
        with st.spinner(t("loading")):
            eng = _engine(str(current.index_dir), current.model, str(current.backend))
        eng.refresh()
        return eng
    except IndexMissingError:
        st.warning(t("no_index"))
        return None
    except EduqaError as error:
        st.error(str(error))
        return None


def forget_engine() -> None:
    """Drop the cached engine (after a rebuild from this page)."""
    _engine.clear()


def t(key: str) -> str:
    """Interface text in the chosen language (Chinese by default)."""
    zh, en = TEXT[key]
    return en if st.session_state.get("lang") == "English" else zh


def marked(text: str, start: int, end: int) -> str:
    """HTML of a text with [start:end] highlighted; everything escaped, line breaks kept."""
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    parts = (html.escape(text[:start]), html.escape(text[start:end]), html.escape(text[end:]))
    body = f"{parts[0]}<mark>{parts[1]}</mark>{parts[2]}" if end > start else "".join(parts)
    return body.replace("\n", "<br>")


def source_line(hit: Hit) -> str:
    """Title · year · region · heading path of a passage, escaped for Markdown."""
    bits = [hit.title, str(hit.year or "—"), hit.region or "—", " › ".join(hit.section)]
    return html.escape(" · ".join(b for b in bits if b))


def highlight_terms(text: str, terms: Iterable[str]) -> str:
    """HTML of a text with every occurrence of any of the terms highlighted (longest term wins
    where two overlap); everything escaped, line breaks kept."""
    words = sorted({w for w in terms if w}, key=len, reverse=True)
    spans: list[tuple[int, int]] = []
    if words:
        pattern = re.compile("|".join(re.escape(w) for w in words))
        spans = [(m.start(), m.end()) for m in pattern.finditer(text)]
    out, last = [], 0
    for start, end in spans:
        out.append(html.escape(text[last:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        last = end
    out.append(html.escape(text[last:]))
    return "".join(out).replace("\n", "<br>")


def filter_sidebar(values: Facets, page: str, help_text: str | None = None) -> Filters:
    """The sidebar's filters by year, region and document type, the same on every page that
    has them (widget keys `{page}_years`, `{page}_regions`, `{page}_doc_types`), with the page's
    own `help_text`. Call it inside `st.sidebar`; the page adds its own controls below."""
    st.header(t("filters"), help=help_text)
    chosen = {
        name: st.multiselect(
            t(f"filter_{name}"), options, key=f"{page}_{name}", placeholder=t("choose")
        )  # fmt: skip
        for name, options in (
            ("years", values.years),
            ("regions", values.regions),
            ("doc_types", values.doc_types),
        )
    }
    return Filters(**{name: tuple(picked) for name, picked in chosen.items()})
