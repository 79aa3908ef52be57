-- 0001: reference data, rounds, the model's dimensions, submissions, ratings, checklist, import log.
-- Append-only by design: submissions are superseded, never deleted, by normal use.

CREATE TABLE meta (
    key VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

CREATE TABLE authorities (
    code VARCHAR PRIMARY KEY,          -- ONS (GSS) code
    name VARCHAR NOT NULL,
    region VARCHAR NOT NULL,
    la_type VARCHAR NOT NULL,
    la_number INTEGER,                 -- DfE LA number
    synthetic BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE statistical_neighbours (
    authority_code VARCHAR NOT NULL,
    rank INTEGER NOT NULL,
    neighbour_code VARCHAR NOT NULL,
    closeness VARCHAR,
    PRIMARY KEY (authority_code, rank)
);

CREATE TABLE custom_groups (
    name VARCHAR PRIMARY KEY,
    description VARCHAR,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE TABLE custom_group_members (
    group_name VARCHAR NOT NULL,
    authority_code VARCHAR NOT NULL,
    PRIMARY KEY (group_name, authority_code)
);

CREATE TABLE rounds (
    id VARCHAR PRIMARY KEY,            -- YYYY-MM, ordered by date
    label VARCHAR NOT NULL,
    opens DATE,
    closes DATE,
    synthetic BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE model_dimensions (
    model_version VARCHAR NOT NULL,
    dimension_id VARCHAR NOT NULL,
    strand_id VARCHAR NOT NULL,
    strand_order INTEGER NOT NULL,
    dimension_order INTEGER NOT NULL,
    PRIMARY KEY (model_version, dimension_id)
);

CREATE SEQUENCE submission_ids START 1;
CREATE SEQUENCE import_ids START 1;

CREATE TABLE import_log (
    id BIGINT PRIMARY KEY,
    logged_at TIMESTAMP NOT NULL,
    actor VARCHAR,
    file_name VARCHAR NOT NULL,
    content_hash VARCHAR NOT NULL,
    layout VARCHAR,
    outcome VARCHAR NOT NULL CHECK (outcome IN ('imported', 'no-op')),
    submissions INTEGER NOT NULL DEFAULT 0,
    ratings INTEGER NOT NULL DEFAULT 0,
    message VARCHAR
);

CREATE TABLE submissions (
    id BIGINT PRIMARY KEY,
    authority_code VARCHAR NOT NULL,
    round_id VARCHAR NOT NULL,
    model_version VARCHAR NOT NULL,
    status VARCHAR NOT NULL CHECK (status IN ('draft', 'submitted', 'superseded')),
    source VARCHAR NOT NULL CHECK (source IN ('form', 'import', 'demo')),
    source_file VARCHAR,
    content_hash VARCHAR,
    submitted_at TIMESTAMP,
    submitted_by VARCHAR,
    note VARCHAR,
    import_id BIGINT,
    superseded_by BIGINT,
    synthetic BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);
CREATE INDEX submissions_authority_round ON submissions (authority_code, round_id);

CREATE TABLE ratings (
    submission_id BIGINT NOT NULL,
    dimension_id VARCHAR NOT NULL,
    level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4),
    evidence VARCHAR,
    confidence VARCHAR CHECK (confidence IN ('low', 'medium', 'high')),
    PRIMARY KEY (submission_id, dimension_id)
);

CREATE TABLE checklist_answers (
    submission_id BIGINT NOT NULL,
    item_id VARCHAR NOT NULL,
    in_place BOOLEAN NOT NULL,
    note VARCHAR,
    PRIMARY KEY (submission_id, item_id)
);
