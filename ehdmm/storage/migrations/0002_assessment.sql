-- 0002: self-assessment in the app (drafts, guided mode, submission).
--
-- A draft is a `submissions` row with status 'draft' and source 'form': work in progress, saved
-- as the user goes. A draft may hold a dimension with evidence but no level yet, and a checklist
-- note without a yes/no answer yet, so those two columns become nullable. Submitting requires
-- every level (and an answer for every checklist note), so submitted and superseded rows never
-- hold such NULLs; scoring reads submitted rows only.

ALTER TABLE ratings ALTER COLUMN level DROP NOT NULL;
ALTER TABLE checklist_answers ALTER COLUMN in_place DROP NOT NULL;

-- Guided mode: the level the ticked statements give (the gated level: the highest level whose
-- statements, and those of every lower level, are all ticked; NULL when not even level 1 is),
-- and the user's reason when the chosen level differs from it. (DuckDB cannot add a column
-- with a CHECK constraint: the domain code only writes 1-4 or NULL.)
ALTER TABLE ratings ADD COLUMN proposed_level INTEGER;
ALTER TABLE ratings ADD COLUMN override_reason VARCHAR;

-- Whether the submission was made in guided mode (NULL for imports and demo data).
ALTER TABLE submissions ADD COLUMN guided BOOLEAN;

-- Guided mode: the statements ticked, by their index (0-based) among the statements of the
-- model's descriptor for that dimension and level.
CREATE TABLE statement_ticks (
    submission_id BIGINT NOT NULL,
    dimension_id VARCHAR NOT NULL,
    level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4),
    statement INTEGER NOT NULL CHECK (statement >= 0),
    PRIMARY KEY (submission_id, dimension_id, level, statement)
);

-- One row per authority and round that has been assessed in the app. Every form write (a draft
-- save or a submit) increments `revision` in its transaction, which serialises concurrent form
-- writes for one authority and round (a concurrent one fails with a write conflict and is
-- retried) and lets a session tell that its copy of the draft is out of date.
CREATE TABLE assessment_heads (
    authority_code VARCHAR NOT NULL,
    round_id VARCHAR NOT NULL,
    revision BIGINT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by VARCHAR,
    PRIMARY KEY (authority_code, round_id)
);
