package store

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/jmoiron/sqlx"
	"golang.org/x/text/unicode/norm"

	"github.com/trcr/trcr/store/vocab"
)

// Organization is a tenant: every domain record belongs to exactly one.
type Organization struct {
	ID        string         `db:"id" json:"id"`
	Name      string         `db:"name" json:"name"`
	Slug      string         `db:"slug" json:"slug"`
	Timezone  string         `db:"timezone" json:"-"`
	Currency  string         `db:"currency" json:"-"`
	Extra     []byte         `db:"settings" json:"-"`
	Settings  map[string]any `db:"-" json:"settings"`
	LogoKey   *string        `db:"logo_key" json:"-"`
	LogoURL   *string        `db:"-" json:"logo_url"`
	Role      string         `db:"role" json:"role,omitempty"` // the caller's role, in lists and reads
	CreatedAt time.Time      `db:"created_at" json:"created_at"`
	UpdatedAt time.Time      `db:"updated_at" json:"updated_at"`
}

const orgColumns = `o.id, o.name, o.slug, o.timezone, o.currency, o.settings, o.logo_key, o.created_at, o.updated_at`

// settingKeys are the free-form text settings an organization may keep besides timezone and currency; they
// appear on invoices (invoicing_identity.go also reads the typed invoice_prefix and payment_terms_days).
var settingKeys = []string{"address", "email", "phone", "tax_id", "website", "legal_name", "payment_instructions", "invoice_footer"}

func (s *Store) presentOrg(ctx context.Context, o Organization) Organization {
	o.Settings = map[string]any{}
	if len(o.Extra) > 0 {
		_ = json.Unmarshal(o.Extra, &o.Settings)
	}
	o.Settings["timezone"] = o.Timezone
	o.Settings["currency"] = o.Currency
	o.LogoURL = s.fileURL(ctx, o.LogoKey)
	return o
}

// Organizations lists the organizations the user is an active member of, by name.
func (s *Store) Organizations(ctx context.Context, userID string) ([]Organization, error) {
	rows := []Organization{}
	err := s.db.SelectContext(ctx, &rows, `
		SELECT `+orgColumns+`, m.role FROM organizations o
		JOIN members m ON m.organization_id = o.id AND m.user_id = $1 AND m.status = 'active'
		ORDER BY lower(o.name), o.id`, userID)
	if err != nil {
		return nil, err
	}
	for i := range rows {
		rows[i] = s.presentOrg(ctx, rows[i])
	}
	return rows, nil
}

// Organization reads the actor's organization.
func (s *Store) Organization(ctx context.Context, a Actor) (Organization, error) {
	o, err := getOrg(ctx, s.db, a.OrgID)
	if err != nil {
		return o, err
	}
	o.Role = a.Role
	return s.presentOrg(ctx, o), nil
}

func getOrg(ctx context.Context, q sqlx.QueryerContext, id string) (Organization, error) {
	var o Organization
	err := sqlx.GetContext(ctx, q, &o, `SELECT `+orgColumns+`, '' AS role FROM organizations o WHERE o.id = $1`, id)
	return o, notFoundIfNoRows(err, "organization")
}

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

func validateSlug(v *validator, slug string) {
	v.check(len(slug) >= 2 && len(slug) <= 63 && slugPattern.MatchString(slug), "slug",
		"slug must be 2 to 63 lowercase letters, digits or single hyphens, not starting or ending with a hyphen")
}

// slugify makes a URL-friendly slug from a name: accents dropped, lowercase, runs of other characters as one hyphen.
func slugify(name string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range norm.NFKD.String(name) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(unicode.ToLower(r))
			hyphen = false
		case !hyphen && b.Len() > 0:
			b.WriteByte('-')
			hyphen = true
		}
	}
	slug := strings.Trim(b.String(), "-")
	if len(slug) > 50 {
		slug = strings.Trim(slug[:50], "-")
	}
	if len(slug) < 2 {
		slug = "org" + map[bool]string{true: "-" + slug, false: ""}[slug != ""]
	}
	return slug
}

