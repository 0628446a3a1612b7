-- The public record: an append-only, hash-chained log of events.
-- payload is TEXT, not jsonb: the chain commits to its exact canonical bytes.
CREATE TABLE events (
    seq        BIGINT PRIMARY KEY CHECK (seq > 0),
    id         TEXT   NOT NULL UNIQUE,
    at         TEXT   NOT NULL,
    actor      TEXT   NOT NULL,
    kind       TEXT   NOT NULL,
    payload    TEXT   NOT NULL,
    visibility TEXT   NOT NULL,
    prev_hash  TEXT   NOT NULL,
    hash       TEXT   NOT NULL UNIQUE
);

-- The database itself refuses to change or remove an event.
CREATE FUNCTION plenary_refuse_event_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events are append-only: % is refused', TG_OP;
END
$$;

CREATE TRIGGER events_refuse_update_delete BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION plenary_refuse_event_change();
CREATE TRIGGER events_refuse_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION plenary_refuse_event_change();

-- The end of the chain; its row is also the lock every writer takes first.
CREATE TABLE chain_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash TEXT   NOT NULL
);
INSERT INTO chain_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Views derived from the log, written in the same transaction as the events.
CREATE TABLE docs (
    kind    TEXT   NOT NULL,
    id      TEXT   NOT NULL,
    parent  TEXT,
    version BIGINT NOT NULL,
    body    TEXT   NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE INDEX docs_by_parent ON docs (kind, parent, id);
