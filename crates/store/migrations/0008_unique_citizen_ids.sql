-- A citizen ID belongs to one person: the importer refuses a second holder, and this
-- index makes two imports racing with the same ID lose one of them instead of storing
-- it twice (the loser is told to try again).
CREATE UNIQUE INDEX members_citizen_id_unique ON members (citizen_id) WHERE citizen_id IS NOT NULL;
DROP INDEX members_citizen_id;
