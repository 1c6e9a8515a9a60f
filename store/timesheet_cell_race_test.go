package store_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/trcr/trcr/store"
)

// Typing into the same empty cell from several tabs at once must still leave the cell one entry: the writes are
// applied one after the other, and the cell ends at the value of the write applied last. Each weekday's cell is
// one round of concurrent typings, so a lost update has several chances to show.
func TestSetTimesheetCell_ConcurrentTypingsOfAnEmptyCellLeaveOneEntry(t *testing.T) {
	f := newWeekWorld(t)
	const typings = 16
	for day := range 5 {
		date := fmt.Sprintf("2026-03-%02d", 2+day)
		var wg sync.WaitGroup
		errs := make(chan error, typings)
		start := make(chan struct{})
		for i := range typings {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, err := f.s.SetTimesheetCell(f.ctx, f.owner, store.TimesheetCellInput{
					Date: date, ProjectID: f.project, Hours: fmt.Sprintf("%dm", 10*(i+1)),
				})
				errs <- err
			}()
		}
		close(start)
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("%s: %v", date, err)
			}
		}
		var entries []struct {
			ID      string    `db:"id"`
			Started time.Time `db:"started_at"`
			Stopped time.Time `db:"stopped_at"`
		}
		mustGet(t, f.db.Select(&entries, `SELECT id, started_at, stopped_at FROM time_entries
			WHERE user_id = $1 AND project_id = $2 AND started_at::date = $3`, f.owner.UserID, f.project, date))
		if len(entries) != 1 {
			t.Fatalf("%s: %d entries in the cell, want 1", date, len(entries))
		}
		e := entries[0]
		// The audit rows' transaction ids give the order the writes took the cell; the last one's stop is the entry's.
		var lastStop string
		mustGet(t, f.db.Get(&lastStop, `SELECT changes->'stopped_at'->>'to' FROM audit_logs
			WHERE entity_type = 'time_entry' AND entity_id = $1 ORDER BY xmin::text::bigint DESC LIMIT 1`, e.ID))
		got := e.Stopped.Sub(e.Started)
		if want, _ := time.Parse(time.RFC3339, lastStop); !e.Stopped.Equal(want) || got%(10*time.Minute) != 0 || got > typings*10*time.Minute {
			t.Errorf("%s: the entry lasts %v and stops %v; want one of the typed values, stopping at the last write's %s",
				date, got, e.Stopped.UTC(), lastStop)
		}
		if cell := cellSeconds(t, f, &f.project, day); cell != int64(got/time.Second) {
			t.Errorf("%s: cell = %d s, want the entry's %v", date, cell, got)
		}
	}
}
