-- The documents with a restriction in force, found without reading every document: search
-- and the event log need them on every request (Backend::restricted_documents).
CREATE INDEX docs_restricted ON docs (kind, id)
    WHERE json_extract(body, '$.restriction') IS NOT NULL;
