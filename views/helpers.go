package views

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/trcr/trcr/static"
	"github.com/trcr/trcr/store/format"
	"github.com/trcr/trcr/store/money"
	"github.com/trcr/trcr/store/vocab"
)

// htmxConfig makes htmx swap 422 responses (re-rendered forms with errors)
// while treating other 4xx/5xx as errors (see static/js/app.js). Swaps settle at once: htmx's default waits 20 ms
// after every swap so that CSS transitions can run from the old attributes, which no rule of the app uses, and
// every answer (a search's cards, a task panel) would wait for it. processHxOn (a setting our copy of htmx adds,
// static/vendor/htmx/PATCHES.md) is off: the app uses no hx-on attribute, and looking for them walks every
// attribute of the page and of every swap.
const htmxConfig = `{"responseHandling":[{"code":"204","swap":false},{"code":"[23]..","swap":true},{"code":"422","swap":true},{"code":"[45]..","swap":false,"error":true}],"includeIndicatorStyles":false,"defaultSettleDelay":0,"processHxOn":false}`

// asset returns the cache-busted URL of a static asset.
func asset(name string) string { return static.Path(name) }

func itoa(n int) string { return strconv.Itoa(n) }

// csrfHeaders renders the hx-headers JSON for the CSRF token. The value is
// HTML-attribute escaped by templ when rendered.
func csrfHeaders(token string) string {
	b, err := json.Marshal(map[string]string{"X-CSRF-Token": token})
	if err != nil {
		return "{}"
	}
	return string(b)
}

func pageTitle(t string) string {
	if t == "" {
		return "TRCR"
	}
	return t + " · TRCR"
}

func errOf(errs map[string]string, field string) string {
	if errs == nil {
		return ""
	}
	return errs[field]
}

func withNext(path, next string) string {
	if next == "" {
		return path
	}
	return path + "?" + url.Values{"next": {next}}.Encode()
}

func roleLabel(role string) string { return termLabel(vocab.OrgRoles, role) }

func roleDescription(role string) string {
	switch role {
	case RoleOwner:
		return "Full access, including billing and deleting the organization."
	case RoleAdmin:
		return "Manages members, settings and all projects."
	default:
		return "Tracks time and works on assigned projects."
	}
}

func firstName(name string) string {
	name = strings.TrimSpace(name)
	if i := strings.IndexByte(name, ' '); i > 0 {
		return name[:i]
	}
	return name
}

