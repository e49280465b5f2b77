-- The store of an index generation (`store.py`): documents, their passages (chunks), the
-- statements of each passage, the targets table and the embedding cache.
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    file_name TEXT UNIQUE NOT NULL,
    source_format TEXT NOT NULL,
    text TEXT NOT NULL,
    title TEXT NOT NULL,
    year INTEGER,
    years TEXT NOT NULL,
    region TEXT,
    province TEXT,
    doc_type TEXT,
    issuer TEXT,
    published TEXT,
    added TEXT NOT NULL,
    ocr TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE IF NOT EXISTS chunks (
    vid INTEGER PRIMARY KEY AUTOINCREMENT,
    chunk_id TEXT NOT NULL,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    section TEXT NOT NULL,
    year INTEGER,
    kind TEXT,
    embed_key TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id);
CREATE TABLE IF NOT EXISTS targets (
    tid INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    indicator TEXT NOT NULL,
    value REAL NOT NULL,
    value_max REAL,
    unit TEXT NOT NULL,
    qualifier TEXT,
    kind TEXT,
    year INTEGER,
    section TEXT NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    figure_start INTEGER NOT NULL,
    figure_end INTEGER NOT NULL,
    embed_key TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS targets_doc ON targets(doc_id);
CREATE TABLE IF NOT EXISTS statements (
    vid INTEGER NOT NULL REFERENCES chunks(vid) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    embed_key TEXT NOT NULL,
    PRIMARY KEY (vid, ordinal)
);
CREATE TABLE IF NOT EXISTS embeddings (
    key TEXT PRIMARY KEY,
    vector BLOB NOT NULL
);
