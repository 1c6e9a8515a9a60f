-- +goose Up
-- Work management: projects, task groups, labels, statuses, tasks and what hangs off them, milestones,
-- and the in-app notifications that task changes produce.

CREATE TABLE projects (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name            text NOT NULL,
    description     text NOT NULL DEFAULT '',
    client_id       uuid,
    color           text NOT NULL DEFAULT '#6366f1',
    status          text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
    billable        boolean NOT NULL DEFAULT true,
    hourly_rate     bigint CHECK (hourly_rate >= 0),
    created_by      uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX projects_org_idx ON projects (organization_id, status, lower(name));

CREATE TABLE project_members (
    project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       text NOT NULL DEFAULT 'member' CHECK (role IN ('manager', 'member')),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (project_id, user_id)
);
CREATE INDEX project_members_user_idx ON project_members (user_id, project_id);

CREATE TABLE task_groups (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    project_id      uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    name            text NOT NULL,
    position        int NOT NULL,
    is_default      boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX task_groups_project_idx ON task_groups (project_id, position);
-- Every project has exactly one default group, which receives the tasks of deleted groups.
CREATE UNIQUE INDEX task_groups_default_key ON task_groups (project_id) WHERE is_default;

CREATE TABLE collapsed_task_groups (
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    group_id   uuid NOT NULL REFERENCES task_groups (id) ON DELETE CASCADE,
    project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, group_id)
);
CREATE INDEX collapsed_task_groups_project_idx ON collapsed_task_groups (user_id, project_id);

CREATE TABLE labels (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name            text NOT NULL,
    color           text NOT NULL DEFAULT '#64748b',
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX labels_org_name_key ON labels (organization_id, lower(name));

-- Custom statuses of an organization; the built-ins open, in_progress, done and closed are not rows.
CREATE TABLE task_statuses (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id   uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    code              text NOT NULL,
    label             text NOT NULL,
    color             text NOT NULL,
    position          int NOT NULL,
    is_terminal       boolean NOT NULL DEFAULT false,
    supports_progress boolean NOT NULL DEFAULT false,
    progress_editable boolean NOT NULL DEFAULT false,
    on_complete       text NOT NULL DEFAULT 'none' CHECK (on_complete IN ('none', 'auto_advance')),
    next_status_code  text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX task_statuses_org_code_key ON task_statuses (organization_id, code);

CREATE TABLE tasks (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    project_id      uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    group_id        uuid NOT NULL REFERENCES task_groups (id),
    title           text NOT NULL,
    description     text NOT NULL DEFAULT '',
    status          text NOT NULL DEFAULT 'open',
    priority        text NOT NULL DEFAULT 'medium' CHECK (priority IN ('low', 'medium', 'high', 'urgent')),
    -- urgent > high > medium > low, for sort=priority.
    priority_rank   smallint GENERATED ALWAYS AS (CASE priority WHEN 'urgent' THEN 4 WHEN 'high' THEN 3 WHEN 'medium' THEN 2 ELSE 1 END) STORED,
    assignee_id     uuid REFERENCES users (id) ON DELETE SET NULL,
    reporter_id     uuid REFERENCES users (id) ON DELETE SET NULL,
    start_date      date,
    due_date        date,
    estimated_hours numeric(10, 2) CHECK (estimated_hours >= 0),
    complexity      smallint CHECK (complexity IN (1, 2, 3, 5, 8)),
    progress        smallint NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    position        int NOT NULL,
    completed_at    timestamptz,
    search          tsvector GENERATED ALWAYS AS (
                        setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', description), 'B')) STORED,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT tasks_dates_check CHECK (start_date IS NULL OR due_date IS NULL OR start_date <= due_date),
    -- Positions within a group are dense and unique; reorders renumber inside one transaction.
    CONSTRAINT tasks_group_position_key UNIQUE (group_id, position) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX tasks_org_project_idx ON tasks (organization_id, project_id, group_id, position);
CREATE INDEX tasks_org_created_idx ON tasks (organization_id, created_at DESC, id);
CREATE INDEX tasks_org_updated_idx ON tasks (organization_id, updated_at DESC, id);
CREATE INDEX tasks_org_priority_idx ON tasks (organization_id, priority_rank DESC, created_at DESC, id);
CREATE INDEX tasks_assignee_idx ON tasks (assignee_id, due_date) WHERE assignee_id IS NOT NULL;
CREATE INDEX tasks_project_status_idx ON tasks (project_id, status);
CREATE INDEX tasks_search_idx ON tasks USING gin (search);

CREATE TABLE task_labels (
    task_id  uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    label_id uuid NOT NULL REFERENCES labels (id) ON DELETE CASCADE,
    PRIMARY KEY (task_id, label_id)
);
CREATE INDEX task_labels_label_idx ON task_labels (label_id, task_id);

CREATE TABLE task_comments (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    task_id         uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    user_id         uuid REFERENCES users (id) ON DELETE SET NULL,
    body            text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX task_comments_task_idx ON task_comments (task_id, created_at);

CREATE TABLE task_checklist_items (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    task_id         uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    title           text NOT NULL,
    completed       boolean NOT NULL DEFAULT false,
    position        int NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX task_checklist_items_task_idx ON task_checklist_items (task_id, position);

CREATE TABLE task_dependencies (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    task_id         uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    depends_on_id   uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    dependency_type text NOT NULL CHECK (dependency_type IN ('blocks', 'blocked_by')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT task_dependencies_pair_key UNIQUE (task_id, depends_on_id),
    CONSTRAINT task_dependencies_self_check CHECK (task_id <> depends_on_id)
);
CREATE INDEX task_dependencies_org_idx ON task_dependencies (organization_id);
CREATE INDEX task_dependencies_depends_idx ON task_dependencies (depends_on_id);

CREATE TABLE task_recurrences (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id    uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    task_id            uuid NOT NULL UNIQUE REFERENCES tasks (id) ON DELETE CASCADE,
    recurrence_pattern text NOT NULL,
    next_due_date      date,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE milestones (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    project_id      uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    title           text NOT NULL,
    target_date     date NOT NULL,
    color           text NOT NULL DEFAULT '#6366f1',
    description     text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX milestones_project_idx ON milestones (project_id, target_date);

CREATE TABLE notifications (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid REFERENCES organizations (id) ON DELETE CASCADE,
    user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    type            text NOT NULL,
    title           text NOT NULL,
    body            text NOT NULL DEFAULT '',
    data            jsonb NOT NULL DEFAULT '{}',
    read_at         timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notifications_user_idx ON notifications (user_id, created_at DESC);
CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE read_at IS NULL;

-- Missing rows mean every channel is enabled.
CREATE TABLE notification_preferences (
    user_id           uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    notification_type text NOT NULL CHECK (notification_type IN ('task_assigned', 'task_commented', 'task_status_changed', 'invoice_paid', 'chat_mentioned')),
    email_enabled     boolean NOT NULL DEFAULT true,
    push_enabled      boolean NOT NULL DEFAULT true,
    in_app_enabled    boolean NOT NULL DEFAULT true,
    PRIMARY KEY (user_id, notification_type)
);

-- +goose Down
DROP TABLE notification_preferences, notifications, milestones, task_recurrences, task_dependencies,
    task_checklist_items, task_comments, task_labels, tasks, task_statuses, labels, collapsed_task_groups,
    task_groups, project_members, projects;
