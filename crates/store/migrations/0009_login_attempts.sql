-- Sign-in under attack (issue 12). Every attempt is recorded before its password is
-- checked and counted per user name, per client address and per pair, so that parallel
-- guesses cannot all slip under the limit; a success clears the pair's attempts.
CREATE TABLE login_attempts (
    id {id_pk},
    username TEXT NOT NULL,
    client TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX login_attempts_user ON login_attempts (username, at);
CREATE INDEX login_attempts_client ON login_attempts (client, at);
DROP TABLE login_failures;

-- Secrets the app servers share (the key that signs login forms), made once.
CREATE TABLE server_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
