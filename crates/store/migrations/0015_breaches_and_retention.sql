-- Personal-data breaches (Decree 356/2025: the authority is told within 72 hours of the
-- discovery): what was found, when and by whom, which account and span it may concern
-- (for the estimate of the people affected from the access log), and when the authority
-- and the people were told. Its steps are rows of their own.
CREATE TABLE breaches (
    id {id_pk},
    found_at TEXT NOT NULL,
    what TEXT NOT NULL,
    found_by TEXT NOT NULL,
    account TEXT,
    window_from TEXT,
    window_to TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    authority_notified_at TEXT,
    people_notified_at TEXT,
    closed_at TEXT
);
CREATE TABLE breach_steps (
    id {id_pk},
    breach_id BIGINT NOT NULL,
    at TEXT NOT NULL,
    by_actor TEXT NOT NULL,
    what TEXT NOT NULL
);
CREATE INDEX breach_steps_breach ON breach_steps (breach_id, id);

-- How many years a household may go without any record before it is listed for review
-- and anonymisation (an administrator sets it).
INSERT INTO meta (key, value) VALUES ('retention_years', 5);

-- The access log is searched by action and time (a breach's estimate).
CREATE INDEX audit_log_action_at ON audit_log (action, at);
