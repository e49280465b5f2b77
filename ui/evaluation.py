"""Page being built in this change."""

import streamlit as st


def render() -> None:
    st.write("…")
