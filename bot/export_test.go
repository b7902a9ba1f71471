package bot

// TimelineKind is timelineKind, for the test that every audited action
// the board shows has words.
var TimelineKind = timelineKind