// initialsOf derives up to two initials from a name (or email).
func initialsOf(name string) string {
	name = strings.TrimSpace(name)
	if i := strings.IndexByte(name, '@'); i > 0 {
		name = name[:i]
	}
	var out []rune
	for _, part := range strings.FieldsFunc(name, func(r rune) bool { return r == ' ' || r == '.' || r == '-' || r == '_' }) {
		for _, r := range part {
			out = append(out, r)
			break
		}
		if len(out) == 2 {
			break
		}
	}
	if len(out) == 0 {
		return "?"
	}
	return strings.ToUpper(string(out))
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// avatarTone picks one of 8 background tones deterministically from a seed.
func avatarTone(seed string) string {
	h := fnv.New32a()
	_, _ = h.Write([]byte(strings.ToLower(seed)))
	return "tone-" + strconv.Itoa(int(h.Sum32()%8))
}

// actionTone maps an audit action such as "member.removed" to a badge tone.
func actionTone(action string) string {
	verb := action
	if i := strings.LastIndexByte(action, '.'); i >= 0 {
		verb = action[i+1:]
	}
	switch {
	case strings.HasPrefix(verb, "creat"), strings.HasPrefix(verb, "add"), strings.HasPrefix(verb, "invit"),
		strings.HasPrefix(verb, "accept"), strings.HasPrefix(verb, "join"), strings.HasPrefix(verb, "verif"):
		return "badge--success"
	case strings.HasPrefix(verb, "delet"), strings.HasPrefix(verb, "remov"), strings.HasPrefix(verb, "revok"),
		strings.HasPrefix(verb, "fail"), strings.HasPrefix(verb, "archiv"):
		return "badge--danger"
	case strings.HasPrefix(verb, "updat"), strings.HasPrefix(verb, "chang"), strings.HasPrefix(verb, "renam"),
		strings.HasPrefix(verb, "edit"):
		return "badge--info"
	case strings.HasPrefix(verb, "login"), strings.HasPrefix(verb, "logout"), strings.HasPrefix(verb, "sign"):
		return "badge--neutral"
	}
	return "badge--accent"
}

func statusTone(status string) string {
	switch status {
	case "sent", "delivered", StatusActive:
		return "badge--success"
	case "failed", "bounced":
		return "badge--danger"
	case "pending", "queued", "sending", StatusInvited:
		return "badge--warning"
	}
	return "badge--neutral"
}

func humanize(s string) string {
	s = strings.NewReplacer("_", " ", ".", " ", "-", " ").Replace(s)
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// ---------------------------------------------------------------------------
// Time

func nowOr(t time.Time) time.Time {
	if t.IsZero() {
		return time.Now()
	}
	return t
}

// relTime renders t relative to now: "just now", "5 min ago", "3 h ago",
// "yesterday", "4 days ago", then a short date.
func relTime(t, now time.Time) string {
	d := now.Sub(t)
	switch {
	case d < 0:
		return absDate(t, now)
	case d < 45*time.Second:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d.Minutes()+0.5))
	case d < 24*time.Hour:
		h := int(d.Hours() + 0.5)
		if h == 24 {
			h = 23
		}
		if h == 1 {
			return "1 hour ago"
		}
		return fmt.Sprintf("%d hours ago", h)
	case d < 48*time.Hour:
		return "yesterday"
	case d < 7*24*time.Hour:
		return fmt.Sprintf("%d days ago", int(d.Hours()/24))
	}
	return absDate(t, now)
}

func absDate(t, now time.Time) string {
	if t.Year() == now.Year() {
		return t.Format("Jan 2")
	}
	return t.Format("Jan 2, 2006")
}

// FormatDate shows a YYYY-MM-DD date as "Mar 12, 2026"; anything else is shown as is.
func FormatDate(s string) string { return format.Date(s) }

// FormatQuantity shows an invoice line's quantity with two decimals ("0.05", never "0.0522").
func FormatQuantity(q string) string { return format.Quantity(q) }

// absTime is the full timestamp used in title attributes.
func absTime(t time.Time) string { return t.Format("Mon, Jan 2, 2006 at 15:04 MST") }

func isoTime(t time.Time) string { return t.Format(time.RFC3339) }

func shortDateTime(t, now time.Time) string {
	if t.Year() == now.Year() && t.YearDay() == now.YearDay() {
		return t.Format("15:04")
	}
	if t.Year() == now.Year() {
		return t.Format("Jan 2, 15:04")
	}
	return t.Format("Jan 2, 2006")
}

// ---------------------------------------------------------------------------
// Money

// CurrencyDecimals returns the number of minor-unit digits of an ISO 4217
// code (2 when unknown).
func CurrencyDecimals(code string) int { return money.Decimals(code) }

func pow10(n int) int64 {
	p := int64(1)
	for range n {
		p *= 10
	}
	return p
}

// MajorUnits formats minor units as a plain decimal, e.g. 8500 -> "85.00"
// (for form inputs).
func MajorUnits(minor int64, currency string) string { return money.Plain(minor, currency) }

// FormatMoney formats minor units for display with thousands separators and
// the currency code, e.g. 125000, "EUR" -> "1,250.00 EUR"; the PDF prints
// amounts with the same helper.
func FormatMoney(minor int64, currency string) string { return format.Money(minor, currency) }

func currencyStep(code string) string {
	if d := CurrencyDecimals(code); d > 0 {
		return "0." + strings.Repeat("0", d-1) + "1"
	}
	return "1"
}

