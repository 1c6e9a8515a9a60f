package imaging

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"image"
	"testing"
	"testing/iotest"
)

func TestThumbnail(t *testing.T) {
	for _, tt := range []struct {
		name         string
		input        []byte
		inType       string
		wantType     string
		wantW, wantH int
	}{
		{"png", encodePNG(t, halves(1600, 800)), TypePNG, TypePNG, 320, 160},
		{"jpeg", encodeJPEG(t, halves(800, 1600)), TypeJPEG, TypeJPEG, 160, 320},
		{"gif, first frame", encodeGIF(t), TypeGIF, TypePNG, 8, 8},
		{"webp", readTestdata(t, "opaque-lossy.webp"), TypeWebP, TypeJPEG, 96, 48},
		{"jpeg turned upright", withJPEGSegment(encodeJPEG(t, halves(800, 400)), 0xE1, exifTIFF(binary.BigEndian, 6, "")), TypeJPEG, TypeJPEG, 160, 320},
	} {
		t.Run(tt.name, func(t *testing.T) {
			// One byte at a time: the header read and the decode share one stream, read once.
			out, ct, err := Thumbnail(context.Background(), iotest.OneByteReader(bytes.NewReader(tt.input)), tt.inType, 320)
			if err != nil {
				t.Fatal(err)
			}
			if ct != tt.wantType {
				t.Errorf("type %s, want %s", ct, tt.wantType)
			}
			if b := decodeOutput(t, out, ct).Bounds(); b.Dx() != tt.wantW || b.Dy() != tt.wantH {
				t.Errorf("size %dx%d, want %dx%d", b.Dx(), b.Dy(), tt.wantW, tt.wantH)
			}
		})
	}
}

// A decompression bomb is refused from its header: the stream is read no further than the header, and no canvas
// is allocated.
func TestThumbnail_RefusesBombsFromTheHeader(t *testing.T) {
	bomb := grayPNG(t, 8000, 8000, 16)
	r := &countingReader{r: bytes.NewReader(bomb)}
	_, _, err := Thumbnail(context.Background(), r, TypePNG, 320)
	if !errors.Is(err, ErrImageTooLarge) {
		t.Fatalf("err = %v, want ErrImageTooLarge", err)
	}
	if r.n > 64<<10 {
		t.Errorf("read %d bytes of a %d-byte bomb before refusing", r.n, len(bomb))
	}
	bigJPEG := encodeJPEG(t, halves(16, 16))
	setJPEGSize(t, bigJPEG, 30000, 30000)
	if _, _, err := Thumbnail(context.Background(), bytes.NewReader(bigJPEG), TypeJPEG, 320); !errors.Is(err, ErrImageTooLarge) {
		t.Fatalf("30000x30000 jpeg: err = %v", err)
	}
}

func TestThumbnail_Refusals(t *testing.T) {
	if _, _, err := Thumbnail(context.Background(), bytes.NewReader([]byte("%PDF-1.7")), "application/pdf", 320); !errors.Is(err, ErrUnsupportedType) {
		t.Errorf("pdf: %v", err)
	}
	truncated := encodePNG(t, halves(64, 64))[:60]
	if _, _, err := Thumbnail(context.Background(), bytes.NewReader(truncated), TypePNG, 320); !errors.Is(err, ErrInvalidImage) {
		t.Errorf("truncated png: %v", err)
	}
	// Every slot busy and the context ending: no decode.
	for range MaxConcurrentDecodes {
		decodeSlots <- struct{}{}
	}
	defer func() {
		for range MaxConcurrentDecodes {
			<-decodeSlots
		}
	}()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := Thumbnail(ctx, bytes.NewReader(encodePNG(t, image.NewGray(image.Rect(0, 0, 8, 8)))), TypePNG, 320); !errors.Is(err, context.Canceled) {
		t.Errorf("with every slot busy: %v", err)
	}
}
