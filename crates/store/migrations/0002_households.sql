-- Poverty standards as data (domain.md): national ones are seeded by the application,
-- a province may add its own.
CREATE TABLE poverty_standards (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    unit_code TEXT,
    valid_from TEXT NOT NULL,
    valid_to TEXT NOT NULL,
    poverty_line_rural BIGINT NOT NULL,
    poverty_line_urban BIGINT NOT NULL,
    average_line_rural BIGINT,
    average_line_urban BIGINT,
    poor_min_deprivations BIGINT NOT NULL
);

CREATE TABLE standard_indicators (
    standard_code TEXT NOT NULL,
    position BIGINT NOT NULL,
    code TEXT NOT NULL,
    service TEXT NOT NULL,
    label_vi TEXT NOT NULL,
    PRIMARY KEY (standard_code, code)
);

-- unit_id is the unit version valid on registered_on (resolved at import).
CREATE TABLE households (
    household_code TEXT PRIMARY KEY,
    unit_code TEXT NOT NULL,
    unit_id BIGINT NOT NULL,
    registered_on TEXT NOT NULL,
    head_name TEXT NOT NULL,
    head_name_folded TEXT NOT NULL,
    head_gender TEXT NOT NULL,
    area TEXT NOT NULL,
    ethnic_minority BIGINT NOT NULL,
    size BIGINT NOT NULL,
    extra TEXT
);
CREATE INDEX households_unit ON households (unit_id);
CREATE INDEX households_name ON households (head_name_folded);

CREATE TABLE members (
    household_code TEXT NOT NULL,
    member_no BIGINT NOT NULL,
    full_name TEXT NOT NULL,
    name_folded TEXT NOT NULL,
    gender TEXT NOT NULL,
    birth_year BIGINT,
    citizen_id TEXT,
    union_member BIGINT,
    phone TEXT,
    extra TEXT,
    PRIMARY KEY (household_code, member_no)
);
CREATE INDEX members_citizen_id ON members (citizen_id);
CREATE INDEX members_phone ON members (phone);
CREATE INDEX members_name ON members (name_folded);

-- status is the decision that stands (given, or computed when the file left it empty);
-- computed_status is what the standard in force says, kept to show disagreements.
CREATE TABLE assessments (
    household_code TEXT NOT NULL,
    year BIGINT NOT NULL,
    kind TEXT NOT NULL,
    assessed_on TEXT NOT NULL,
    income_per_capita_vnd BIGINT,
    deprivations TEXT NOT NULL,
    status TEXT NOT NULL,
    status_given BIGINT NOT NULL,
    computed_status TEXT,
    standard_code TEXT,
    extra TEXT,
    PRIMARY KEY (household_code, year, kind)
);
CREATE INDEX assessments_date ON assessments (assessed_on);

CREATE TABLE assignments (
    household_code TEXT NOT NULL,
    unit_code TEXT NOT NULL,
    year BIGINT NOT NULL,
    assigned_on TEXT NOT NULL,
    unit_id BIGINT NOT NULL,
    extra TEXT,
    PRIMARY KEY (household_code, unit_code, year)
);
CREATE INDEX assignments_year ON assignments (year);