// currencyOptions offers the currencies the store accepts, and current first when it is not one of them.
func currencyOptions(current string) []Option {
	opts := make([]Option, 0, len(vocab.Currencies)+1)
	found := false
	for _, c := range vocab.Currencies {
		opts = append(opts, Option{Value: c.Code, Label: c.Code + " — " + c.Label})
		found = found || c.Code == current
	}
	if !found && current != "" {
		opts = append([]Option{{Value: current, Label: current}}, opts...)
	}
	return opts
}

// ---------------------------------------------------------------------------
// Timezones

// Timezones is the list of common IANA zones offered in the UI.
var Timezones = []string{
	"UTC",
	"Africa/Cairo", "Africa/Johannesburg", "Africa/Lagos", "Africa/Nairobi", "Africa/Casablanca",
	"America/Anchorage", "America/Argentina/Buenos_Aires", "America/Bogota", "America/Chicago",
	"America/Denver", "America/Halifax", "America/Lima", "America/Los_Angeles", "America/Mexico_City",
	"America/New_York", "America/Phoenix", "America/Santiago", "America/Sao_Paulo", "America/St_Johns",
	"America/Toronto", "America/Vancouver",
	"Asia/Bangkok", "Asia/Dhaka", "Asia/Dubai", "Asia/Ho_Chi_Minh", "Asia/Hong_Kong", "Asia/Jakarta",
	"Asia/Jerusalem", "Asia/Karachi", "Asia/Kathmandu", "Asia/Kolkata", "Asia/Manila", "Asia/Seoul",
	"Asia/Shanghai", "Asia/Singapore", "Asia/Taipei", "Asia/Tehran", "Asia/Tokyo",
	"Atlantic/Azores", "Atlantic/Reykjavik",
	"Australia/Adelaide", "Australia/Brisbane", "Australia/Melbourne", "Australia/Perth", "Australia/Sydney",
	"Europe/Amsterdam", "Europe/Athens", "Europe/Berlin", "Europe/Brussels", "Europe/Bucharest",
	"Europe/Dublin", "Europe/Helsinki", "Europe/Istanbul", "Europe/Kyiv", "Europe/Lisbon", "Europe/London",
	"Europe/Madrid", "Europe/Moscow", "Europe/Oslo", "Europe/Paris", "Europe/Prague", "Europe/Rome",
	"Europe/Stockholm", "Europe/Vienna", "Europe/Warsaw", "Europe/Zurich",
	"Pacific/Auckland", "Pacific/Honolulu", "Pacific/Fiji",
}

type tzGroup struct {
	Label string
	Zones []Option
}

// timezoneGroups groups Timezones by region for <optgroup>s, adding current
// if it is not in the list.
func timezoneGroups(current string) []tzGroup {
	zones := append([]string(nil), Timezones...)
	found := false
	for _, z := range zones {
		if z == current {
			found = true
			break
		}
	}
	if !found && current != "" {
		zones = append(zones, current)
	}
	byRegion := map[string][]Option{}
	var regions []string
	for _, z := range zones {
		region, _, ok := strings.Cut(z, "/")
		if !ok {
			region = "General"
		}
		if _, seen := byRegion[region]; !seen {
			regions = append(regions, region)
		}
		byRegion[region] = append(byRegion[region], Option{Value: z, Label: strings.ReplaceAll(z, "_", " ")})
	}
	sort.SliceStable(regions, func(i, j int) bool {
		if regions[i] == "General" {
			return true
		}
		if regions[j] == "General" {
			return false
		}
		return regions[i] < regions[j]
	})
	out := make([]tzGroup, 0, len(regions))
	for _, r := range regions {
		opts := byRegion[r]
		sort.SliceStable(opts, func(i, j int) bool { return opts[i].Label < opts[j].Label })
		out = append(out, tzGroup{Label: r, Zones: opts})
	}
	return out
}

