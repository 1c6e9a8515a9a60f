package views

import (
	"slices"
	"strings"

	"github.com/trcr/trcr/static"
)

// The icons reach pages as one sprite, static/img/icons.svg: a <symbol> per icon of iconPaths, fetched once and
// cached, that each icon refers to with <use>. A board of 250 cards repeated the drawings of its icons on every
// card, 44% of its HTML (issue 15). The sprite is made from iconPaths (IconSprite) and checked in; the views tests
// fail when it is stale, and `make icons` rewrites it.

// iconSpriteAsset is the sprite's name among the static assets.
const iconSpriteAsset = "img/icons.svg"

// IconSprite returns the sprite of every icon of iconPaths, by name.
func IconSprite() []byte {
	names := make([]string, 0, len(iconPaths))
	for name := range iconPaths {
		names = append(names, name)
	}
	slices.Sort(names)
	var b strings.Builder
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg">` + "\n")
	b.WriteString("<!-- Generated from views/icons.go by `make icons`; do not edit. Lucide icons, ISC License. -->\n")
	for _, name := range names {
		b.WriteString(`<symbol id="` + name + `" ` + iconDrawing + `>` + iconPaths[name] + "</symbol>\n")
	}
	b.WriteString("</svg>\n")
	return []byte(b.String())
}

// iconDrawing is how every icon is drawn: on the symbol, where <use> inherits it, rather than on each icon.
const iconDrawing = `viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"`

// iconHref is the address of an icon's symbol in the sprite, with the sprite's content version.
func iconHref(name string) string { return static.Path(iconSpriteAsset) + "#" + name }
