-- Readiness after a failed write (`/readyz`) commits a 64 KiB row here: a database that
-- cannot take it (a full disk) is not ready. One row, rewritten by each probe; not part of
-- the record or its views.
CREATE TABLE write_probe (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    pad BLOB    NOT NULL
) STRICT;
