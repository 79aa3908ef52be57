-- 0007: targets and improvement plans.
--
-- Both keep their history as submissions do: a change inserts a new row and the row it
-- replaces points at it (`superseded_by`); nothing is updated in place but that pointer, and
-- nothing is deleted. The current target of an authority and dimension, and the current
-- version of an action, are the rows with `superseded_by IS NULL`.

CREATE SEQUENCE target_ids START 1;

-- An authority's target level for a dimension and the round by which it aims to reach it.
-- `set_in_round` is the latest round when the target was set and `baseline_level` the
-- authority's level then (NULL without a submission), against which progress is read.
-- A row with `target_level` NULL withdraws the target (kept as history).
CREATE TABLE targets (
    id BIGINT PRIMARY KEY,
    authority_code VARCHAR NOT NULL,
    dimension_id VARCHAR NOT NULL,
    target_level INTEGER CHECK (target_level BETWEEN 1 AND 4),
    target_round VARCHAR,
    set_in_round VARCHAR,
    baseline_level INTEGER,
    set_at TIMESTAMP NOT NULL,
    set_by VARCHAR,
    superseded_by BIGINT,
    synthetic BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE SEQUENCE plan_row_ids START 1;
CREATE SEQUENCE plan_action_ids START 1;

-- One version of an action of an authority's improvement plan. `action_id` is the action's
-- stable id across its versions; `statements` are descriptor statements of the model (its own
-- words), one per line.
CREATE TABLE plan_actions (
    id BIGINT PRIMARY KEY,
    action_id BIGINT NOT NULL,
    authority_code VARCHAR NOT NULL,
    dimension_id VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    statements VARCHAR NOT NULL,
    owner VARCHAR,
    due DATE,
    status VARCHAR NOT NULL CHECK (status IN ('planned', 'in progress', 'done', 'dropped')),
    note VARCHAR,
    saved_at TIMESTAMP NOT NULL,
    saved_by VARCHAR,
    superseded_by BIGINT,
    synthetic BOOLEAN NOT NULL DEFAULT FALSE
);
