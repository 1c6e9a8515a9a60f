package imaging

import (
	"encoding/binary"
	"image"
	"image/color"
	"strings"
	"testing"
)

func TestOrient(t *testing.T) {
	// Stored image, 3×2, one letter per pixel:
	//
	//	a b c
	//	d e f
	src := letters(3, "abcdef")
	tests := []struct {
		orientation int
		want        []string // rows of the upright image
	}{
		{1, []string{"abc", "def"}},
		{2, []string{"cba", "fed"}},
		{3, []string{"fed", "cba"}},
		{4, []string{"def", "abc"}},
		{5, []string{"ad", "be", "cf"}},
		{6, []string{"da", "eb", "fc"}},
		{7, []string{"fc", "eb", "da"}},
		{8, []string{"cf", "be", "ad"}},
		{0, []string{"abc", "def"}}, // invalid values leave the image alone
		{9, []string{"abc", "def"}},
	}
	for _, tt := range tests {
		got := unletters(orient(src, tt.orientation))
		if strings.Join(got, "/") != strings.Join(tt.want, "/") {
			t.Errorf("orientation %d: got %v, want %v", tt.orientation, got, tt.want)
		}
	}
}

func TestOrientHonoursBoundsOffset(t *testing.T) {
	src := letters(3, "abcdef").SubImage(image.Rect(1, 0, 3, 2)) // b c / e f
	got := unletters(orient(src, 6))
	if strings.Join(got, "/") != "eb/fc" {
		t.Errorf("got %v, want [eb fc]", got)
	}
}

func TestJPEGOrientation(t *testing.T) {
	jpg := encodeJPEG(t, halves(8, 8))
	exif6 := exifTIFF(binary.BigEndian, 6, "")
	xmp := append([]byte("http://ns.adobe.com/xap/1.0/\x00"), "<x:xmpmeta/>"...)

	badOrder := append([]byte{}, exif6...)
	copy(badOrder[6:], "XX")
	outOfRange := exifTIFF(binary.LittleEndian, 42, "")
	wrongType := exifTIFF(binary.BigEndian, 6, "")
	binary.BigEndian.PutUint16(wrongType[6+8+2+2:], 4) // LONG instead of SHORT
	farIFD := append([]byte{}, exif6...)
	binary.BigEndian.PutUint32(farIFD[6+4:], 0xFFFFFFF0)
	manyEntries := append([]byte{}, exif6...)
	binary.BigEndian.PutUint16(manyEntries[6+8:], 0xFFFF)   // entry count
	binary.BigEndian.PutUint16(manyEntries[6+8+2:], 0x0110) // Model, not Orientation

	tests := []struct {
		name string
		data []byte
		want int
	}{
		{"no exif", jpg, 1},
		{"exif", withJPEGSegment(jpg, 0xE1, exif6), 6},
		{"exif after xmp", withJPEGSegment(withJPEGSegment(jpg, 0xE1, exif6), 0xE1, xmp), 6},
		{"exif in wrong segment", withJPEGSegment(jpg, 0xE2, exif6), 1},
		{"bad byte order", withJPEGSegment(jpg, 0xE1, badOrder), 1},
		{"out of range value", withJPEGSegment(jpg, 0xE1, outOfRange), 1},
		{"wrong tag type", withJPEGSegment(jpg, 0xE1, wrongType), 1},
		{"IFD offset past end", withJPEGSegment(jpg, 0xE1, farIFD), 1},
		{"entry count past end, no orientation", withJPEGSegment(jpg, 0xE1, manyEntries), 1},
		{"truncated segment", withJPEGSegment(jpg, 0xE1, exif6)[:20], 1},
		{"not a jpeg", []byte("\x89PNG\r\n\x1a\n"), 1},
		{"empty", nil, 1},
		{"bare SOI", []byte{0xFF, 0xD8}, 1},
	}
	for _, tt := range tests {
		if got := jpegOrientation(tt.data); got != tt.want {
			t.Errorf("%s: orientation = %d, want %d", tt.name, got, tt.want)
		}
	}
}

// letters encodes each byte of s as a gray pixel, w pixels per row.
func letters(w int, s string) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, len(s)/w))
	for i := range len(s) {
		img.Set(i%w, i/w, color.Gray{Y: s[i]})
	}
	return img
}

func unletters(img image.Image) []string {
	b := img.Bounds()
	var rows []string
	for y := b.Min.Y; y < b.Max.Y; y++ {
		var row []byte
		for x := b.Min.X; x < b.Max.X; x++ {
			row = append(row, color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y)
		}
		rows = append(rows, string(row))
	}
	return rows
}