// OrganizationInput creates or changes an organization; nil fields stay as they are.
type OrganizationInput struct {
	Name     *string
	Slug     *string
	Settings map[string]any
}

// CreateOrganization creates an organization owned by the user, which becomes their default.
func (s *Store) CreateOrganization(ctx context.Context, userID, ip string, in OrganizationInput) (Organization, error) {
	var v validator
	name := ""
	if in.Name != nil {
		name = *in.Name
	}
	name = validateName(&v, "name", name)
	explicitSlug := in.Slug != nil && strings.TrimSpace(*in.Slug) != ""
	slug := ""
	if explicitSlug {
		slug = strings.ToLower(strings.TrimSpace(*in.Slug))
		validateSlug(&v, slug)
	}
	tz, cur, extra := "", "", map[string]any{}
	if in.Settings != nil {
		tz, cur, extra = validateSettings(&v, in.Settings)
	}
	if err := v.err(); err != nil {
		return Organization{}, err
	}
	if tz == "" {
		// A new organization starts in its creator's timezone.
		if err := s.db.GetContext(ctx, &tz, `SELECT timezone FROM users WHERE id = $1`, userID); err != nil {
			return Organization{}, notFoundIfNoRows(err, "user")
		}
	}
	if cur == "" {
		cur = "USD"
	}
	extraJSON, _ := json.Marshal(extra)
	var o Organization
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		if !explicitSlug {
			var err error
			if slug, err = freeSlug(ctx, tx, slugify(name)); err != nil {
				return err
			}
		}
		err := tx.GetContext(ctx, &o, `
			INSERT INTO organizations AS o (name, slug, timezone, currency, settings) VALUES ($1, $2, $3, $4, $5)
			RETURNING `+orgColumns+`, 'owner' AS role`, name, slug, tz, cur, extraJSON)
		if isUniqueViolation(err, "organizations_slug_key") {
			return conflict("slug is already taken")
		}
		if err != nil {
			return err
		}
		var u User
		if u, err = getUser(ctx, tx, userID); err != nil {
			return err
		}
		a := Actor{UserID: userID, UserName: u.Name, OrgID: o.ID, Role: RoleOwner, IP: ip}
		if err := tx.GetContext(ctx, &a.MemberID, `
			INSERT INTO members (organization_id, user_id, email, role, status) VALUES ($1, $2, $3, 'owner', 'active')
			RETURNING id`, o.ID, userID, u.Email); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET default_org_id = $2 WHERE id = $1`, userID, o.ID); err != nil {
			return err
		}
		return audit(ctx, tx, a, ActionCreated, "organization", o.ID, Changes{
			"name": {To: o.Name}, "slug": {To: o.Slug}, "timezone": {To: o.Timezone}, "currency": {To: o.Currency},
		})
	})
	if err != nil {
		return Organization{}, fmt.Errorf("create organization: %w", err)
	}
	return s.presentOrg(ctx, o), nil
}

// freeSlug returns base, or base-2, base-3 … whichever is not taken yet.
func freeSlug(ctx context.Context, tx *sqlx.Tx, base string) (string, error) {
	// Two organizations named alike at the same moment would otherwise both pick the same free slug, and the
	// second would fail on the unique key: creations of one base slug take turns until their transaction ends.
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('organization-slug:' || $1))`, base); err != nil {
		return "", err
	}
	taken := []string{}
	if err := tx.SelectContext(ctx, &taken, `SELECT lower(slug) FROM organizations WHERE lower(slug) = $1 OR lower(slug) LIKE $1 || '-%'`, base); err != nil {
		return "", err
	}
	set := map[string]bool{}
	for _, t := range taken {
		set[t] = true
	}
	if !set[base] {
		return base, nil
	}
	for i := 2; ; i++ {
		if c := fmt.Sprintf("%s-%d", base, i); !set[c] {
			return c, nil
		}
	}
}

