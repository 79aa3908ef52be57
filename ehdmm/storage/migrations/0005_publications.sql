-- 0005: disclosure control. Publications (frozen snapshots of a round: for every authority,
-- the submission that was current when the national team published), published custom
-- groups, and every authority's secret record key (for the cell-key method).

CREATE SEQUENCE publication_ids START 1;

-- Append-only: a re-publication is a new row; the latest per round is what authority users see.
CREATE TABLE publications (
    id BIGINT PRIMARY KEY,
    round_id VARCHAR NOT NULL,
    published_at TIMESTAMP NOT NULL,
    published_by VARCHAR NOT NULL,
    held_back INTEGER NOT NULL DEFAULT 0,   -- authorities kept at their earlier submission
    synthetic BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE publication_members (
    publication_id BIGINT NOT NULL,
    authority_code VARCHAR NOT NULL,
    submission_id BIGINT NOT NULL,
    PRIMARY KEY (publication_id, authority_code)
);

-- A custom group that authority users may choose (a row while published).
CREATE TABLE published_groups (
    group_name VARCHAR PRIMARY KEY,
    published_at TIMESTAMP NOT NULL,
    published_by VARCHAR NOT NULL
);

-- Secret: never shown or exported (backups keep it). 0 to 255, made once per authority.
CREATE TABLE record_keys (
    authority_code VARCHAR PRIMARY KEY,
    record_key INTEGER NOT NULL CHECK (record_key BETWEEN 0 AND 255)
);

INSERT INTO record_keys (authority_code, record_key)
SELECT code, CAST(floor(random() * 256) AS INTEGER) % 256 FROM authorities;
