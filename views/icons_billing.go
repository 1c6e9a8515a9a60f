package views

// Icons of the time and billing pages (Lucide shapes, ISC license, see static/vendor/lucide).
func init() {
	iconPaths["briefcase"] = `<path d="M16 20V4a2 2 0 0 0-2-2h-4a2 2 0 0 0-2 2v16"/><rect width="20" height="14" x="2" y="6" rx="2"/>`
	iconPaths["chart-column"] = `<path d="M3 3v16a2 2 0 0 0 2 2h16"/><path d="M18 17V9"/><path d="M13 17V5"/><path d="M8 17v-3"/>`
}
