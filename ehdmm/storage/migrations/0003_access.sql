-- 0003: who may sign in (users and their roles) and an append-only audit log.

CREATE TABLE users (
    email VARCHAR PRIMARY KEY,            -- stored lower-case
    role VARCHAR NOT NULL CHECK (role IN ('national', 'authority')),
    authority_code VARCHAR,               -- required for the authority role
    added_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    added_by VARCHAR
);

CREATE SEQUENCE audit_ids START 1;

-- Append-only: rows are inserted, never updated or deleted, by ehdmm.
CREATE TABLE audit_log (
    id BIGINT PRIMARY KEY,
    logged_at TIMESTAMP NOT NULL,
    actor VARCHAR NOT NULL,
    action VARCHAR NOT NULL,
    detail VARCHAR
);
