-- A member's consent to the processing of her personal data (Law 91/2025, Decree
-- 356/2025): what it covers, who collected it, the paper form, and its withdrawal. One
-- row per member (the latest consent); a deletion leaves a tombstone like every record.
CREATE TABLE consents (
    household_code TEXT NOT NULL,
    member_no BIGINT NOT NULL,
    given_on TEXT NOT NULL,
    record_keeping BIGINT,
    sharing BIGINT,
    photos BIGINT,
    collected_by TEXT,
    form_ref TEXT,
    withdrawn_on TEXT,
    extra TEXT,
    PRIMARY KEY (household_code, member_no)
);
CREATE INDEX consents_withdrawn ON consents (withdrawn_on);