// validateSettings checks an organization's settings object and splits it into its columns and the rest.
func validateSettings(v *validator, in map[string]any) (tz, currency string, extra map[string]any) {
	extra = map[string]any{}
	if raw, ok := in["timezone"]; ok {
		s, isStr := raw.(string)
		if !isStr {
			v.add("settings.timezone", "settings.timezone must be an IANA timezone such as America/New_York")
		} else {
			validateTimezone(v, "settings.timezone", s)
			tz = s
		}
	}
	if raw, ok := in["currency"]; ok {
		s, isStr := raw.(string)
		s = strings.ToUpper(strings.TrimSpace(s))
		if !isStr || !vocab.IsCurrency(s) {
			v.add("settings.currency", "settings.currency must be an ISO 4217 currency code such as USD")
		} else {
			currency = s
		}
	}
	for _, k := range settingKeys {
		raw, ok := in[k]
		if !ok {
			continue
		}
		switch val := raw.(type) {
		case nil:
			extra[k] = nil
		case string:
			if len(val) > 1000 {
				v.add("settings."+k, "settings."+k+" must be at most 1000 characters")
			}
			extra[k] = strings.TrimSpace(val)
		default:
			v.add("settings."+k, "settings."+k+" must be a string")
		}
	}
	validateInvoicingSettings(v, in, extra)
	return tz, currency, extra
}

// OrganizationSettings is the organization as its settings page shows it, with what the actor may do there.
type OrganizationSettings struct {
	Organization
	Invoicing InvoicingIdentity
	CanDelete bool
}

// OrganizationSettings reads the organization for its settings page. Owners and admins only: the page changes
// what it shows.
func (s *Store) OrganizationSettings(ctx context.Context, a Actor) (OrganizationSettings, error) {
	p := a.Permissions()
	if err := require(p.ManageOrganization, "only owners and admins can change the organization's settings"); err != nil {
		return OrganizationSettings{}, err
	}
	o, err := s.Organization(ctx, a)
	if err != nil {
		return OrganizationSettings{}, err
	}
	return OrganizationSettings{Organization: o, Invoicing: invoicingIdentity(o.Extra), CanDelete: p.DeleteOrganization}, nil
}

// UpdateOrganization changes the name, slug or settings. Admins only.
func (s *Store) UpdateOrganization(ctx context.Context, a Actor, in OrganizationInput) (Organization, error) {
	if err := require(a.Permissions().ManageOrganization, msgAdminRole); err != nil {
		return Organization{}, err
	}
	var v validator
	if in.Name != nil {
		n := validateName(&v, "name", *in.Name)
		in.Name = &n
	}
	if in.Slug != nil {
		sl := strings.ToLower(strings.TrimSpace(*in.Slug))
		validateSlug(&v, sl)
		in.Slug = &sl
	}
	tz, cur, extra := "", "", map[string]any{}
	if in.Settings != nil {
		tz, cur, extra = validateSettings(&v, in.Settings)
	}
	if err := v.err(); err != nil {
		return Organization{}, err
	}
	var o Organization
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		before, err := getOrgForUpdate(ctx, tx, a.OrgID)
		if err != nil {
			return err
		}
		settings := map[string]any{}
		_ = json.Unmarshal(before.Extra, &settings)
		ch := Changes{}
		for k, val := range extra {
			ch.set("settings."+k, settings[k], val)
			if val == nil {
				delete(settings, k)
			} else {
				settings[k] = val
			}
		}
		settingsJSON, _ := json.Marshal(settings)
		err = tx.GetContext(ctx, &o, `
			UPDATE organizations AS o SET name = coalesce($2, name), slug = coalesce($3, slug),
				timezone = coalesce(nullif($4, ''), timezone), currency = coalesce(nullif($5, ''), currency),
				settings = $6, updated_at = now()
			WHERE id = $1 RETURNING `+orgColumns+`, '' AS role`, a.OrgID, in.Name, in.Slug, tz, cur, settingsJSON)
		if isUniqueViolation(err, "organizations_slug_key") {
			return conflict("slug is already taken")
		}
		if err != nil {
			return err
		}
		ch.set("name", before.Name, o.Name)
		ch.set("slug", before.Slug, o.Slug)
		ch.set("timezone", before.Timezone, o.Timezone)
		ch.set("currency", before.Currency, o.Currency)
		return audit(ctx, tx, a, ActionUpdated, "organization", o.ID, ch)
	})
	if err != nil {
		return Organization{}, fmt.Errorf("update organization: %w", err)
	}
	o.Role = a.Role
	return s.presentOrg(ctx, o), nil
}

