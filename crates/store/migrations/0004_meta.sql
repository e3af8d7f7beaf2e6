-- Small counters the application keeps. units_generation grows whenever units or
-- lineage change, so that a process may keep the unit graph in memory between reports.
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO meta (key, value) VALUES ('units_generation', 0);
