package blog

// AnswerFromSnapshots makes a frozen site's snapshots answer from the
// first question, for tests comparing them with the store, and returns
// the function that restores the threshold.
func AnswerFromSnapshots() (restore func()) {
	was := snapshotAfter
	snapshotAfter = 0
	return func() { snapshotAfter = was }
}

// Shown drops from p what a build's snapshot does not hold.
func Shown(p *Post) { shown(p) }

// ShownReply drops from c what a build's snapshot does not hold.
func ShownReply(c *Comment) { shownReply(c) }
