"""Streamlit pages of eduqa: thin views over the `app` library."""
