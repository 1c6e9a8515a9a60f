package imaging

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/gif"
	"io"
)

// TypeGIF is the content type of GIF images, which get thumbnails (attachments) but are refused as avatars.
const TypeGIF = "image/gif"

// thumbnailHeadLimit bounds what is read to find an image's dimensions. JPEG puts them after its metadata
// segments (EXIF, ICC profiles), which rarely pass 100 KB; an image whose header lies further gets no thumbnail.
const thumbnailHeadLimit = 1 << 20

// thumbnailDecoders are the formats Thumbnail reads: the avatar formats and GIF (its first frame).
var thumbnailDecoders = map[string]struct {
	decode       func(io.Reader) (image.Image, error)
	decodeConfig func(io.Reader) (image.Config, error)
}{
	TypePNG:  decoders[TypePNG],
	TypeJPEG: decoders[TypeJPEG],
	TypeWebP: decoders[TypeWebP],
	TypeGIF:  {gif.Decode, gif.DecodeConfig},
}

// Thumbnail reads an image of the given type (PNG, JPEG, GIF or WebP, as sniffed by the caller) from a stream and
// returns it scaled to fit maxDim, upright, re-encoded as PNG or JPEG like ProcessImage. The file is never held
// whole: the header is checked against MaxSide and MaxPixels before a pixel is decoded, and decoding reads the
// stream while holding one of MaxConcurrentDecodes slots (or fails when ctx ends first), so the memory it takes
// is that of the canvas, at most MaxPixels.
//
// Errors: ErrUnsupportedType, ErrInvalidImage (ErrImageTooLarge for a canvas too large to decode), the context's
// error, or the reader's own error.
func Thumbnail(ctx context.Context, r io.Reader, contentType string, maxDim int) (data []byte, outType string, err error) {
	dec, ok := thumbnailDecoders[contentType]
	if !ok || maxDim <= 0 {
		return nil, "", fmt.Errorf("%w: %s", ErrUnsupportedType, contentType)
	}
	// What DecodeConfig reads (its read-ahead included) is kept, to be read again before the rest of the stream.
	var head bytes.Buffer
	cfg, err := dec.decodeConfig(io.TeeReader(io.LimitReader(r, thumbnailHeadLimit), &head))
	if err != nil {
		if head.Len() >= thumbnailHeadLimit {
			return nil, "", fmt.Errorf("%w: no dimensions in the first %d bytes", ErrImageTooLarge, thumbnailHeadLimit)
		}
		return nil, "", fmt.Errorf("%w: %s header: %v", ErrInvalidImage, contentType, err)
	}
	if err := checkConfig(cfg, contentType, head.Bytes()); err != nil {
		return nil, "", err
	}
	select {
	case decodeSlots <- struct{}{}:
		defer func() { <-decodeSlots }()
	case <-ctx.Done():
		return nil, "", fmt.Errorf("imaging: waiting to decode: %w", ctx.Err())
	}
	img, err := dec.decode(io.MultiReader(bytes.NewReader(head.Bytes()), r))
	if err != nil {
		return nil, "", fmt.Errorf("%w: %s: %v", ErrInvalidImage, contentType, err)
	}
	outType = outputType(contentType, img)
	orientation := 1
	if contentType == TypeJPEG {
		orientation = jpegOrientation(head.Bytes()) // EXIF comes before the frame header, so it is in head
	}
	out, err := encode(orient(fit(img, maxDim), orientation), outType)
	if err != nil {
		return nil, "", err
	}
	return out, outType, nil
}