// ---------------------------------------------------------------------------
// Text

var urlRe = regexp.MustCompile(`https?://[^\s<>"']+[^\s<>"'.,;:!?)\]]`)

type textSegment struct {
	Text string
	URL  bool
}

// linkify splits text into plain and URL segments so URLs can be rendered as
// links (used for plain-text emails in the dev mailbox).
func linkify(s string) []textSegment {
	var out []textSegment
	last := 0
	for _, m := range urlRe.FindAllStringIndex(s, -1) {
		if m[0] > last {
			out = append(out, textSegment{Text: s[last:m[0]]})
		}
		out = append(out, textSegment{Text: s[m[0]:m[1]], URL: true})
		last = m[1]
	}
	if last < len(s) {
		out = append(out, textSegment{Text: s[last:]})
	}
	return out
}

// Plural counts n things: "1 task", "3 tasks".
func Plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

func checklistDone(items []ChecklistItem) int {
	n := 0
	for _, it := range items {
		if it.Done {
			n++
		}
	}
	return n
}

func firstLetter(s string) string {
	for _, r := range strings.TrimSpace(s) {
		return strings.ToUpper(string(r))
	}
	return "?"
}

// withTitle sets a default document title when the handler did not.
func withTitle(p Page, title string) Page {
	if p.Title == "" {
		p.Title = title
	}
	return p
}

// withNav sets a default ActiveNav when the handler did not.
func withNav(p Page, nav string) Page {
	if p.ActiveNav == "" {
		p.ActiveNav = nav
	}
	return p
}

func errorTitle(e ErrorView) string {
	if e.Title != "" {
		return e.Title
	}
	switch e.Status {
	case 400:
		return "Bad request"
	case 401:
		return "Please sign in"
	case 403:
		return "You don't have access to this page"
	case 404:
		return "Page not found"
	case 405:
		return "Method not allowed"
	case 409:
		return "Conflict"
	case 413:
		return "That file is too large"
	case 422:
		return "We couldn't process that"
	case 429:
		return "Too many requests"
	case 503:
		return "We'll be right back"
	}
	if e.Status >= 500 {
		return "Something went wrong"
	}
	return "Error"
}

func errorMessage(status int) string {
	switch status {
	case 401:
		return "Your session has ended. Sign in again to continue."
	case 403:
		return "Ask an owner or admin of this organization if you need access."
	case 404:
		return "The page you were looking for doesn't exist or has been moved."
	case 429:
		return "You're going a little fast. Wait a moment and try again."
	case 503:
		return "TRCR is briefly unavailable for maintenance. Please try again in a few minutes."
	}
	if status >= 500 {
		return "An unexpected error occurred on our side. It's been logged and we'll look into it. Please try again."
	}
	return "The request could not be completed."
}

// auditEntityFilterURL links to the audit log filtered to one entity.
func auditEntityFilterURL(e AuditEntry) string {
	q := url.Values{}
	if e.EntityType != "" {
		q.Set("entity_type", e.EntityType)
	}
	q.Set("entity_id", e.EntityID)
	return "/audit-logs?" + q.Encode()
}

func roleSummary(role string) string {
	switch role {
	case RoleOwner:
		return "Full access to everything"
	case RoleAdmin:
		return "Manages members and settings"
	}
	return "Tracks time on projects"
}

// tzLabel shows an IANA zone name for humans ("America/New York").
func tzLabel(z string) string { return strings.ReplaceAll(z, "_", " ") }

// auditEntityFieldLabel names the audit log's entity picker after the chosen type ("Task").
func auditEntityFieldLabel(entityType string) string {
	if entityType == "" {
		return "Entity"
	}
	return humanize(entityType)
}

// auditEntityAny is the picker's first choice: every entity of the type.
func auditEntityAny(entityType string) string {
	if entityType == "" {
		return "Choose a type first"
	}
	return "Any " + strings.ToLower(humanize(entityType))
}
