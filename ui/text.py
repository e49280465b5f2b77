"""Interface strings: (Chinese, English). Chinese is the default."""

TEXT: dict[str, tuple[str, str]] = {
    "app_title": ("eduqa 教育政策问答", "eduqa — education plan Q&A"),
    "loading": ("加载索引和模型…", "Loading the index and the model…"),
    "no_index": (
        "还没有索引。在“文档”页上传文件，或运行 `make build`（`eduqa build`）把 corpus/ 建入索引。",
        "No index yet. Upload files on the Documents page, or run `make build` (`eduqa build`).",
    ),
    "page_ask": ("问答", "Ask"),
    "page_compare": ("对比", "Compare"),
    "page_documents": ("文档", "Documents"),
    "page_evaluation": ("评测", "Evaluation"),
    "language": ("语言 / Language", "语言 / Language"),
}
