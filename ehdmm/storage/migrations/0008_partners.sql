-- 0008: several respondents per authority and round, their independent responses, and the
-- consensus the authority's lead submits as the authority's return.
--
-- Responses never count in benchmarks: they live in tables of their own (scoring reads
-- `submissions` only). The consensus is an ordinary form submission in `submissions`; the
-- tables below record how it was reached (the respondents' median, the level set, the reason
-- where they differ, and the responses it drew on).

-- An authority user may be the authority's lead: they invite respondents and set the consensus.
ALTER TABLE users ADD COLUMN lead BOOLEAN DEFAULT FALSE;

CREATE SEQUENCE respondent_ids START 1;

-- A respondent of an authority for one round: someone who signs in (email, stored lower-case)
-- or, in local mode, a named entry (email NULL). `role_label` is free text ("Police").
CREATE TABLE respondents (
    id BIGINT PRIMARY KEY,
    authority_code VARCHAR NOT NULL,
    round_id VARCHAR NOT NULL,
    email VARCHAR,
    name VARCHAR NOT NULL,
    role_label VARCHAR NOT NULL,
    invited_at TIMESTAMP NOT NULL,
    invited_by VARCHAR,
    synthetic BOOLEAN NOT NULL DEFAULT FALSE
);

-- A respondent's response (one per respondent): a draft saved as they go, then submitted (and
-- from then on read-only). `revision` serialises writes as `assessment_heads` does for returns.
-- `copied_from` is the round whose response or return the draft was started from (NULL: typed).
CREATE TABLE responses (
    respondent_id BIGINT PRIMARY KEY,
    status VARCHAR NOT NULL CHECK (status IN ('draft', 'submitted')),
    guided BOOLEAN,
    copied_from VARCHAR,
    revision BIGINT NOT NULL,
    saved_at TIMESTAMP,
    saved_by VARCHAR,
    submitted_at TIMESTAMP,
    synthetic BOOLEAN NOT NULL DEFAULT FALSE
);

-- A response's content, with the columns of `ratings`, `checklist_answers` and
-- `statement_ticks` (a draft may hold evidence without a level yet).
CREATE TABLE response_ratings (
    respondent_id BIGINT NOT NULL,
    dimension_id VARCHAR NOT NULL,
    level INTEGER CHECK (level BETWEEN 1 AND 4),
    evidence VARCHAR,
    confidence VARCHAR CHECK (confidence IN ('low', 'medium', 'high')),
    proposed_level INTEGER,
    override_reason VARCHAR
);

CREATE TABLE response_checklist (
    respondent_id BIGINT NOT NULL,
    item_id VARCHAR NOT NULL,
    in_place BOOLEAN,
    note VARCHAR
);

CREATE TABLE response_ticks (
    respondent_id BIGINT NOT NULL,
    dimension_id VARCHAR NOT NULL,
    level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4),
    statement INTEGER NOT NULL CHECK (statement >= 0)
);

-- A consensus: the submission it made, per dimension the respondents' median (rounded down),
-- the level set and the reason where it differs, and the responses it drew on.
CREATE TABLE consensus_levels (
    submission_id BIGINT NOT NULL,
    dimension_id VARCHAR NOT NULL,
    median_level INTEGER,
    level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4),
    reason VARCHAR,
    PRIMARY KEY (submission_id, dimension_id)
);

CREATE TABLE consensus_sources (
    submission_id BIGINT NOT NULL,
    respondent_id BIGINT NOT NULL,
    PRIMARY KEY (submission_id, respondent_id)
);
