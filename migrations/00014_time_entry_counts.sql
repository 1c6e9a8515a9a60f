-- +goose Up
-- The time-entry list answers meta.total with every page. For an owner's organization-wide list that was an exact
-- count(*) over every entry (1,000,000 in the benchmark: 70–155 ms of CPU whatever the index; docs/PERFORMANCE.md).
-- This table keeps the number of entries per organization and user, so a list narrowed by nothing but the
-- organization and the user sums at most one row per member. Statement-level triggers with transition tables keep it
-- exact in the same transaction as the change, for single rows, bulk loads (COPY) and cascaded deletes alike.
CREATE TABLE time_entry_counts (
    organization_id uuid   NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id         uuid   NOT NULL,
    entries         bigint NOT NULL CHECK (entries >= 0),
    PRIMARY KEY (organization_id, user_id)
);
INSERT INTO time_entry_counts (organization_id, user_id, entries)
    SELECT organization_id, user_id, count(*) FROM time_entries GROUP BY organization_id, user_id;

-- +goose StatementBegin
CREATE FUNCTION time_entry_counts_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- In key order, so that two statements adding entries of several users lock the counters in the same order.
    INSERT INTO time_entry_counts AS c (organization_id, user_id, entries)
        SELECT organization_id, user_id, count(*) FROM new_entries
        GROUP BY organization_id, user_id ORDER BY organization_id, user_id
    ON CONFLICT (organization_id, user_id) DO UPDATE SET entries = c.entries + excluded.entries;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION time_entry_counts_remove() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE time_entry_counts c SET entries = c.entries - o.n
    FROM (SELECT organization_id, user_id, count(*) AS n FROM old_entries
          GROUP BY organization_id, user_id ORDER BY organization_id, user_id) o
    WHERE c.organization_id = o.organization_id AND c.user_id = o.user_id;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION time_entry_counts_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Only entries whose organization or user changed move between counters; old and new rows pair up by id.
    INSERT INTO time_entry_counts AS c (organization_id, user_id, entries)
        SELECT n.organization_id, n.user_id, count(*) FROM new_entries n JOIN old_entries o ON o.id = n.id
        WHERE (n.organization_id, n.user_id) IS DISTINCT FROM (o.organization_id, o.user_id)
        GROUP BY n.organization_id, n.user_id ORDER BY n.organization_id, n.user_id
    ON CONFLICT (organization_id, user_id) DO UPDATE SET entries = c.entries + excluded.entries;
    UPDATE time_entry_counts c SET entries = c.entries - m.n
    FROM (SELECT o.organization_id, o.user_id, count(*) AS n FROM new_entries n JOIN old_entries o ON o.id = n.id
          WHERE (n.organization_id, n.user_id) IS DISTINCT FROM (o.organization_id, o.user_id)
          GROUP BY o.organization_id, o.user_id) m
    WHERE c.organization_id = m.organization_id AND c.user_id = m.user_id;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER time_entry_counts_add AFTER INSERT ON time_entries
    REFERENCING NEW TABLE AS new_entries FOR EACH STATEMENT EXECUTE FUNCTION time_entry_counts_add();
CREATE TRIGGER time_entry_counts_remove AFTER DELETE ON time_entries
    REFERENCING OLD TABLE AS old_entries FOR EACH STATEMENT EXECUTE FUNCTION time_entry_counts_remove();
CREATE TRIGGER time_entry_counts_move AFTER UPDATE ON time_entries
    REFERENCING OLD TABLE AS old_entries NEW TABLE AS new_entries
    FOR EACH STATEMENT EXECUTE FUNCTION time_entry_counts_move();

-- +goose Down
DROP TRIGGER time_entry_counts_move ON time_entries;
DROP TRIGGER time_entry_counts_remove ON time_entries;
DROP TRIGGER time_entry_counts_add ON time_entries;
DROP FUNCTION time_entry_counts_move();
DROP FUNCTION time_entry_counts_remove();
DROP FUNCTION time_entry_counts_add();
DROP TABLE time_entry_counts;
