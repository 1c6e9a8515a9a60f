package imaging

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"strings"
	"testing"
	"testing/iotest"

	"golang.org/x/image/webp"
)

// The WebP files in testdata were made with libwebp's cwebp 1.2.4 (Debian
// package "webp") from PNGs drawn like the ones below:
//
//	opaque-lossy.webp    96x48, left half red, right half blue; cwebp -q 80
//	alpha-lossless.webp  40x40 transparent, opaque green 20x20 centre; cwebp -lossless
//	alpha-lossy.webp     the same; cwebp -q 80 (VP8X with an ALPH chunk)

var (
	red  = color.NRGBA{R: 200, G: 30, B: 30, A: 255}
	blue = color.NRGBA{R: 30, G: 30, B: 200, A: 255}
)

func TestProcessImage(t *testing.T) {
	const mb = 1 << 20
	tests := []struct {
		name      string
		input     []byte
		maxDim    int
		wantType  string
		wantW     int
		wantH     int
		wantAlpha bool // corner pixel (0,0) is transparent
	}{
		{"large png shrinks", encodePNG(t, halves(4000, 2000)), 512, TypePNG, 512, 256, false},
		{"large jpeg shrinks", encodeJPEG(t, halves(4000, 2000)), 512, TypeJPEG, 512, 256, false},
		{"portrait jpeg shrinks", encodeJPEG(t, halves(2000, 4000)), 512, TypeJPEG, 256, 512, false},
		{"odd ratio rounds", encodePNG(t, halves(3000, 1000)), 512, TypePNG, 512, 171, false},
		{"thin strip keeps one pixel", encodePNG(t, halves(1000, 3)), 100, TypePNG, 100, 1, false},
		{"small png not upscaled", encodePNG(t, halves(100, 50)), 512, TypePNG, 100, 50, false},
		{"small jpeg not upscaled", encodeJPEG(t, halves(64, 64)), 512, TypeJPEG, 64, 64, false},
		{"exactly max not touched", encodePNG(t, halves(512, 300)), 512, TypePNG, 512, 300, false},
		{"transparent png stays png", encodePNG(t, framed(1024, 1024)), 256, TypePNG, 256, 256, true},
		{"paletted png keeps transparency", encodePNG(t, paletted(30, 20)), 512, TypePNG, 30, 20, true},
		{"gray jpeg", encodeJPEG(t, image.NewGray(image.Rect(0, 0, 600, 60))), 300, TypeJPEG, 300, 30, false},
		{"opaque webp becomes jpeg", readTestdata(t, "opaque-lossy.webp"), 512, TypeJPEG, 96, 48, false},
		{"opaque webp shrinks", readTestdata(t, "opaque-lossy.webp"), 32, TypeJPEG, 32, 16, false},
		{"lossless webp with alpha becomes png", readTestdata(t, "alpha-lossless.webp"), 512, TypePNG, 40, 40, true},
		{"lossy webp with alpha becomes png", readTestdata(t, "alpha-lossy.webp"), 20, TypePNG, 20, 20, true},
		{"animated png decodes as png", withPNGChunk(t, encodePNG(t, halves(40, 20)), "acTL", make([]byte, 8)), 512, TypePNG, 40, 20, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, ct, err := ProcessImage(context.Background(), bytes.NewReader(tt.input), 8*mb, tt.maxDim)
			if err != nil {
				t.Fatalf("ProcessImage: %v", err)
			}
			if ct != tt.wantType {
				t.Errorf("content type = %q, want %q", ct, tt.wantType)
			}
			img := decodeOutput(t, out, ct)
			if b := img.Bounds(); b.Dx() != tt.wantW || b.Dy() != tt.wantH {
				t.Errorf("size = %dx%d, want %dx%d", b.Dx(), b.Dy(), tt.wantW, tt.wantH)
			}
			_, _, _, a := img.At(0, 0).RGBA()
			if gotAlpha := a == 0; gotAlpha != tt.wantAlpha {
				t.Errorf("corner alpha = %#x, want transparent %v", a, tt.wantAlpha)
			}
		})
	}
}

