-- The public record: an append-only, hash-chained log of events.
CREATE TABLE events (
    seq        INTEGER PRIMARY KEY CHECK (seq > 0),
    id         TEXT    NOT NULL UNIQUE,
    at         TEXT    NOT NULL,
    actor      TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    payload    TEXT    NOT NULL,
    visibility TEXT    NOT NULL,
    prev_hash  TEXT    NOT NULL,
    hash       TEXT    NOT NULL UNIQUE
) STRICT;

-- The database itself refuses to change or remove an event.
CREATE TRIGGER events_refuse_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only: UPDATE is refused');
END;

CREATE TRIGGER events_refuse_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only: DELETE is refused');
END;

-- The end of the chain; its row is also the lock every writer takes first.
CREATE TABLE chain_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT    NOT NULL
) STRICT;
INSERT INTO chain_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Views derived from the log, written in the same transaction as the events.
CREATE TABLE docs (
    kind    TEXT    NOT NULL,
    id      TEXT    NOT NULL,
    parent  TEXT,
    version INTEGER NOT NULL,
    body    TEXT    NOT NULL,
    PRIMARY KEY (kind, id)
) STRICT, WITHOUT ROWID;
CREATE INDEX docs_by_parent ON docs (kind, parent, id);