func getOrgForUpdate(ctx context.Context, tx *sqlx.Tx, id string) (Organization, error) {
	var o Organization
	err := tx.GetContext(ctx, &o, `SELECT `+orgColumns+`, '' AS role FROM organizations o WHERE o.id = $1 FOR UPDATE`, id)
	return o, notFoundIfNoRows(err, "organization")
}

// DeleteOrganization removes the organization and everything in it. Owners only.
func (s *Store) DeleteOrganization(ctx context.Context, a Actor) error {
	if err := require(a.Permissions().DeleteOrganization, "only an owner can delete the organization"); err != nil {
		return err
	}
	var keys []string
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		o, err := getOrgForUpdate(ctx, tx, a.OrgID)
		if err != nil {
			return err
		}
		if o.LogoKey != nil {
			keys = append(keys, *o.LogoKey)
		}
		more, err := orgBlobKeys(ctx, tx, a.OrgID)
		if err != nil {
			return err
		}
		keys = append(keys, more...)
		// Every table of the organization's data references it ON DELETE CASCADE.
		_, err = tx.ExecContext(ctx, `DELETE FROM organizations WHERE id = $1`, a.OrgID)
		return err
	})
	if err != nil {
		return fmt.Errorf("delete organization: %w", err)
	}
	for _, k := range keys {
		s.deleteBlob(k)
	}
	return nil
}

// orgBlobKeys lists the stored files of an organization besides its logo, so they can be removed with it.
// Features that store files per organization add their tables here.
func orgBlobKeys(ctx context.Context, tx *sqlx.Tx, orgID string) ([]string, error) {
	return nil, nil
}

// SetLogo stores a new organization logo, resized. Admins only.
func (s *Store) SetLogo(ctx context.Context, a Actor, r io.Reader) (Organization, error) {
	if err := require(a.Permissions().ManageOrganization, msgAdminRole); err != nil {
		return Organization{}, err
	}
	key, err := s.putImage(ctx, "logos", r)
	if err != nil {
		return Organization{}, err
	}
	return s.replaceLogo(ctx, a, &key)
}

// RemoveLogo deletes the organization logo. Admins only.
func (s *Store) RemoveLogo(ctx context.Context, a Actor) (Organization, error) {
	if err := require(a.Permissions().ManageOrganization, msgAdminRole); err != nil {
		return Organization{}, err
	}
	return s.replaceLogo(ctx, a, nil)
}

func (s *Store) replaceLogo(ctx context.Context, a Actor, key *string) (Organization, error) {
	var o, before Organization
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		if before, err = getOrgForUpdate(ctx, tx, a.OrgID); err != nil {
			return err
		}
		err = tx.GetContext(ctx, &o, `UPDATE organizations AS o SET logo_key = $2, updated_at = now() WHERE id = $1
			RETURNING `+orgColumns+`, '' AS role`, a.OrgID, key)
		if err != nil {
			return err
		}
		ch := Changes{}
		ch.set("logo", before.LogoKey != nil, key != nil)
		return audit(ctx, tx, a, ActionUpdated, "organization", o.ID, ch)
	})
	if err != nil {
		if key != nil {
			s.deleteBlob(*key)
		}
		return Organization{}, err
	}
	if before.LogoKey != nil {
		s.deleteBlob(*before.LogoKey)
	}
	o.Role = a.Role
	return s.presentOrg(ctx, o), nil
}

// SwitchOrganization makes orgID the user's default organization; the user must be an active member.
func (s *Store) SwitchOrganization(ctx context.Context, userID, orgID string) error {
	if _, err := loadActor(ctx, s.db, userID, orgID, ""); err != nil {
		return err
	}
	_, err := s.db.ExecContext(ctx, `UPDATE users SET default_org_id = $2 WHERE id = $1`, userID, orgID)
	s.auth.forget()
	return err
}
