// Package imaging turns untrusted image uploads (avatars, team logos) into
// small, metadata-free PNG or JPEG files that are safe to store and serve.
//
// The content type is always sniffed from the bytes; whatever the client
// declared (file extension, multipart Content-Type) is ignored.
package imaging

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"mime"
	"strings"

	"github.com/gabriel-vasile/mimetype"
	"golang.org/x/image/draw"
	"golang.org/x/image/webp"
)

var (
	// ErrTooLarge means the upload has more bytes than allowed.
	ErrTooLarge = errors.New("imaging: file too large")
	// ErrUnsupportedType means the bytes are not a PNG, JPEG or WebP image.
	ErrUnsupportedType = errors.New("imaging: unsupported file type")
	// ErrInvalidImage means the bytes look like a supported format but
	// cannot be decoded.
	ErrInvalidImage = errors.New("imaging: invalid image")
	// ErrImageTooLarge means the header declares more than MaxSide or
	// MaxPixels, or 16 bits per channel: a likely decompression bomb,
	// refused before a pixel is decoded. It is also an ErrInvalidImage.
	ErrImageTooLarge = fmt.Errorf("%w: too large to decode", ErrInvalidImage)
)

// Limits checked from the image header before any pixel is decoded: a tiny
// file can declare a huge canvas, and decoding allocates the whole canvas.
// At 8 bits per channel that is at most 4 bytes a pixel, 64 MB; 16-bit
// PNGs (8 bytes a pixel, and a 0.5 MB file can declare 8000×8000) are
// refused whatever their size.
const (
	MaxSide   = 10000
	MaxPixels = 4096 * 4096 // 16.8 MP: a 4096×4096 logo, or a 16 MP photo
)

// MaxConcurrentDecodes bounds the images this process decodes at once, so
// simultaneous uploads cannot add up to more than a few canvases of memory.
const MaxConcurrentDecodes = 2

var decodeSlots = make(chan struct{}, MaxConcurrentDecodes)

// JPEGQuality is the quality used when the output is JPEG.
const JPEGQuality = 85

// Output content types.
const (
	TypePNG  = "image/png"
	TypeJPEG = "image/jpeg"
	TypeWebP = "image/webp"
)

// Sniff returns the bare media type (no parameters, e.g. "image/png" or
// "text/plain") detected from the first bytes of a file. 3 KiB is enough.
func Sniff(head []byte) string {
	return bareType(mimetype.Detect(head).String())
}

func bareType(t string) string {
	if mt, _, err := mime.ParseMediaType(t); err == nil {
		return mt
	}
	mt, _, _ := strings.Cut(t, ";")
	return strings.TrimSpace(mt)
}

// decoders are chosen explicitly by sniffed type instead of through the
// image package's global registry, so a format that some other package
// registers (GIF, BMP, ...) can never slip through.
var decoders = map[string]struct {
	decode       func(io.Reader) (image.Image, error)
	decodeConfig func(io.Reader) (image.Config, error)
}{
	TypePNG:  {png.Decode, png.DecodeConfig},
	TypeJPEG: {jpeg.Decode, jpeg.DecodeConfig},
	TypeWebP: {webp.Decode, webp.DecodeConfig},
}

// supportedType maps sniffed content to one of the decodable types. It
// walks mimetype's hierarchy so that subtypes decode as their parent: an
// animated PNG (image/vnd.mozilla.apng) is a PNG whose first frame image/png
// decodes.
func supportedType(data []byte) (string, bool) {
	for m := mimetype.Detect(data); m != nil; m = m.Parent() {
		if t := bareType(m.String()); decoders[t].decode != nil {
			return t, true
		}
	}
	return "", false
}

// ProcessImage reads an uploaded image of at most maxBytes, checks it is a
// PNG, JPEG or WebP by its content, shrinks it so its longest side is at
// most maxDim (never enlarging it), and re-encodes it, which drops all
// metadata such as EXIF location (after applying the EXIF orientation, so
// phone photos stay upright).
//
// PNG input stays PNG, keeping transparency for logos. JPEG and WebP become
// JPEG at JPEGQuality, except a WebP with transparent pixels, which becomes
// PNG. contentType is the type of data.
//
// Decoding waits for one of MaxConcurrentDecodes slots, or until ctx ends.
//
// Errors: ErrTooLarge, ErrUnsupportedType, ErrInvalidImage (ErrImageTooLarge
// for a likely decompression bomb; all wrapped, test with errors.Is), the
// context's error, or the reader's own error.
func ProcessImage(ctx context.Context, r io.Reader, maxBytes int64, maxDim int) (data []byte, contentType string, err error) {
	if maxBytes <= 0 || maxDim <= 0 {
		return nil, "", fmt.Errorf("imaging: maxBytes and maxDim must be positive, got %d and %d", maxBytes, maxDim)
	}
	in, err := readLimited(r, maxBytes)
	if err != nil {
		return nil, "", err
	}
	inType, ok := supportedType(in)
	if !ok {
		return nil, "", fmt.Errorf("%w: %s", ErrUnsupportedType, Sniff(in))
	}
	if err := checkHeader(in, inType); err != nil {
		return nil, "", err
	}
	// Held until the output is encoded: the decoded canvas lives that long.
	select {
	case decodeSlots <- struct{}{}:
		defer func() { <-decodeSlots }()
	case <-ctx.Done():
		return nil, "", fmt.Errorf("imaging: waiting to decode: %w", ctx.Err())
	}
	img, err := decodeImage(in, inType)
	if err != nil {
		return nil, "", err
	}

	// Decided on the source: resampling may leave alpha a hair below opaque.
	outType := outputType(inType, img)

	orientation := 1
	if inType == TypeJPEG {
		orientation = jpegOrientation(in)
	}
	// Scaling first is cheaper, and valid because orientation only swaps
	// width and height, which does not change the longest side.
	img = orient(fit(img, maxDim), orientation)

	out, err := encode(img, outType)
	if err != nil {
		return nil, "", err
	}
	return out, outType, nil
}

