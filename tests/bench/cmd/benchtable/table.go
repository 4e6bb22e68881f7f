//go:build linux

package main

import (
	"fmt"
	"io"
	"math"
	"strings"
)

// A row sets one procfd figure beside one peer's from the same run. ratio
// is always procfd over the peer, whatever the unit: for spawns/s higher is
// better, for the rest lower; target says which.
type row struct {
	section string
	measure string
	subject string
	subj    float64
	peer    string // "" for a figure with no peer: only its target
	peerV   float64
	target  string
	why     string // why the row has no figures
}

func printTable(out io.Writer, facts []string, rows []row) {
	for _, f := range facts {
		fmt.Fprintf(out, "%s  \n", f)
	}
	fmt.Fprintln(out)
	fmt.Fprintln(out, "| # | measure | procfd | figure | peer | peer's figure | ratio | target |")
	fmt.Fprintln(out, "|---|---|---|---:|---|---:|---:|---|")
	for _, r := range rows {
		fig, peerFig, ratio := num(r.subj), "", "—"
		if r.peer != "" {
			peerFig = num(r.peerV)
			if q := r.subj / r.peerV; !math.IsNaN(q) && !math.IsInf(q, 0) {
				ratio = fmt.Sprintf("%.2f", q)
			}
		}
		if r.why != "" {
			fig, peerFig, ratio = "skipped: "+r.why, "", "—"
		}
		fmt.Fprintf(out, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", r.section, r.measure,
			r.subject, fig, r.peer, peerFig, ratio, r.target)
	}
}

// num shows three significant figures or so: the noise of a shared
// two-core machine is larger than that.
func num(v float64) string {
	switch a := math.Abs(v); {
	case math.IsNaN(v):
		return "n/a"
	case a >= 100 || v == math.Trunc(v):
		return addCommas(fmt.Sprintf("%.0f", v))
	case a >= 10:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.2f", v)
	}
}

func addCommas(s string) string {
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 && s[i-1] != '-' {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
