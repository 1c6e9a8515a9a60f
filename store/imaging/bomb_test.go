package imaging

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"errors"
	"image"
	"runtime"
	"testing"
	"time"
)

// grayPNG is a valid, all-black w×h grayscale PNG of the given bit depth (8 or 16), written row by row so that
// even an 8000×8000 canvas is a small file made without holding the canvas: the shape of a decompression bomb.
func grayPNG(t *testing.T, w, h int, depth byte) []byte {
	t.Helper()
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8] = depth // colour type 0: grayscale
	var z bytes.Buffer
	zw, err := zlib.NewWriterLevel(&z, zlib.BestSpeed)
	if err != nil {
		t.Fatal(err)
	}
	row := make([]byte, 1+w*int(depth)/8) // filter byte, then the pixels
	for range h {
		if _, err := zw.Write(row); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, pngChunk("IHDR", ihdr)...)
	out = append(out, pngChunk("IDAT", z.Bytes())...)
	return append(out, pngChunk("IEND", nil)...)
}

func TestProcessImage_RefusesDecompressionBombsBeforeDecoding(t *testing.T) {
	rgba64 := image.NewRGBA64(image.Rect(0, 0, 64, 64)) // transparent: encoded as 16-bit RGBA
	for _, tt := range []struct {
		name  string
		input []byte
		want  string
	}{
		{"8000x8000 16-bit, the reported bomb", grayPNG(t, 8000, 8000, 16), "exceeds"},
		{"just over 16 megapixels", grayPNG(t, 4097, 4096, 8), "exceeds"},
		{"small 16-bit gray", encodePNG(t, image.NewGray16(image.Rect(0, 0, 64, 64))), "16 bits"},
		{"small 16-bit rgba", encodePNG(t, rgba64), "16 bits"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.input) > 1<<20 {
				t.Fatalf("test input is %d bytes", len(tt.input))
			}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			out, _, err := ProcessImage(context.Background(), bytes.NewReader(tt.input), 5<<20, 512)
			elapsed := time.Since(start)
			runtime.ReadMemStats(&after)
			if !errors.Is(err, ErrImageTooLarge) || !errors.Is(err, ErrInvalidImage) || !bytes.Contains([]byte(err.Error()), []byte(tt.want)) {
				t.Fatalf("err = %v, want ErrImageTooLarge mentioning %q", err, tt.want)
			}
			if out != nil {
				t.Error("returned output alongside the error")
			}
			// Refused from the header: no canvas allocated, no time spent.
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8<<20 {
				t.Errorf("allocated %d MB before refusing", alloc>>20)
			}
			if elapsed > time.Second {
				t.Errorf("took %v to refuse", elapsed)
			}
		})
	}
	// The largest canvas allowed still works.
	out, ct, err := ProcessImage(context.Background(), bytes.NewReader(grayPNG(t, 4096, 4096, 8)), 5<<20, 512)
	if err != nil {
		t.Fatalf("4096x4096: %v", err)
	}
	if b := decodeOutput(t, out, ct).Bounds(); b.Dx() != 512 || b.Dy() != 512 {
		t.Errorf("4096x4096 became %v", b)
	}
}

func TestProcessImage_WaitsForADecodeSlotUntilTheContextEnds(t *testing.T) {
	input := encodePNG(t, halves(64, 32))
	// Every slot busy, as with MaxConcurrentDecodes uploads being decoded.
	for range MaxConcurrentDecodes {
		decodeSlots <- struct{}{}
	}
	released := 0
	release := func() { <-decodeSlots; released++ }
	defer func() {
		for released < MaxConcurrentDecodes {
			release()
		}
	}()

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, _, err := ProcessImage(ctx, bytes.NewReader(input), 1<<20, 512); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("with every slot busy: err = %v, want the context's deadline", err)
	}
	// Header checks do not wait: a bomb is refused even while every slot is busy.
	if _, _, err := ProcessImage(ctx, bytes.NewReader(grayPNG(t, 8000, 8000, 16)), 1<<20, 512); !errors.Is(err, ErrImageTooLarge) {
		t.Fatalf("bomb while busy: %v", err)
	}

	done := make(chan error, 1)
	go func() {
		_, _, err := ProcessImage(context.Background(), bytes.NewReader(input), 1<<20, 512)
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("decoded while every slot was busy (err %v)", err)
	case <-time.After(100 * time.Millisecond):
	}
	release()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("still waiting after a slot was freed")
	}
	if n := len(decodeSlots); n != MaxConcurrentDecodes-released {
		t.Errorf("%d slots held after the decode finished, want %d", n, MaxConcurrentDecodes-released)
	}
}
