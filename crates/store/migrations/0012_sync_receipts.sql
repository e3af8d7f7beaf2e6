-- Entries made on a phone without a network and sent later (issue 16). Each carries an id
-- the phone made; the receipt is written in the same transaction as the entry, so a
-- retry of an entry already stored (its answer lost with the connection) is recognised
-- here and never stored twice.
CREATE TABLE sync_receipts (
    client_id TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    record_key TEXT NOT NULL,
    received_at TEXT NOT NULL
);
