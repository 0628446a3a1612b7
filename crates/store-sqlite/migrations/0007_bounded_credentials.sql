-- Failed sign-ins are kept under the SHA-256 of the normalized username, never the name as
-- sent: an anonymous client chose its length (up to the body limit) and filled the disk.
-- The failures of the last window go with the old table: at worst a client gets one fresh
-- window at the upgrade. The index on `at` lets each new failure forget the expired ones.
DROP TABLE login_failures;
CREATE TABLE login_failures (
    key_sha256 TEXT NOT NULL CHECK (length(key_sha256) = 64),
    at         TEXT NOT NULL
) STRICT;
CREATE INDEX login_failures_by_key ON login_failures (key_sha256, at);
CREATE INDEX login_failures_by_time ON login_failures (at);

-- API tokens get a public id (to list and revoke them by), an expiry, and the hour they
-- last identified a request. Tokens issued before get an id from their hash (which
-- reveals nothing of the secret) and expire 90 days after they were issued.
ALTER TABLE api_tokens ADD COLUMN id TEXT NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN last_used_at TEXT;
UPDATE api_tokens
   SET id = substr(token_sha256, 1, 32),
       expires_at = strftime('%Y-%m-%dT%H:%M:%S', substr(created_at, 1, 19), '+90 days')
                    || substr(created_at, 20);
CREATE UNIQUE INDEX api_tokens_by_id ON api_tokens (id);
CREATE INDEX api_tokens_by_account ON api_tokens (account_id, created_at);