func TestProcessImageKeepsContent(t *testing.T) {
	for _, tt := range []struct {
		name  string
		input []byte
	}{
		{"png", encodePNG(t, halves(2000, 1000))},
		{"jpeg", encodeJPEG(t, halves(2000, 1000))},
		{"webp", readTestdata(t, "opaque-lossy.webp")},
	} {
		out, ct, err := ProcessImage(context.Background(), bytes.NewReader(tt.input), 1<<22, 64)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		img := decodeOutput(t, out, ct)
		b := img.Bounds()
		if !near(img.At(b.Dx()/4, b.Dy()/2), red) || !near(img.At(3*b.Dx()/4, b.Dy()/2), blue) {
			t.Errorf("%s: left %v right %v, want red then blue", tt.name,
				img.At(b.Dx()/4, b.Dy()/2), img.At(3*b.Dx()/4, b.Dy()/2))
		}
	}
}

func TestProcessImageRejects(t *testing.T) {
	bigHeaderJPEG := encodeJPEG(t, halves(16, 16))
	setJPEGSize(t, bigHeaderJPEG, 30000, 30000)
	bigHeaderWebP := readTestdata(t, "opaque-lossy.webp")
	binary.LittleEndian.PutUint16(bigHeaderWebP[26:], 16000) // VP8 frame width
	binary.LittleEndian.PutUint16(bigHeaderWebP[28:], 16000) // and height
	validPNG := encodePNG(t, halves(64, 64))

	tests := []struct {
		name    string
		input   []byte
		wantErr error
		wantMsg string // proves which check fired
	}{
		{"empty", nil, ErrUnsupportedType, "text/plain"},
		{"text renamed .png", []byte("just some notes, saved as notes.png\n"), ErrUnsupportedType, "text/plain"},
		{"html", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"), ErrUnsupportedType, "text/html"},
		{"svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), ErrUnsupportedType, "image/svg+xml"},
		{"gif", encodeGIF(t), ErrUnsupportedType, "image/gif"},
		{"pdf", []byte("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"), ErrUnsupportedType, "application/pdf"},
		{"png signature only", []byte("\x89PNG\r\n\x1a\n"), ErrInvalidImage, "header"},
		{"truncated png", validPNG[:len(validPNG)/2], ErrInvalidImage, ""},
		{"truncated jpeg", encodeJPEG(t, halves(64, 64))[:200], ErrInvalidImage, ""},
		{"huge png header", pngHeader(t, 20000, 20000), ErrInvalidImage, "exceeds"},
		{"png wider than MaxSide", pngHeader(t, MaxSide+1, 1), ErrInvalidImage, "exceeds"},
		{"png taller than MaxSide", pngHeader(t, 1, MaxSide+1), ErrInvalidImage, "exceeds"},
		{"png over MaxPixels", pngHeader(t, MaxSide, MaxSide), ErrInvalidImage, "exceeds"},
		{"huge jpeg header", bigHeaderJPEG, ErrInvalidImage, "exceeds"},
		{"huge webp header", bigHeaderWebP, ErrInvalidImage, "exceeds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, ct, err := ProcessImage(context.Background(), bytes.NewReader(tt.input), 1<<20, 512)
			if !errors.Is(err, tt.wantErr) || !strings.Contains(fmt.Sprint(err), tt.wantMsg) {
				t.Fatalf("err = %v, want %v mentioning %q", err, tt.wantErr, tt.wantMsg)
			}
			if out != nil || ct != "" {
				t.Errorf("returned %d bytes of %q alongside the error", len(out), ct)
			}
		})
	}
}

func TestProcessImageSizeLimit(t *testing.T) {
	input := encodePNG(t, halves(300, 200))
	n := int64(len(input))

	if _, _, err := ProcessImage(context.Background(), bytes.NewReader(input), n, 512); err != nil {
		t.Errorf("exactly maxBytes: %v", err)
	}
	if _, _, err := ProcessImage(context.Background(), bytes.NewReader(input), n-1, 512); !errors.Is(err, ErrTooLarge) {
		t.Errorf("one byte over: err = %v, want ErrTooLarge", err)
	}

	// An endless upload is cut off right after the limit, not read to the end.
	endless := &countingReader{r: iotest.OneByteReader(strings.NewReader(strings.Repeat("A", 1<<20)))}
	if _, _, err := ProcessImage(context.Background(), endless, 1000, 512); !errors.Is(err, ErrTooLarge) {
		t.Errorf("endless stream: err = %v, want ErrTooLarge", err)
	}
	if endless.n > 1001 {
		t.Errorf("read %d bytes of a stream limited to 1000", endless.n)
	}
}

func TestProcessImageErrors(t *testing.T) {
	input := encodePNG(t, halves(10, 10))
	for _, args := range [][2]int64{{0, 512}, {-1, 512}, {1 << 20, 0}, {1 << 20, -5}} {
		if _, _, err := ProcessImage(context.Background(), bytes.NewReader(input), args[0], int(args[1])); err == nil {
			t.Errorf("ProcessImage(maxBytes %d, maxDim %d) succeeded", args[0], args[1])
		}
	}

	readErr := errors.New("connection reset")
	_, _, err := ProcessImage(context.Background(), iotest.ErrReader(readErr), 1<<20, 512)
	if !errors.Is(err, readErr) {
		t.Errorf("reader error: got %v, want it wrapped", err)
	}
}

func TestProcessImageStripsMetadata(t *testing.T) {
	const secret = "GPS 52.5200N 13.4050E"
	withText := withPNGChunk(t, encodePNG(t, halves(40, 20)), "tEXt", []byte("Comment\x00"+secret))
	withExif := withJPEGSegment(encodeJPEG(t, halves(40, 20)), 0xE1, exifTIFF(binary.BigEndian, 1, secret))

	for name, input := range map[string][]byte{"png tEXt": withText, "jpeg EXIF": withExif} {
		if !bytes.Contains(input, []byte(secret)) {
			t.Fatalf("%s: test input lacks the metadata", name)
		}
		out, ct, err := ProcessImage(context.Background(), bytes.NewReader(input), 1<<20, 512)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		decodeOutput(t, out, ct)
		if bytes.Contains(out, []byte(secret)) || bytes.Contains(out, []byte("Exif")) {
			t.Errorf("%s: metadata survived re-encoding", name)
		}
	}
}

func TestProcessImageAppliesEXIFOrientation(t *testing.T) {
	// Stored sideways: red on the left, blue on the right.
	tests := []struct {
		name        string
		orientation uint16
		order       binary.AppendByteOrder
		maxDim      int
		wantW       int
		wantH       int
		// Where the stored left (red) half ends up.
		redAt func(b image.Rectangle) image.Point
	}{
		{"none", 1, binary.BigEndian, 512, 80, 40, leftMiddle},
		{"quarter turn clockwise", 6, binary.BigEndian, 512, 40, 80, topMiddle},
		{"quarter turn clockwise, little endian", 6, binary.LittleEndian, 512, 40, 80, topMiddle},
		{"quarter turn counter-clockwise", 8, binary.BigEndian, 512, 40, 80, bottomMiddle},
		{"upside down", 3, binary.LittleEndian, 512, 80, 40, rightMiddle},
		{"turned and shrunk", 6, binary.BigEndian, 20, 10, 20, topMiddle},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			input := withJPEGSegment(encodeJPEG(t, halves(80, 40)), 0xE1, exifTIFF(tt.order, tt.orientation, ""))
			out, ct, err := ProcessImage(context.Background(), bytes.NewReader(input), 1<<20, tt.maxDim)
			if err != nil {
				t.Fatal(err)
			}
			img := decodeOutput(t, out, ct)
			b := img.Bounds()
			if b.Dx() != tt.wantW || b.Dy() != tt.wantH {
				t.Fatalf("size = %dx%d, want %dx%d", b.Dx(), b.Dy(), tt.wantW, tt.wantH)
			}
			if p := tt.redAt(b); !near(img.At(p.X, p.Y), red) {
				t.Errorf("pixel at %v = %v, want red", p, img.At(p.X, p.Y))
			}
		})
	}
}

