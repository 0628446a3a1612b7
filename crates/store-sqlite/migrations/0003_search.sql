-- The search index: one row per searchable entry (a provision, a document's language
-- version), written in the same transaction as the view it comes from. The text is
-- normalized in Rust (plenary_domain::search) and indexed as it is: the tokenizer only
-- splits on spaces, so SQLite and PostgreSQL see the same tokens.
CREATE TABLE search_entries (
    n          INTEGER PRIMARY KEY,
    id         TEXT NOT NULL UNIQUE,
    source     TEXT NOT NULL,
    kind       TEXT NOT NULL,
    language   TEXT NOT NULL,
    conference TEXT,
    grp        TEXT,
    day        TEXT,
    status     TEXT,
    scope      TEXT,
    body       TEXT NOT NULL
) STRICT;
CREATE INDEX search_entries_by_source ON search_entries (source);

CREATE TABLE search_sponsors (
    n       INTEGER NOT NULL REFERENCES search_entries (n) ON DELETE CASCADE,
    sponsor TEXT    NOT NULL,
    PRIMARY KEY (n, sponsor)
) STRICT, WITHOUT ROWID;
CREATE INDEX search_sponsors_by_sponsor ON search_sponsors (sponsor, n);

-- rowid = search_entries.n; the tokens are not stored twice.
CREATE VIRTUAL TABLE search_fts USING fts5(
    tokens,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 0'
);
