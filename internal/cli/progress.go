package cli

import (
	"fmt"
	"io"
	"strings"
)

// progress draws a one-line bar on a terminal and stays silent
// elsewhere, so logs and pipes get no control characters.
type progress struct {
	w     io.Writer
	label string
	total int
	last  int
}

func newProgress(env Env, label string, total int) *progress {
	p := &progress{label: label, total: total, last: -1}
	if env.IsTerminal != nil && env.IsTerminal(env.Stderr) {
		p.w = env.Stderr
	}
	return p
}

const barWidth = 30

func (p *progress) set(n int) {
	if p.w == nil || p.total == 0 {
		return
	}
	filled := n * barWidth / p.total
	if filled == p.last && n != p.total {
		return
	}
	p.last = filled
	fmt.Fprintf(p.w, "\r%-9s [%s%s] %d/%d", p.label, strings.Repeat("=", filled), strings.Repeat(" ", barWidth-filled), n, p.total)
}

func (p *progress) done() {
	if p.w != nil && p.last >= 0 {
		fmt.Fprintln(p.w)
	}
}
