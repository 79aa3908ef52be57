-- 0006: running a round nationally. A round's state set by the national team, reopenings of a
-- closed round for one authority, moderation queries on submitted ratings, and groups proposed
-- by authority users.

-- NULL: the state follows the dates (planned before `opens`, closed after `closes`) and, for a
-- round without dates (made by an import), the round is closed once a later round exists.
-- 'open' or 'closed': set by the national team, whatever the dates say.
ALTER TABLE rounds ADD COLUMN status VARCHAR;

CREATE SEQUENCE reopening_ids START 1;

-- A closed round reopened for one authority: it may submit until the reopening is ended
-- (`ended_at`, set when the round is closed again). Rows are never deleted.
CREATE TABLE round_reopenings (
    id BIGINT PRIMARY KEY,
    round_id VARCHAR NOT NULL,
    authority_code VARCHAR NOT NULL,
    reopened_at TIMESTAMP NOT NULL,
    reopened_by VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    ended_at TIMESTAMP,
    ended_by VARCHAR
);

CREATE SEQUENCE query_ids START 1;

-- A national team's question about one submitted rating. It never changes a level: the
-- authority answers it (and may submit a revised return); the national team resolves it.
CREATE TABLE queries (
    id BIGINT PRIMARY KEY,
    round_id VARCHAR NOT NULL,
    authority_code VARCHAR NOT NULL,
    dimension_id VARCHAR NOT NULL,
    submission_id BIGINT NOT NULL,         -- the submission the query is about
    question VARCHAR NOT NULL,
    suggested_level INTEGER,               -- 1-4 or NULL
    raised_at TIMESTAMP NOT NULL,
    raised_by VARCHAR NOT NULL,
    answer VARCHAR,
    answered_at TIMESTAMP,
    answered_by VARCHAR,
    revised_submission_id BIGINT,          -- a submission made with the answer, if any
    resolution VARCHAR,
    resolved_at TIMESTAMP,
    resolved_by VARCHAR
);

CREATE SEQUENCE proposal_ids START 1;

-- A custom group proposed by an authority user; the national team creates it or declines it.
CREATE TABLE group_proposals (
    id BIGINT PRIMARY KEY,
    name VARCHAR NOT NULL,
    members VARCHAR NOT NULL,              -- ONS codes, comma-separated, sorted
    proposed_at TIMESTAMP NOT NULL,
    proposed_by VARCHAR NOT NULL,
    authority_code VARCHAR NOT NULL,       -- the proposer's authority
    outcome VARCHAR,                       -- NULL pending, 'accepted' or 'declined'
    decided_at TIMESTAMP,
    decided_by VARCHAR,
    reason VARCHAR
);
