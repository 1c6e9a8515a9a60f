package views

// Icons of the board, task panel and tasks pages (Lucide shapes from lucide-static v1.62.0, ISC license, see
// static/vendor/lucide).
func init() {
	iconPaths["grip-vertical"] = `<circle cx="9" cy="12" r="1"/><circle cx="9" cy="5" r="1"/><circle cx="9" cy="19" r="1"/><circle cx="15" cy="12" r="1"/><circle cx="15" cy="5" r="1"/><circle cx="15" cy="19" r="1"/>`
	iconPaths["calendar"] = `<path d="M8 2v3"/><path d="M16 2v3"/><rect x="3" y="3" width="18" height="18" rx="2"/><path d="M3 9h18"/>`
	iconPaths["message-square"] = `<path d="M22 17a2 2 0 0 1-2 2H6.828a2 2 0 0 0-1.414.586l-2.202 2.202A.71.71 0 0 1 2 21.286V5a2 2 0 0 1 2-2h16a2 2 0 0 1 2 2z"/>`
	iconPaths["square-check"] = `<rect width="18" height="18" x="3" y="3" rx="2"/><path d="m16 9-5.5 5.5L8 12"/>`
	iconPaths["square"] = `<rect width="18" height="18" x="3" y="3" rx="2"/>`
	iconPaths["flag"] = `<path d="M4 22V4a1 1 0 0 1 .4-.8A6 6 0 0 1 8 2c3 0 5 2 7.333 2q2 0 3.067-.8A1 1 0 0 1 20 4v10a1 1 0 0 1-.4.8A6 6 0 0 1 16 16c-3 0-5-2-8-2a6 6 0 0 0-4 1.528"/>`
	iconPaths["chevron-right"] = `<path d="m9 18 6-6-6-6"/>`
	iconPaths["chevrons-down-up"] = `<path d="m7 20 5-5 5 5"/><path d="m7 4 5 5 5-5"/>`
	iconPaths["link-2"] = `<path d="M9 17H7A5 5 0 0 1 7 7h2"/><path d="M15 7h2a5 5 0 1 1 0 10h-2"/><line x1="8" x2="16" y1="12" y2="12"/>`
	iconPaths["repeat"] = `<path d="m17 2 4 4-4 4"/><path d="M3 11v-1a4 4 0 0 1 4-4h14"/><path d="m7 22-4-4 4-4"/><path d="M21 13v1a4 4 0 0 1-4 4H3"/>`
	iconPaths["tag"] = `<path d="M12.586 2.586A2 2 0 0 0 11.172 2H4a2 2 0 0 0-2 2v7.172a2 2 0 0 0 .586 1.414l8.704 8.704a2.426 2.426 0 0 0 3.42 0l6.58-6.58a2.426 2.426 0 0 0 0-3.42z"/><circle cx="7.5" cy="7.5" r=".5" fill="currentColor"/>`
	iconPaths["user-round"] = `<circle cx="12" cy="8" r="5"/><path d="M20 21a8 8 0 0 0-16 0"/>`
	iconPaths["pencil"] = `<path d="M21.174 6.812a1 1 0 0 0-3.986-3.987L3.842 16.174a2 2 0 0 0-.5.83l-1.321 4.352a.5.5 0 0 0 .623.622l4.353-1.32a2 2 0 0 0 .83-.497z"/><path d="m15 5 4 4"/>`
	iconPaths["eye"] = `<path d="M2.062 12.348a1 1 0 0 1 0-.696 10.75 10.75 0 0 1 19.876 0 1 1 0 0 1 0 .696 10.75 10.75 0 0 1-19.876 0"/><circle cx="12" cy="12" r="3"/>`
	iconPaths["kanban"] = `<path d="M5 3v14"/><path d="M12 3v8"/><path d="M19 3v18"/>`
	iconPaths["circle-dashed"] = `<path d="M10.1 2.182a10 10 0 0 1 3.8 0"/><path d="M13.9 21.818a10 10 0 0 1-3.8 0"/><path d="M17.609 3.721a10 10 0 0 1 2.69 2.7"/><path d="M2.182 13.9a10 10 0 0 1 0-3.8"/><path d="M20.279 17.609a10 10 0 0 1-2.7 2.69"/><path d="M21.818 10.1a10 10 0 0 1 0 3.8"/><path d="M3.721 6.391a10 10 0 0 1 2.7-2.69"/><path d="M6.391 20.279a10 10 0 0 1-2.69-2.7"/>`
	iconPaths["circle-dot"] = `<circle cx="12" cy="12" r="1"/><circle cx="12" cy="12" r="10"/>`
	iconPaths["arrow-up-down"] = `<path d="m21 16-4 4-4-4"/><path d="M17 20V4"/><path d="m3 8 4-4 4 4"/><path d="M7 4v16"/>`
	iconPaths["hourglass"] = `<path d="M5 22h14"/><path d="M5 2h14"/><path d="M17 22v-4.172a2 2 0 0 0-.586-1.414L12 12l-4.414 4.414A2 2 0 0 0 7 17.828V22"/><path d="M7 2v4.172a2 2 0 0 0 .586 1.414L12 12l4.414-4.414A2 2 0 0 0 17 6.172V2"/>`
	iconPaths["gauge"] = `<path d="m12 14 4-4"/><path d="M3.34 19a10 10 0 1 1 17.32 0"/>`
	iconPaths["layers"] = `<path d="M12.83 2.18a2 2 0 0 0-1.66 0L2.6 6.08a1 1 0 0 0 0 1.83l8.58 3.91a2 2 0 0 0 1.66 0l8.58-3.9a1 1 0 0 0 0-1.83z"/><path d="M2 12a1 1 0 0 0 .58.91l8.6 3.91a2 2 0 0 0 1.65 0l8.58-3.9A1 1 0 0 0 22 12"/><path d="M2 17a1 1 0 0 0 .58.91l8.6 3.91a2 2 0 0 0 1.65 0l8.58-3.9A1 1 0 0 0 22 17"/>`
	iconPaths["list-todo"] = `<path d="M13 5h8"/><path d="M13 12h8"/><path d="M13 19h8"/><path d="m3 17 2 2 4-4"/><rect x="3" y="4" width="6" height="6" rx="1"/>`
	iconPaths["corner-down-left"] = `<path d="M20 4v7a4 4 0 0 1-4 4H4"/><path d="m9 10-5 5 5 5"/>`
	iconPaths["user-x"] = `<path d="M16 21v-2a4 4 0 0 0-4-4H6a4 4 0 0 0-4 4v2"/><circle cx="9" cy="7" r="4"/><line x1="17" x2="22" y1="8" y2="13"/><line x1="22" x2="17" y1="8" y2="13"/>`
	iconPaths["text"] = `<path d="M21 5H3"/><path d="M15 12H3"/><path d="M17 19H3"/>`
	iconPaths["panel-right"] = `<rect width="18" height="18" x="3" y="3" rx="2"/><path d="M15 3v18"/>`
	iconPaths["list-filter"] = `<path d="M2 5h20"/><path d="M6 12h12"/><path d="M9 19h6"/>`
	iconPaths["signal-low"] = `<path d="M2 20h.01"/><path d="M7 20v-4"/>`
	iconPaths["signal-medium"] = `<path d="M2 20h.01"/><path d="M7 20v-4"/><path d="M12 20v-8"/>`
	iconPaths["signal-high"] = `<path d="M2 20h.01"/><path d="M7 20v-4"/><path d="M12 20v-8"/><path d="M17 20V8"/>`
	iconPaths["circle-x"] = `<circle cx="12" cy="12" r="10"/><path d="m15 9-6 6"/><path d="m9 9 6 6"/>`
	iconPaths["ban"] = `<circle cx="12" cy="12" r="10"/><path d="M4.929 4.929 19.07 19.071"/>`
	iconPaths["arrow-up-right"] = `<path d="M7 7h10v10"/><path d="M7 17 17 7"/>`
	iconPaths["list-plus"] = `<path d="M16 5H3"/><path d="M11 12H3"/><path d="M16 19H3"/><path d="M18 9v6"/><path d="M21 12h-6"/>`
	iconPaths["calendar-clock"] = `<path d="M16 14v2.2l1.6 1"/><path d="M16 2v3"/><path d="M21 7.338V5a2 2 0 00-2-2H5a2 2 0 00-2 2v14a2 2 0 002 2h2.338"/><path d="M3 9h5.859"/><path d="M8 2v3"/><circle cx="16" cy="16" r="6"/>`
	// Priority glyphs (our own, in the Lucide grid): bars for low to high, a filled alert square for urgent.
	iconPaths["prio-low"] = `<rect x="3" y="14" width="4" height="6" rx="1" fill="currentColor" stroke="none"/><rect x="10" y="9" width="4" height="11" rx="1" fill="currentColor" stroke="none" opacity=".28"/><rect x="17" y="4" width="4" height="16" rx="1" fill="currentColor" stroke="none" opacity=".28"/>`
	iconPaths["prio-medium"] = `<rect x="3" y="14" width="4" height="6" rx="1" fill="currentColor" stroke="none"/><rect x="10" y="9" width="4" height="11" rx="1" fill="currentColor" stroke="none"/><rect x="17" y="4" width="4" height="16" rx="1" fill="currentColor" stroke="none" opacity=".28"/>`
	iconPaths["prio-high"] = `<rect x="3" y="14" width="4" height="6" rx="1" fill="currentColor" stroke="none"/><rect x="10" y="9" width="4" height="11" rx="1" fill="currentColor" stroke="none"/><rect x="17" y="4" width="4" height="16" rx="1" fill="currentColor" stroke="none"/>`
	iconPaths["prio-urgent"] = `<rect x="3" y="3" width="18" height="18" rx="4" fill="currentColor" stroke="none"/><path d="M12 7.5v5.5" stroke="#fff" stroke-width="2.5"/><path d="M12 16.5h.01" stroke="#fff" stroke-width="3"/>`
}
