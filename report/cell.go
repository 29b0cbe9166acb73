package report

import "polku/report/sdc"

// The constructors below are the only way a figure becomes a Cell: each
// takes what sdc returned, so a cell is shown only where sdc let it be.

// count is a protected count.
func count(c sdc.Cell) Cell { return Cell{Kind: KindCount, X: float64(c.N), Why: c.Why} }

// sum is the sum of protected counts of a table, shown only when each of
// them is: a hidden one would otherwise be the sum less the others. A sum
// of hidden counts may be any size, so it is hidden to protect them.
func sum(cs ...sdc.Cell) sdc.Cell {
	n := 0
	for _, c := range cs {
		if !c.Shown() {
			return sdc.Cell{Why: sdc.Protects}
		}
		n += c.N
	}
	return sdc.Cell{N: n}
}

// shareOf is the share k of n, where k and n are counts the report shows
// protected as kc and nc: a share and its n give k away, so it is shown
// only where both counts are, and where sdc.Share lets it be.
func shareOf(kc, nc sdc.Cell, k, n int) Cell {
	switch {
	case !nc.Shown():
		return Cell{Kind: KindShare, Why: sdc.Protects}
	case !kc.Shown():
		return Cell{Kind: KindShare, Why: sdc.RevealsSmall}
	}
	v := sdc.Share(min(k, n), n)
	if !v.Shown() {
		return Cell{Kind: KindShare, Why: v.Why}
	}
	return Cell{Kind: KindShare, X: v.X, N: n}
}

// meanOf is a protected mean of a group whose size the report shows
// protected as nc: hidden with it.
func meanOf(kind Kind, m sdc.Mean, nc sdc.Cell) Cell {
	switch {
	case !nc.Shown():
		return Cell{Kind: kind, Why: sdc.Protects}
	case !m.Shown():
		return Cell{Kind: kind, Why: m.Why}
	}
	c := Cell{Kind: kind, X: m.Mean, N: nc.N}
	if kind == KindChange {
		c.Low, c.High = m.Low, m.High
	}
	return c
}

// statOf is a protected statistic of a group of n whose size the report
// shows protected as nc.
func statOf(kind Kind, v sdc.Value, nc sdc.Cell, n int) Cell {
	switch {
	case !nc.Shown():
		return Cell{Kind: kind, Why: sdc.Protects}
	case !v.Shown():
		return Cell{Kind: kind, Why: v.Why}
	}
	return Cell{Kind: kind, X: v.X, N: n}
}

// perCell is a cost divided by a protected count: the cost is known, so the
// cost per family would give the count away; it is shown only where the
// count is, and is not 0.
func perCell(cost float64, nc sdc.Cell) Cell {
	switch {
	case !nc.Shown():
		return Cell{Kind: KindMoney, Why: nc.Why}
	case nc.N == 0:
		return Cell{Kind: KindMoney, Why: sdc.FewN}
	}
	return Cell{Kind: KindMoney, X: cost / float64(nc.N), N: nc.N}
}
