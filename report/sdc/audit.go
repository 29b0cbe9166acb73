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
// cycles of a table do ([grid.acyclic]).
//
// The reader is modelled as one who knows every shown count, that a "< 5"
// is 1 to 4 and any other hidden count at least 1, and that every line
// adds up. The interval audit narrows each hidden cell to the interval
// these allow, line by line, until nothing narrows further: it is fast,
// and never misses the single subtraction the secondary rule is about,
// but it can miss what only a combination of lines gives away, which the
// cycles catch. For linked tables the cycles are looked at table by table,
// so a combination across tables only the intervals see.
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
		if len(pinned) > 0 {
			break
		}
		pinned = g.acyclic(t)
	}
	return pinned
}

// acyclic returns the hidden cells of table t that the reader can work out
// exactly, by the table's rows and columns together and what is known of
// a hidden count. It is exact for one table (for linked ones it looks at
// each table alone):
//
// With the totals negated (the corner kept), every row and column of the
// grid adds up to 0, so the hidden cells are a circulation on the graph
// whose nodes are the rows and columns and whose edges are the hidden
// cells, each from its row to its column. Another table consistent with
// what is shown differs from the true one by a circulation that keeps
// every cell within what the reader knows of it; and as the constraints of
// such a graph are totally unimodular, a cell can take another whole count
// if and only if it can take another number at all, which is if and only
// if the residual graph of the true counts has a cycle through it. A cell
// on no such cycle, either way, is pinned.
func (g *grid) acyclic(t int) []int {
	rows, cols := g.rows, g.cols[t]
	type edge struct {
		cell, row, col int  // row and col are nodes: rows first, then columns
		up, down       bool // the count can grow, or shrink, taken alone
	}
	var edges []edge
	out := make([][]int, rows+1+cols+1) // node → the edges that leave it in the residual graph
	arc := func(from, e int) { out[from] = append(out[from], e) }
	for i := 0; i <= rows; i++ {
		for j := 0; j <= cols; j++ {
			k := g.at(t, i, j)
			if g.why[k] == Shown {
				continue // a shown count is what it is
			}
			// x may grow below its ceiling and shrink above 1; a total,
			// negated, grows where x shrinks.
			grow := g.why[k] != Small || g.val[k] < MinCount-1
			shrink := g.val[k] > 1
			if (i == rows) != (j == cols) {
				grow, shrink = shrink, grow
			}
			e := edge{cell: k, row: i, col: rows + 1 + j, up: grow, down: shrink}
			if e.up {
				arc(e.row, len(edges))
			}
			if e.down {
				arc(e.col, len(edges))
			}
			edges = append(edges, e)
		}
	}
	// reaches says whether node to is reachable from node from in the
	// residual graph without edge skip.
	seen := make([]int, len(out))
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
				next := edges[e].col
				if n == next {
					next = edges[e].row
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
		// Growing e takes a path back from its column to its row; shrinking
		// it, from its row to its column.
		if !(e.up && reaches(e.col, e.row, i)) && !(e.down && reaches(e.row, e.col, i)) {
			pinned = append(pinned, e.cell)
		}
	}
	return pinned
}
