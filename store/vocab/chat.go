package vocab

// ReactionEmoji are the reactions the chat page offers in its picker, by the short code the API stores (Code) with
// the character shown for it (Label), in the picker's order.
var ReactionEmoji = Terms{
	{Code: "thumbsup", Label: "👍"},
	{Code: "heart", Label: "❤️"},
	{Code: "joy", Label: "😂"},
	{Code: "tada", Label: "🎉"},
	{Code: "eyes", Label: "👀"},
	{Code: "white_check_mark", Label: "✅"},
	{Code: "rocket", Label: "🚀"},
	{Code: "pray", Label: "🙏"},
	{Code: "fire", Label: "🔥"},
	{Code: "thinking", Label: "🤔"},
	{Code: "clap", Label: "👏"},
	{Code: "100", Label: "💯"},
	{Code: "thumbsdown", Label: "👎"},
	{Code: "smile", Label: "😄"},
	{Code: "wave", Label: "👋"},
	{Code: "raised_hands", Label: "🙌"},
}

// moreEmoji are other common short codes that integrators send, shown as their character when they are.
var moreEmoji = map[string]string{
	"+1": "👍", "-1": "👎", "like": "👍", "ok_hand": "👌", "muscle": "💪", "sparkles": "✨", "star": "⭐",
	"warning": "⚠️", "x": "❌", "heavy_check_mark": "✔️", "bug": "🐛", "bulb": "💡", "memo": "📝", "coffee": "☕",
	"laughing": "😆", "grinning": "😀", "slightly_smiling_face": "🙂", "wink": "😉", "heart_eyes": "😍", "sob": "😭",
	"cry": "😢", "confused": "😕", "scream": "😱", "sweat_smile": "😅", "sunglasses": "😎", "party": "🥳",
	"partying_face": "🥳", "see_no_evil": "🙈", "point_up": "☝️", "raised_hand": "✋", "handshake": "🤝",
	"hourglass": "⌛", "calendar": "📅", "ship": "🚢", "construction": "🚧", "rotating_light": "🚨",
}

// EmojiGlyph is the character a reaction shows: the emoji itself, the character of a known short code, or
// ok=false for a code it does not know (pages then show ":code:").
func EmojiGlyph(code string) (glyph string, ok bool) {
	if l, ok := ReactionEmoji.Label(code); ok {
		return l, true
	}
	if g, ok := moreEmoji[code]; ok {
		return g, true
	}
	for _, r := range code {
		if r > 0x2000 { // an emoji given as itself
			return code, true
		}
	}
	return "", false
}
