-- Data contract v1.2: a member's ethnic group (the statistics office's code, 01–54) and
-- what a support gave. Both optional: rows stored before keep them empty.
ALTER TABLE members ADD COLUMN ethnicity TEXT;
ALTER TABLE supports ADD COLUMN item TEXT;
