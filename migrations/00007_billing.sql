-- +goose Up
-- Time tracking, clients, invoices and payments. Money is integer cents; quantities and rates are numeric.

CREATE TABLE clients (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name            text NOT NULL,
    email           text NOT NULL DEFAULT '',
    phone           text NOT NULL DEFAULT '',
    address         jsonb NOT NULL DEFAULT '{}',
    currency        text,
    hourly_rate     bigint CHECK (hourly_rate >= 0),
    notes           text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX clients_org_name_idx ON clients (organization_id, lower(name));

-- projects.client_id existed before clients did; from now on it must name a client.
UPDATE projects SET client_id = NULL WHERE client_id IS NOT NULL;
ALTER TABLE projects ADD CONSTRAINT projects_client_fkey FOREIGN KEY (client_id) REFERENCES clients (id) ON DELETE SET NULL;
CREATE INDEX projects_client_idx ON projects (client_id) WHERE client_id IS NOT NULL;

CREATE TABLE client_contacts (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    client_id       uuid NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    name            text NOT NULL,
    email           text NOT NULL DEFAULT '',
    phone           text NOT NULL DEFAULT '',
    role            text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX client_contacts_client_idx ON client_contacts (client_id, lower(name));

CREATE TABLE client_activities (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    client_id       uuid NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    user_id         uuid REFERENCES users (id) ON DELETE SET NULL,
    type            text NOT NULL CHECK (type IN ('meeting', 'call', 'email', 'note')),
    title           text NOT NULL,
    description     text NOT NULL DEFAULT '',
    date            timestamptz NOT NULL DEFAULT now(),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX client_activities_client_idx ON client_activities (client_id, date DESC);

CREATE TABLE invoices (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    number          text NOT NULL,
    client_id       uuid NOT NULL REFERENCES clients (id) ON DELETE RESTRICT,
    project_id      uuid REFERENCES projects (id) ON DELETE SET NULL,
    -- overdue is not stored: a sent invoice past its due date reads overdue.
    status          text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'sent', 'paid', 'void')),
    issue_date      date NOT NULL,
    due_date        date NOT NULL,
    currency        text NOT NULL,
    notes           text NOT NULL DEFAULT '',
    tax_rate        numeric(7, 4) NOT NULL DEFAULT 0 CHECK (tax_rate >= 0 AND tax_rate <= 100),
    discount        numeric(7, 4) NOT NULL DEFAULT 0 CHECK (discount >= 0 AND discount <= 100),
    subtotal        bigint NOT NULL DEFAULT 0,
    discount_amount bigint NOT NULL DEFAULT 0,
    tax_amount      bigint NOT NULL DEFAULT 0,
    total           bigint NOT NULL DEFAULT 0,
    amount_paid     bigint NOT NULL DEFAULT 0,
    sent_at         timestamptz,
    paid_at         timestamptz,
    created_by      uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT invoices_number_key UNIQUE (organization_id, number)
);
CREATE INDEX invoices_org_status_idx ON invoices (organization_id, status, issue_date DESC);
CREATE INDEX invoices_org_issue_idx ON invoices (organization_id, issue_date DESC, id);
CREATE INDEX invoices_client_idx ON invoices (client_id, issue_date DESC);

-- Sequential invoice numbers per organization and year, handed out under a row lock.
CREATE TABLE invoice_counters (
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    year            int NOT NULL,
    last_number     int NOT NULL DEFAULT 0,
    PRIMARY KEY (organization_id, year)
);

CREATE TABLE invoice_line_items (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    invoice_id      uuid NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    description     text NOT NULL,
    quantity        numeric(14, 4) NOT NULL CHECK (quantity >= 0),
    unit_price      bigint NOT NULL,
    -- round(quantity × unit_price), half-up to the cent.
    amount          bigint NOT NULL,
    position        int NOT NULL,
    task_id         uuid REFERENCES tasks (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX invoice_line_items_invoice_idx ON invoice_line_items (invoice_id, position);

CREATE TABLE time_entries (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id  uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id          uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    project_id       uuid REFERENCES projects (id) ON DELETE SET NULL,
    task_id          uuid REFERENCES tasks (id) ON DELETE SET NULL,
    description      text NOT NULL DEFAULT '',
    started_at       timestamptz NOT NULL,
    stopped_at       timestamptz,
    duration_seconds bigint GENERATED ALWAYS AS (floor(extract(epoch FROM (stopped_at - started_at)))::bigint) STORED,
    billable         boolean NOT NULL DEFAULT true,
    hourly_rate      bigint CHECK (hourly_rate >= 0),
    -- Set when the entry is billed; an entry belongs to at most one line item, so it is never billed twice.
    invoice_id       uuid REFERENCES invoices (id) ON DELETE SET NULL,
    line_item_id     uuid REFERENCES invoice_line_items (id) ON DELETE SET NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT time_entries_stop_after_start CHECK (stopped_at IS NULL OR stopped_at >= started_at)
);
-- At most one running timer per user, whatever the number of concurrent starts.
CREATE UNIQUE INDEX time_entries_one_running_key ON time_entries (user_id) WHERE stopped_at IS NULL;
CREATE INDEX time_entries_org_started_idx ON time_entries (organization_id, started_at DESC, id);
CREATE INDEX time_entries_org_user_started_idx ON time_entries (organization_id, user_id, started_at DESC);
CREATE INDEX time_entries_org_project_started_idx ON time_entries (organization_id, project_id, started_at DESC);
CREATE INDEX time_entries_invoice_idx ON time_entries (invoice_id) WHERE invoice_id IS NOT NULL;
CREATE INDEX time_entries_line_item_idx ON time_entries (line_item_id) WHERE line_item_id IS NOT NULL;
CREATE INDEX time_entries_unbilled_idx ON time_entries (organization_id, project_id, started_at)
    WHERE invoice_id IS NULL AND billable AND stopped_at IS NOT NULL;

CREATE TABLE payments (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    invoice_id      uuid NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    client_id       uuid NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    amount          bigint NOT NULL CHECK (amount > 0),
    method          text NOT NULL DEFAULT 'other' CHECK (method IN ('bank_transfer', 'credit_card', 'cash', 'other')),
    paid_at         timestamptz NOT NULL DEFAULT now(),
    notes           text NOT NULL DEFAULT '',
    created_by      uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payments_org_paid_idx ON payments (organization_id, paid_at DESC, id);
CREATE INDEX payments_invoice_idx ON payments (invoice_id);
CREATE INDEX payments_client_idx ON payments (client_id, paid_at DESC);

-- +goose Down
DROP TABLE payments, time_entries, invoice_line_items, invoice_counters, invoices, client_activities, client_contacts;
ALTER TABLE projects DROP CONSTRAINT projects_client_fkey;
DROP TABLE clients;