func leftMiddle(b image.Rectangle) image.Point   { return image.Pt(b.Dx()/4, b.Dy()/2) }
func rightMiddle(b image.Rectangle) image.Point  { return image.Pt(3*b.Dx()/4, b.Dy()/2) }
func topMiddle(b image.Rectangle) image.Point    { return image.Pt(b.Dx()/2, b.Dy()/4) }
func bottomMiddle(b image.Rectangle) image.Point { return image.Pt(b.Dx()/2, 3*b.Dy()/4) }

func TestSniff(t *testing.T) {
	tests := []struct {
		name string
		head []byte
		want string
	}{
		{"png", encodePNG(t, halves(4, 4)), "image/png"},
		{"jpeg", encodeJPEG(t, halves(4, 4)), "image/jpeg"},
		{"webp", readTestdata(t, "opaque-lossy.webp"), "image/webp"},
		{"gif", encodeGIF(t), "image/gif"},
		{"text has no charset parameter", []byte("hello, world\n"), "text/plain"},
		{"html", []byte("<!DOCTYPE html><html></html>"), "text/html"},
		{"pdf", []byte("%PDF-1.7\n"), "application/pdf"},
		{"unknown binary", []byte{0x00, 0x01, 0x02, 0xfe, 0xff, 0x00}, "application/octet-stream"},
	}
	for _, tt := range tests {
		if got := Sniff(tt.head); got != tt.want {
			t.Errorf("%s: Sniff = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestFitSize(t *testing.T) {
	tests := []struct{ w, h, max, wantW, wantH int }{
		{4000, 2000, 512, 512, 256},
		{2000, 4000, 512, 256, 512},
		{100, 50, 512, 100, 50},
		{512, 512, 512, 512, 512},
		{513, 513, 512, 512, 512},
		{3000, 1000, 512, 512, 171},
		{1000, 3, 100, 100, 1},
		{3, 1000, 100, 1, 100},
	}
	for _, tt := range tests {
		if w, h := fitSize(tt.w, tt.h, tt.max); w != tt.wantW || h != tt.wantH {
			t.Errorf("fitSize(%d, %d, %d) = %d, %d; want %d, %d", tt.w, tt.h, tt.max, w, h, tt.wantW, tt.wantH)
		}
	}
}

func TestCheckDimensions(t *testing.T) {
	ok := [][2]int{{1, 1}, {MaxSide, 1}, {1, MaxSide}, {4096, 4096}, {MaxSide, MaxPixels / MaxSide}}
	bad := [][2]int{{0, 1}, {1, 0}, {-1, 5}, {MaxSide + 1, 1}, {MaxSide, MaxSide}, {9000, 9000}, {8000, 8000}, {4097, 4096}}
	for _, d := range ok {
		if err := checkDimensions(d[0], d[1]); err != nil {
			t.Errorf("checkDimensions(%d, %d) = %v", d[0], d[1], err)
		}
	}
	for _, d := range bad {
		if err := checkDimensions(d[0], d[1]); !errors.Is(err, ErrInvalidImage) {
			t.Errorf("checkDimensions(%d, %d) = %v, want ErrInvalidImage", d[0], d[1], err)
		}
	}
}

// halves is w×h, left half red, right half blue.
func halves(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := red
			if x >= w/2 {
				c = blue
			}
			img.SetNRGBA(x, y, c)
		}
	}
	return img
}

// framed is a logo: an opaque square inside a transparent border.
func framed(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := h / 4; y < 3*h/4; y++ {
		for x := w / 4; x < 3*w/4; x++ {
			img.SetNRGBA(x, y, blue)
		}
	}
	return img
}

func paletted(w, h int) *image.Paletted {
	img := image.NewPaletted(image.Rect(0, 0, w, h), color.Palette{color.Transparent, red})
	for x := w / 2; x < w; x++ {
		img.SetColorIndex(x, h/2, 1)
	}
	return img
}

func encodePNG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func encodeJPEG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func encodeGIF(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := gif.Encode(&buf, paletted(8, 8), nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// decodeOutput checks that out really is of type ct and decodes it.
func decodeOutput(t *testing.T, out []byte, ct string) image.Image {
	t.Helper()
	if got := Sniff(out); got != ct {
		t.Fatalf("output sniffs as %q, reported %q", got, ct)
	}
	var img image.Image
	var err error
	switch ct {
	case TypePNG:
		img, err = png.Decode(bytes.NewReader(out))
	case TypeJPEG:
		img, err = jpeg.Decode(bytes.NewReader(out))
	case TypeWebP:
		img, err = webp.Decode(bytes.NewReader(out))
	default:
		t.Fatalf("unexpected output type %q", ct)
	}
	if err != nil {
		t.Fatalf("decode output: %v", err)
	}
	return img
}

// near tolerates JPEG's lossy colours.
func near(c color.Color, want color.NRGBA) bool {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	d := func(a, b uint8) int { return max(int(a)-int(b), int(b)-int(a)) }
	return d(n.R, want.R) < 40 && d(n.G, want.G) < 40 && d(n.B, want.B) < 40 && d(n.A, want.A) < 8
}

// pngHeader is a PNG declaring a w×h RGBA canvas and holding no pixels:
// all a decompression bomb needs to get a naive decoder to allocate.
func pngHeader(t *testing.T, w, h int) []byte {
	t.Helper()
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 8, 6 // 8-bit RGBA
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, pngChunk("IHDR", ihdr)...)
	return append(out, pngChunk("IEND", nil)...)
}

func pngChunk(typ string, data []byte) []byte {
	out := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	out = append(out, typ...)
	out = append(out, data...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(append([]byte(typ), data...)))
}

// withPNGChunk inserts a chunk right after IHDR, where acTL must go.
func withPNGChunk(t *testing.T, p []byte, typ string, data []byte) []byte {
	t.Helper()
	const afterIHDR = 8 + 8 + 13 + 4
	if string(p[12:16]) != "IHDR" {
		t.Fatal("not a PNG")
	}
	out := append([]byte{}, p[:afterIHDR]...)
	out = append(out, pngChunk(typ, data)...)
	return append(out, p[afterIHDR:]...)
}

// withJPEGSegment inserts a marker segment right after SOI.
func withJPEGSegment(j []byte, marker byte, payload []byte) []byte {
	seg := []byte{0xFF, marker}
	seg = binary.BigEndian.AppendUint16(seg, uint16(len(payload)+2))
	seg = append(seg, payload...)
	out := append([]byte{}, j[:2]...)
	out = append(out, seg...)
	return append(out, j[2:]...)
}

// exifTIFF is an APP1 EXIF payload with an orientation tag and, if note is
// set, an ImageDescription tag pointing at note.
func exifTIFF(bo binary.AppendByteOrder, orientation uint16, note string) []byte {
	tiff := []byte("MM")
	if bo == binary.LittleEndian {
		tiff = []byte("II")
	}
	tiff = bo.AppendUint16(tiff, 42)
	tiff = bo.AppendUint32(tiff, 8) // IFD0 right after the header
	entries := uint16(1)
	if note != "" {
		entries = 2
	}
	tiff = bo.AppendUint16(tiff, entries)
	if note != "" {
		noteOffset := uint32(8 + 2 + 12*int(entries) + 4)
		tiff = bo.AppendUint16(tiff, 0x010E) // ImageDescription
		tiff = bo.AppendUint16(tiff, 2)      // ASCII
		tiff = bo.AppendUint32(tiff, uint32(len(note)+1))
		tiff = bo.AppendUint32(tiff, noteOffset)
	}
	tiff = bo.AppendUint16(tiff, 0x0112) // Orientation
	tiff = bo.AppendUint16(tiff, 3)      // SHORT
	tiff = bo.AppendUint32(tiff, 1)
	tiff = bo.AppendUint16(tiff, orientation)
	tiff = bo.AppendUint16(tiff, 0)
	tiff = bo.AppendUint32(tiff, 0) // no next IFD
	if note != "" {
		tiff = append(tiff, note+"\x00"...)
	}
	return append([]byte("Exif\x00\x00"), tiff...)
}

// setJPEGSize rewrites the frame header's dimensions.
func setJPEGSize(t *testing.T, j []byte, w, h uint16) {
	t.Helper()
	i := bytes.Index(j, []byte{0xFF, 0xC0}) // baseline SOF, as image/jpeg writes
	if i < 0 {
		t.Fatal("no SOF0 marker")
	}
	binary.BigEndian.PutUint16(j[i+5:], h)
	binary.BigEndian.PutUint16(j[i+7:], w)
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}
