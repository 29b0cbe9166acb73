package sdc

import "math"

// What a reader can work out from a protected table. Two audits, the fast
// one first: intervals, narrowed line by line; then, for each table, the
// exact one, which finds what a combination of lines gives away (the
// total of a row less the column that shares its other hidden cells).

// unbounded stands for "no upper bound" in the audit's intervals.
const unbounded = math.MaxInt / 4

// pinned returns the hidden cells whose counts a reader could work out
// exactly: those the intervals pin down or, where they pin none, those the
// cycles of a table, or of two linked ones, do ([grid.acyclic]).
//
// The reader is modelled as one who knows every shown count, that a "< 5"
// is 1 to 4 and any other hidden count at least 1, and that every line
// adds up. The interval audit narrows each hidden cell to the interval
// these allow, line by line, until nothing narrows further: it is fast,
// and never misses the single subtraction the secondary rule is about,
// but it can miss what only a combination of lines gives away, which the
// cycles catch. For three linked tables or more the cycles are looked at
// two tables at a time, so a combination across three only the intervals
// see.
func (g *grid) pinned() []int {
	lo := make([]int, len(g.val))
	hi := make([]int, len(g.val))
	for k, n := range g.val {
		switch g.why[k] {
		case Shown:
			lo[k], hi[k] = n, n
		case Small:
			lo[k], hi[k] = 1, MinCount-1
		default:
			lo[k], hi[k] = 1, unbounded
		}
	}
	narrow := func(k, l, h int) bool {
		changed := false
		if l > lo[k] {
			lo[k], changed = l, true
		}
		if h < hi[k] {
			hi[k], changed = h, true
		}
		if lo[k] > hi[k] {
			panic("sdc: audit found no count that fits") // the true counts always fit
		}
		return changed
	}
	// Intervals of integers only narrow, so this ends; the bound on the
	// passes keeps a slow narrowing from costing a report its seconds.
	for pass, changed := 0, true; changed && pass < 1000; pass++ {
		changed = false
		for _, line := range g.lines {
			total, cells := line[len(line)-1], line[:len(line)-1]
			sumLo, sumHi, open := 0, 0, 0 // open: cells without an upper bound
			for _, k := range cells {
				sumLo += lo[k]
				if hi[k] >= unbounded {
					open++
				} else {
					sumHi += hi[k]
				}
			}
			h := sumHi
			if open > 0 {
				h = unbounded
			}
			if g.why[total] != Shown && narrow(total, sumLo, h) {
				changed = true
			}
			for _, k := range cells {
				if g.why[k] == Shown {
					continue
				}
				// The cell is the total less the other cells.
				l, h := lo[k], hi[k]
				othersOpen := open
				othersHi := sumHi
				if hi[k] >= unbounded {
					othersOpen--
				} else {
					othersHi -= hi[k]
				}
				if othersOpen == 0 {
					l = lo[total] - othersHi
				}
				if hi[total] < unbounded {
					h = hi[total] - (sumLo - lo[k])
				}
				if narrow(k, l, h) {
					changed = true
				}
			}
		}
	}
	var pinned []int
	for k := range g.val {
		if g.why[k] != Shown && lo[k] == hi[k] {
			pinned = append(pinned, k)
		}
	}
	for t := range g.cols {
		for u := t; u < len(g.cols) && len(pinned) == 0; u++ {
			pinned = g.acyclic(t, u)
		}
	}
	return pinned
}

// acyclic returns the hidden cells of tables t and u (t == u for one
// table alone) that the reader can work out exactly, by their rows and
// columns together and what is known of a hidden count.
//
// A table is a flow: from a source to each row (its total), from each row
// to each column (the cells), from each column to a sink (its total), and
// back from the sink to the source (the grand total); every row and column
// adding up is the flow kept at each node. Two linked tables are one
// flow too: the second table's cells run from the rows, through the row
// totals, to its columns, and the first table's from its columns to the
// rows. Another set of tables consistent with what is shown differs from
// the true one by a circulation that keeps every hidden cell within what
// the reader knows of it, the shown ones fixed; and as the constraints of
// a network are totally unimodular, a cell can take another whole count if
// and only if it can take another number at all, which is if and only if
// the residual graph of the true counts has a cycle through it. A cell on
// no such cycle, either way, is pinned. Exact for one table and for two;
// three or more are looked at two by two.
func (g *grid) acyclic(t, u int) []int {
	rows := g.rows
	const source, sink = 0, 1
	row := func(i int) int { return 2 + i }
	rowOut, colT, colU := row, func(j int) int { return 2 + rows + j }, func(j int) int { return 2 + rows + j }
	nodes := 2 + rows + g.cols[t]
	if t != u {
		rowOut = func(i int) int { return 2 + rows + i }
		colT = func(j int) int { return 2 + 2*rows + j }
		colU = func(j int) int { return 2 + 2*rows + g.cols[t] + j }
		nodes = 2 + 2*rows + g.cols[t] + g.cols[u]
	}
	type edge struct {
		cell, from, to int
		up, down       bool // the count can grow, or shrink, taken alone
	}
	var edges []edge
	out := make([][]int, nodes) // node → the edges that leave it in the residual graph
	add := func(k, from, to int) {
		if g.why[k] == Shown {
			return // a shown count is what it is
		}
		e := edge{cell: k, from: from, to: to,
			up:   g.why[k] != Small || g.val[k] < MinCount-1,
			down: g.val[k] > 1,
		}
		if e.up {
			out[from] = append(out[from], len(edges))
		}
		if e.down {
			out[to] = append(out[to], len(edges))
		}
		edges = append(edges, e)
	}
	add(g.at(t, rows, g.cols[t]), sink, source)
	for i := range rows {
		for j := range g.cols[t] {
			if t == u {
				add(g.at(t, i, j), row(i), colT(j))
			} else {
				add(g.at(t, i, j), colT(j), row(i))
			}
		}
		for j := range g.cols[u] {
			if t != u {
				add(g.at(u, i, j), rowOut(i), colU(j))
			}
		}
		if t == u {
			add(g.at(t, i, g.cols[t]), source, row(i))
		} else {
			add(g.at(t, i, g.cols[t]), row(i), rowOut(i))
		}
	}
	for j := range g.cols[t] {
		if t == u {
			add(g.at(t, rows, j), colT(j), sink)
		} else {
			add(g.at(t, rows, j), source, colT(j))
		}
	}
	for j := range g.cols[u] {
		if t != u {
			add(g.at(u, rows, j), colU(j), sink)
		}
	}
	// reaches says whether node to is reachable from node from in the
	// residual graph without edge skip.
	seen := make([]int, nodes)
	stamp := 0
	var stack []int
	reaches := func(from, to, skip int) bool {
		stamp++
		stack = append(stack[:0], from)
		seen[from] = stamp
		for len(stack) > 0 {
			n := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if n == to {
				return true
			}
			for _, e := range out[n] {
				if e == skip {
					continue
				}
				next := edges[e].to
				if n == next {
					next = edges[e].from
				}
				if seen[next] != stamp {
					seen[next] = stamp
					stack = append(stack, next)
				}
			}
		}
		return false
	}
	var pinned []int
	for i, e := range edges {
		// Growing e takes a path back from where it goes to where it
		// comes from; shrinking it, the other way.
		if !(e.up && reaches(e.to, e.from, i)) && !(e.down && reaches(e.from, e.to, i)) {
			pinned = append(pinned, e.cell)
		}
	}
	return pinned
}
