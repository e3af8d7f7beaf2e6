-- A household's own history (issue 25): every change of its records and every record of
-- it deleted, found by the household's code (not by reading the log's JSON), and a
-- deleted record's restoration kept on its tombstone so that it is restored once.
ALTER TABLE audit_log ADD COLUMN household_code TEXT;
ALTER TABLE tombstones ADD COLUMN household_code TEXT;
ALTER TABLE tombstones ADD COLUMN restored_at TEXT;
ALTER TABLE tombstones ADD COLUMN restored_by TEXT;
UPDATE audit_log SET household_code = COALESCE({json:entity_key:household_code},
    {json:new_value:household_code}, {json:old_value:household_code})
 WHERE action IN ('insert', 'update', 'move', 'delete')
   AND entity IN ('households', 'members', 'consents', 'assessments', 'assignments',
                  'supports', 'project_members');
UPDATE tombstones SET household_code = COALESCE({json:entity_key:household_code},
    {json:content:household_code})
 WHERE entity IN ('households', 'members', 'consents', 'assessments', 'assignments',
                  'supports', 'project_members');
CREATE INDEX audit_log_household ON audit_log (household_code);
CREATE INDEX tombstones_household ON tombstones (household_code);
