package main

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

func TestMedianAndWorst(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in          []float64
		med, worstV float64
	}{
		{[]float64{5}, 5, 5},
		{[]float64{9, 1, 5}, 5, 9},
		{[]float64{4, 1, 3, 2}, 2.5, 4},
	} {
		if got := median(c.in); got != c.med {
			t.Errorf("median(%v) = %v, want %v", c.in, got, c.med)
		}
		if got := worst(c.in); got != c.worstV {
			t.Errorf("worst(%v) = %v, want %v", c.in, got, c.worstV)
		}
	}
	if !math.IsNaN(median(nil)) || !math.IsNaN(worst(nil)) {
		t.Error("no samples should give NaN")
	}
	in := []float64{3, 1, 2}
	median(in)
	if in[0] != 3 {
		t.Error("median sorted its argument")
	}
}

func TestDroppedFrames(t *testing.T) {
	t.Parallel()
	steady := []float64{0, 16.7, 33.3, 50, 66.7}
	if got := droppedFrames(steady); got != 0 {
		t.Errorf("steady 60 Hz: %d dropped", got)
	}
	// A 50 ms gap lost two frames; a 24 ms one (under 1.5 frames) lost none.
	if got := droppedFrames([]float64{0, 16.7, 66.7, 90.7}); got != 2 {
		t.Errorf("got %d dropped, want 2", got)
	}
	if got := longestGap([]float64{0, 16.7, 66.7, 90.7}); got != 50 {
		t.Errorf("longest gap %v, want 50", got)
	}
}

func TestMetricMet(t *testing.T) {
	t.Parallel()
	m := metric{Unit: "ms", Goal: 100, Samples: []float64{90, 99, 300}}
	if met, ok := m.met(); !met || !ok {
		t.Errorf("median 99 < 100: met=%v ok=%v", met, ok)
	}
	m.Samples = []float64{100}
	if met, _ := m.met(); met {
		t.Error("100 is not < 100")
	}
	f := metric{Unit: "frames", Goal: 6, AtMost: true, Samples: []float64{6}}
	if met, _ := f.met(); !met {
		t.Error("6 is ≤ 6")
	}
	if _, ok := (&metric{Unit: "ms", Samples: []float64{1}}).met(); ok {
		t.Error("a metric without a goal has no verdict")
	}
}

func TestWriteTable(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	writeTable(&buf, []*metric{
		{Name: "board: usable", Unit: "ms", Goal: 500, Samples: []float64{420, 380, 610}},
		{Name: "board: HTML", Unit: "KB", Goal: 200, Samples: []float64{1234.4}},
		{Name: "wheel: dropped frames", Unit: "frames", Goal: 6, AtMost: true, Samples: []float64{2, 9}},
		{Name: "move a card", Unit: "ms", Goal: 100, Note: "and constant", Samples: nil},
	})
	want := []string{
		"| page / interaction | median | worst | goal | met? |",
		"|---|---:|---:|---|---|",
		"| board: usable | 420 ms | 610 ms | < 500 ms | yes |",
		"| board: HTML | 1,234 KB | 1,234 KB | < 200 KB | **no** |",
		"| wheel: dropped frames | 6 | 9 | ≤ 6 | yes |",
		"| move a card | – | – | < 100 ms (and constant) | – |",
	}
	got := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(got) != len(want) {
		t.Fatalf("table:\n%s", buf.String())
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d:\n got %s\nwant %s", i, got[i], want[i])
		}
	}
}

func TestWritePageDetails(t *testing.T) {
	t.Parallel()
	p := newPageFigures("board", 500, 200)
	for _, v := range []float64{300, 500} {
		p.DCL.add(v / 2)
		p.Load.add(v)
		p.Usable.add(v + 10)
		p.Blocked.add(40)
		p.HTMLKB.add(512.2)
		p.Nodes.add(5537)
	}
	var buf bytes.Buffer
	writePageDetails(&buf, []*pageFigures{p})
	if !strings.Contains(buf.String(), "| board | 200 ms | 400 ms | 410 ms (510 ms) | 40 ms | 512 KB | 5,537 |") {
		t.Errorf("details:\n%s", buf.String())
	}
}
