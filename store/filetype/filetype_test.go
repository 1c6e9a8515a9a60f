package filetype

import (
	"archive/zip"
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"testing"
)

func samplePNG(t *testing.T) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func sampleJPEG(t *testing.T) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewRGBA(image.Rect(0, 0, 4, 4)), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func sampleGIF(t *testing.T) []byte {
	var b bytes.Buffer
	if err := gif.Encode(&b, image.NewPaletted(image.Rect(0, 0, 4, 4), color.Palette{color.Black}), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// sampleZIP writes an archive with the named entries in order; "mimetype" is stored uncompressed, as OpenDocument
// requires, with content as its data.
func sampleZIP(t *testing.T, content string, names ...string) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, n := range names {
		h := &zip.FileHeader{Name: n, Method: zip.Deflate}
		data := "<x/>"
		if n == "mimetype" {
			h.Method, data = zip.Store, content
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestDecide(t *testing.T) {
	webp, err := os.ReadFile("../imaging/testdata/opaque-lossy.webp")
	if err != nil {
		t.Fatal(err)
	}
	pdf := []byte("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	text := []byte("Meeting notes\n- ship the thing\n")
	csv := []byte("name,hours,rate\nAda,3,120\nGrace,5,140\nLinus,2,90\n")
	docx := sampleZIP(t, "", "[Content_Types].xml", "_rels/.rels", "docProps/core.xml", "word/document.xml")
	xlsx := sampleZIP(t, "", "[Content_Types].xml", "_rels/.rels", "xl/workbook.xml")
	pptx := sampleZIP(t, "", "[Content_Types].xml", "_rels/.rels", "ppt/presentation.xml")
	odt := sampleZIP(t, ODT, "mimetype", "content.xml")
	plainZIP := sampleZIP(t, "", "README.txt", "src/main.go")
	ole := append([]byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), make([]byte, 600)...)

	for _, tc := range []struct {
		name     string
		declared string
		head     []byte
		want     string
		err      error
	}{
		{"png", "image/png", samplePNG(t), PNG, nil},
		{"png undeclared", "", samplePNG(t), PNG, nil},
		{"png as octet-stream", "application/octet-stream", samplePNG(t), PNG, nil},
		{"jpeg alias with parameters", "image/JPG; name=x", sampleJPEG(t), JPEG, nil},
		{"gif", "image/gif", sampleGIF(t), GIF, nil},
		{"webp", "image/webp", webp, WebP, nil},
		{"pdf", "application/pdf", pdf, PDF, nil},
		{"text", "text/plain", text, Text, nil},
		{"text with charset", "text/plain; charset=utf-8", text, Text, nil},
		{"csv", "text/csv", csv, CSV, nil},
		{"csv undeclared", "", csv, CSV, nil},
		{"csv declared as plain text stays text", "text/plain", csv, Text, nil},
		{"csv from Windows declared as Excel", "application/vnd.ms-excel", csv, CSV, nil},
		{"zip", "application/zip", plainZIP, ZIP, nil},
		{"zip from Windows", "application/x-zip-compressed", plainZIP, ZIP, nil},
		{"docx is a zip too", "application/zip", docx, ZIP, nil},
		{"docx", DOCX, docx, DOCX, nil},
		{"docx undeclared", "", docx, DOCX, nil},
		{"xlsx", XLSX, xlsx, XLSX, nil},
		{"pptx", PPTX, pptx, PPTX, nil},
		{"odt", ODT, odt, ODT, nil},
		{"legacy word", DOC, ole, DOC, nil},

		{"png declared as pdf", "application/pdf", samplePNG(t), "", ErrMismatch},
		{"pdf declared as png", "image/png", pdf, "", ErrMismatch},
		{"jpeg declared as png", "image/png", sampleJPEG(t), "", ErrMismatch},
		{"plain zip declared as docx", DOCX, plainZIP, "", ErrMismatch},
		{"xlsx declared as docx", DOCX, xlsx, "", ErrMismatch},
		{"text declared as pdf", "application/pdf", text, "", ErrMismatch},
		{"zip declared as text", "text/plain", plainZIP, "", ErrMismatch},
		{"compound file undeclared", "", ole, "", ErrMismatch},
		{"html declared as text", "text/plain", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"), "", ErrNotAllowed},
		{"svg declared as png", "image/png", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>`), "", ErrNotAllowed},
		{"html declared", "text/html", []byte("<html></html>"), "", ErrNotAllowed},
		{"executable", "", []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00PE\x00\x00"), "", ErrNotAllowed},
		{"executable declared as zip", "application/zip", []byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00>\x00"), "", ErrNotAllowed},
		{"malformed declared type", "image/", samplePNG(t), "", ErrNotAllowed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Decide(tc.declared, tc.head)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("Decide(%q) = %q, %v; want %v", tc.declared, got, err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("Decide(%q) = %q, %v; want %q", tc.declared, got, err, tc.want)
			}
		})
	}
}

// The entries of a document written by Office lie past mimetype's own 3 KB window when its first parts are large;
// the 64 KB head still shows them.
func TestDecide_OfficeEntriesPastTheFirstKilobytes(t *testing.T) {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, n := range []string{"[Content_Types].xml", "docProps/thumbnail.jpeg", "word/document.xml"} {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: n, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		size := 10
		if n == "docProps/thumbnail.jpeg" {
			size = 20 << 10
		}
		if _, err := w.Write(bytes.Repeat([]byte{'x'}, size)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if got, err := Decide(DOCX, b.Bytes()); err != nil || got != DOCX {
		t.Fatalf("Decide = %q, %v", got, err)
	}
}

func TestKinds(t *testing.T) {
	if !IsImage(PNG) || IsImage(PDF) || !IsText(CSV) || IsText(ZIP) {
		t.Fatal("IsImage/IsText")
	}
}
