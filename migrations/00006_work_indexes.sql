-- +goose Up
-- Indexes for the task list at scale (docs/PERFORMANCE.md has the EXPLAIN notes). Both lead with the column a list
-- is usually narrowed by, then the status filter, then the order of sort=priority, so that a page of a project's
-- (or a person's) tasks of one status is read straight off the index, 25 entries, instead of walking the
-- organization-wide priority index and throwing away the other projects' tasks. INCLUDE (organization_id) lets
-- the list's count(*), which always filters on the organization, run as an index-only scan.

-- Replaces tasks_project_status_idx (project_id, status), a prefix of it.
CREATE INDEX tasks_project_status_rank_idx ON tasks (project_id, status, priority_rank DESC, created_at DESC, id)
    INCLUDE (organization_id);
DROP INDEX tasks_project_status_idx;

-- "My open tasks": assignee and status. project_id is included for the visibility condition of plain members.
CREATE INDEX tasks_assignee_status_rank_idx ON tasks (assignee_id, status, priority_rank DESC, created_at DESC, id)
    INCLUDE (organization_id, project_id)
    WHERE assignee_id IS NOT NULL;

-- +goose Down
DROP INDEX tasks_assignee_status_rank_idx;
CREATE INDEX tasks_project_status_idx ON tasks (project_id, status);
DROP INDEX tasks_project_status_rank_idx;
