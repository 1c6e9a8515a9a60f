package store

// Unexported pieces exposed to the store_test package.
var (
	CreateNextOccurrence   = (*Store).createNextOccurrence
	NextOccurrence         = nextOccurrence
	NextOccurrenceAnchored = nextOccurrenceAnchored
	NormalizePattern       = normalizePattern
)