// readLimited reads all of r, failing with ErrTooLarge as soon as it has
// seen more than max bytes instead of reading the whole stream.
func readLimited(r io.Reader, max int64) ([]byte, error) {
	limit := max
	if limit < math.MaxInt64 {
		limit++ // one byte over tells "exactly max" from "too large"
	}
	data, err := io.ReadAll(io.LimitReader(r, limit))
	if err != nil {
		return nil, fmt.Errorf("imaging: read upload: %w", err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, max)
	}
	return data, nil
}

// checkHeader reads only the header: the dimensions, and for PNG the bit
// depth, before anything allocates the canvas.
func checkHeader(data []byte, contentType string) error {
	cfg, err := decoders[contentType].decodeConfig(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("%w: %s header: %v", ErrInvalidImage, contentType, err)
	}
	return checkConfig(cfg, contentType, data)
}

// checkConfig refuses a canvas that decoding must not allocate, from the header DecodeConfig read at the start of
// data.
func checkConfig(cfg image.Config, contentType string, data []byte) error {
	if err := checkDimensions(cfg.Width, cfg.Height); err != nil {
		return err
	}
	// DecodeConfig has read a valid IHDR, which starts after the 8-byte
	// signature, its 8-byte chunk header and the 8 bytes of width and height.
	if contentType == TypePNG && len(data) > 24 && data[24] == 16 {
		return fmt.Errorf("%w: 16 bits per channel", ErrImageTooLarge)
	}
	return nil
}

func decodeImage(data []byte, contentType string) (image.Image, error) {
	img, err := decoders[contentType].decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrInvalidImage, contentType, err)
	}
	return img, nil
}

func checkDimensions(w, h int) error {
	switch {
	case w <= 0 || h <= 0:
		return fmt.Errorf("%w: empty %dx%d canvas", ErrInvalidImage, w, h)
	case w > MaxSide || h > MaxSide:
		return fmt.Errorf("%w: %dx%d exceeds %d pixels per side", ErrImageTooLarge, w, h, MaxSide)
	case int64(w)*int64(h) > MaxPixels:
		return fmt.Errorf("%w: %dx%d exceeds %d pixels", ErrImageTooLarge, w, h, MaxPixels)
	}
	return nil
}

// fit scales img down with Catmull-Rom so that its longest side is maxDim,
// keeping the aspect ratio; smaller images are returned as they are.
func fit(img image.Image, maxDim int) image.Image {
	b := img.Bounds()
	w, h := fitSize(b.Dx(), b.Dy(), maxDim)
	if w == b.Dx() && h == b.Dy() {
		return img
	}
	// RGBA is premultiplied, so edges of transparent areas blend correctly.
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.CatmullRom.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
	return dst
}

// fitSize returns w×h scaled so the longest side is at most maxDim, with
// each side rounded to the nearest pixel but at least one.
func fitSize(w, h, maxDim int) (int, int) {
	long := max(w, h)
	if long <= maxDim {
		return w, h
	}
	scale := func(n int) int {
		return max(1, int(math.Round(float64(n)*float64(maxDim)/float64(long))))
	}
	return scale(w), scale(h)
}

// outputType keeps PNG as PNG; other inputs become JPEG unless they have
// transparent pixels, which JPEG cannot represent.
func outputType(inType string, img image.Image) string {
	if inType == TypePNG || !opaque(img) {
		return TypePNG
	}
	return TypeJPEG
}

// opaque reports whether every pixel of img is fully opaque. The standard
// image types answer from their pixel format or by scanning alpha only.
func opaque(img image.Image) bool {
	if o, ok := img.(interface{ Opaque() bool }); ok {
		return o.Opaque()
	}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if _, _, _, a := img.At(x, y).RGBA(); a != 0xffff {
				return false
			}
		}
	}
	return true
}

func encode(img image.Image, contentType string) ([]byte, error) {
	var buf bytes.Buffer
	var err error
	switch contentType {
	case TypePNG:
		// Worth the CPU: an image is processed once and downloaded often.
		err = (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, img)
	case TypeJPEG:
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: JPEGQuality})
	default:
		err = fmt.Errorf("no encoder for %s", contentType)
	}
	if err != nil {
		return nil, fmt.Errorf("imaging: encode %s: %w", contentType, err)
	}
	return buf.Bytes(), nil
}
