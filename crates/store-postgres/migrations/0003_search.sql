-- The search index: one row per searchable entry (a provision, a document's language
-- version), written in the same transaction as the view it comes from. The text is
-- normalized in Rust (plenary_domain::search) and indexed with the 'simple'
-- configuration (no further stemming or stop words), so SQLite and PostgreSQL see the
-- same tokens and find the same set.
CREATE TABLE search_entries (
    id         TEXT PRIMARY KEY,
    source     TEXT     NOT NULL,
    kind       TEXT     NOT NULL,
    language   TEXT     NOT NULL,
    conference TEXT,
    grp        TEXT,
    day        TEXT,
    status     TEXT,
    scope      TEXT,
    sponsors   TEXT[]   NOT NULL,
    body       TEXT     NOT NULL,
    tokens     tsvector NOT NULL
);
CREATE INDEX search_entries_by_source ON search_entries (source);
CREATE INDEX search_entries_tokens ON search_entries USING GIN (tokens);
