package views

// Icons of time tracking (Lucide shapes, ISC license, see static/vendor/lucide). Icons other pages also define
// are repeated here with the same markup, so this page does not depend on their files. "timer-play" and
// "timer-stop" are Lucide's play and square, filled, as media controls are drawn.
func init() {
	iconPaths["timer"] = `<line x1="10" x2="14" y1="2" y2="2"/><line x1="12" x2="15" y1="14" y2="11"/><circle cx="12" cy="14" r="8"/>`
	iconPaths["timer-play"] = `<path d="M5 5a2 2 0 0 1 3.008-1.728l11.997 6.998a2 2 0 0 1 .003 3.458l-12 7A2 2 0 0 1 5 19z" fill="currentColor"/>`
	iconPaths["timer-stop"] = `<rect width="14" height="14" x="5" y="5" rx="2" fill="currentColor"/>`
	iconPaths["download"] = `<path d="M12 15V3"/><path d="M21 15v4a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2v-4"/><path d="m7 10 5 5 5-5"/>`
	iconPaths["clock-plus"] = `<path d="M12 6v6l3.644 1.822"/><path d="M16 19h6"/><path d="M19 16v6"/><path d="M21.92 13.267a10 10 0 1 0-8.653 8.653"/>`
	iconPaths["pencil"] = `<path d="M21.174 6.812a1 1 0 0 0-3.986-3.987L3.842 16.174a2 2 0 0 0-.5.83l-1.321 4.352a.5.5 0 0 0 .623.622l4.353-1.32a2 2 0 0 0 .83-.497z"/><path d="m15 5 4 4"/>`
	iconPaths["lock"] = `<rect width="18" height="11" x="3" y="11" rx="2" ry="2"/><path d="M7 11V7a5 5 0 0 1 10 0v4"/>`
	iconPaths["chevron-left"] = `<path d="m15 18-6-6 6-6"/>`
	iconPaths["chevron-right"] = `<path d="m9 18 6-6-6-6"/>`
	iconPaths["circle-dollar-sign"] = `<circle cx="12" cy="12" r="10"/><path d="M16 8h-6a2 2 0 1 0 0 4h4a2 2 0 1 1 0 4H8"/><path d="M12 18V6"/>`
	iconPaths["calendar"] = `<path d="M8 2v3"/><path d="M16 2v3"/><rect x="3" y="3" width="18" height="18" rx="2"/><path d="M3 9h18"/>`
}
