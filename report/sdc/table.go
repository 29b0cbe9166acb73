package sdc

import "strconv"

// Table is a table of counts, rows × columns, as the report shows it with
// its row totals, column totals and grand total. Every row has the same
// number of columns, and no count is negative.
type Table [][]int

// Protected is a [Table] as the report may show it: its cells, and the
// totals it adds, each a [Cell] that says whether it is shown and why not.
type Protected struct {
	Cells     [][]Cell // [row][column]
	RowTotals []Cell   // one a row
	ColTotals []Cell   // one a column
	Total     Cell
}

// Protect applies the rules of the package to a table and its totals: the
// counts 1 to 4 are hidden ([Small]), and as many more as it takes for
// none of them to be worked out from what is shown ([Protects]): first
// wherever a row or column (its total counted as one of its cells) has
// exactly one hidden cell, then wherever the rows and columns together,
// with what a reader knows of a hidden count, still pin one down.
//
// The result is the same for the same table. A ragged table or a negative
// count is a mistake of the caller, and Protect panics on it.
func Protect(t Table) Protected {
	return ProtectLinked(t)[0]
}

// ProtectLinked protects tables that break the same counts down in
// different ways, as [Protect] protects one: the same rows, each adding up
// to the same total in every table (the families of each municipality,
// once by their children's age band and once by who referred them). A row
// total, and the grand total, hidden in one of the tables is hidden in
// all of them, and every table's rows and columns are checked together:
// protected one by one, a total that one table hides another would show.
// The exact audit of combinations of lines looks at two tables at a time:
// exact for two, and for three or more, what only all three together give
// away only the line-by-line audit sees.
//
// Tables whose rows do not add up alike are a mistake of the caller, and
// ProtectLinked panics on them, as on a ragged table, a negative count or
// no table at all.
func ProtectLinked(ts ...Table) []Protected {
	g := newGrid(ts...)
	g.protect()
	out := make([]Protected, len(ts))
	for t := range ts {
		out[t] = g.protected(t)
	}
	return out
}

// grid is one or more linked tables with their totals, as cells and the
// lines they stand in. Each table adds a row and a column of totals (so a
// table of r × c is a grid of (r+1) × (c+1), the grand total in the last
// corner); the row totals and the grand total are the same cells in every
// table. Each line (every row of a table, its totals' row among them, every
// column, and the column of row totals) says that its last cell is the sum
// of the others.
type grid struct {
	rows  int
	cols  []int // of each table
	base  []int // where each table's own cells start in val
	val   []int // the grand total, the row totals, then each table's cells and column totals
	why   []Reason
	total []bool  // the cell is a total
	lines [][]int // indices into val; the line's total is last
	in    [][]int // the lines each cell stands in, as indices into lines
}

func newGrid(ts ...Table) *grid {
	if len(ts) == 0 {
		panic("sdc: no table to protect")
	}
	g := &grid{rows: len(ts[0])}
	n := 1 + g.rows
	for _, t := range ts {
		if len(t) != g.rows {
			panic("sdc: linked tables with " + strconv.Itoa(len(t)) + " and " + strconv.Itoa(g.rows) + " rows")
		}
		cols := 0
		if g.rows > 0 {
			cols = len(t[0])
		}
		g.cols = append(g.cols, cols)
		g.base = append(g.base, n)
		n += (g.rows + 1) * cols
	}
	g.val = make([]int, n)
	g.why = make([]Reason, n)
	g.total = make([]bool, n)
	for t, tab := range ts {
		sums := make([]int, g.rows+1)
		for i, row := range tab {
			if len(row) != g.cols[t] {
				panic("sdc: row " + strconv.Itoa(i) + " has " + strconv.Itoa(len(row)) + " columns, row 0 has " + strconv.Itoa(g.cols[t]))
			}
			for j, n := range row {
				if n < 0 {
					panic("sdc: negative count " + strconv.Itoa(n))
				}
				g.val[g.at(t, i, j)] = n
				g.val[g.at(t, g.rows, j)] += n
				sums[i] += n
				sums[g.rows] += n
			}
		}
		for i, sum := range sums {
			k := g.at(t, i, g.cols[t])
			if t > 0 && g.val[k] != sum {
				panic("sdc: linked tables whose rows do not add up alike")
			}
			g.val[k] = sum
		}
	}
	line := func(cells ...int) {
		for _, k := range cells {
			g.in[k] = append(g.in[k], len(g.lines))
		}
		g.lines = append(g.lines, cells)
		g.total[cells[len(cells)-1]] = true
	}
	g.in = make([][]int, n)
	for t, cols := range g.cols {
		for i := 0; i <= g.rows; i++ {
			var cells []int
			for j := 0; j <= cols; j++ {
				cells = append(cells, g.at(t, i, j))
			}
			line(cells...)
		}
		for j := range cols {
			var cells []int
			for i := 0; i <= g.rows; i++ {
				cells = append(cells, g.at(t, i, j))
			}
			line(cells...)
		}
	}
	var cells []int
	for i := 0; i <= g.rows; i++ {
		cells = append(cells, g.at(0, i, g.cols[0]))
	}
	line(cells...)
	return g
}

// at is the index in val of table t's cell in row i and column j, where
// row i == g.rows is the column totals and column j == g.cols[t] the row
// totals.
func (g *grid) at(t, i, j int) int {
	switch {
	case i == g.rows && j == g.cols[t]:
		return 0
	case j == g.cols[t]:
		return 1 + i
	}
	return g.base[t] + i*g.cols[t] + j
}

func (g *grid) protect() {
	for i, n := range g.val {
		if n > 0 && n < MinCount {
			g.why[i] = Small
		}
	}
	for {
		g.secondary()
		p := g.pinned()
		if len(p) == 0 || !g.unpin(p) {
			return
		}
	}
}

// secondary hides, in every line with exactly one hidden cell, the
// smallest other cell, until no line has one hidden cell.
func (g *grid) secondary() {
	for changed := true; changed; {
		changed = false
		for _, line := range g.lines {
			hidden := 0
			for _, k := range line {
				if g.why[k] != Shown {
					hidden++
				}
			}
			if hidden != 1 {
				continue
			}
			if k := g.smallestShown(line); k >= 0 {
				g.why[k] = Protects
				changed = true
			}
		}
	}
}

// smallestShown is the shown cell of the lines with the smallest count
// above 0, or -1 when there is none. Hiding a 0 would protect nothing: a
// reader knows a hidden count is at least 1. A cell of the table goes
// before any total, whatever their sizes, because the totals are what a
// manager reads first; on a tie the first wins.
func (g *grid) smallestShown(lines ...[]int) int {
	best := -1
	for _, line := range lines {
		for _, k := range line {
			if g.why[k] != Shown || g.val[k] == 0 {
				continue
			}
			if best < 0 || g.total[best] && !g.total[k] ||
				g.total[best] == g.total[k] && g.val[k] < g.val[best] {
				best = k
			}
		}
	}
	return best
}

// unpin hides one more cell beside the hidden cells the audit pins down:
// the smallest shown cell of their rows and columns. Where there is none,
// the "< 5" of those rows and columns are what give the cells away, and
// they become [Protects], which says nothing of their size; failing that,
// every "< 5" of the tables does, and failing that too, the smallest shown
// cell anywhere is hidden (what pins a cell down can be a combination of
// lines far from it). It reports whether anything changed: it always can,
// until every count but the zeros is hidden without a "< 5", and then
// nothing is pinned.
func (g *grid) unpin(pinned []int) bool {
	var near [][]int
	for _, p := range pinned {
		for _, l := range g.in[p] {
			near = append(near, g.lines[l])
		}
	}
	if k := g.smallestShown(near...); k >= 0 {
		g.why[k] = Protects
		return true
	}
	for _, lines := range [][][]int{near, g.lines} {
		changed := false
		for _, line := range lines {
			for _, k := range line {
				if g.why[k] == Small {
					g.why[k] = Protects
					changed = true
				}
			}
		}
		if changed {
			return true
		}
	}
	if k := g.smallestShown(g.lines...); k >= 0 {
		g.why[k] = Protects
		return true
	}
	return false
}

// protected is table t as the report may show it.
func (g *grid) protected(t int) Protected {
	cell := func(i, j int) Cell {
		k := g.at(t, i, j)
		if g.why[k] != Shown {
			return Cell{Why: g.why[k]}
		}
		return Cell{N: g.val[k]}
	}
	cols := g.cols[t]
	p := Protected{
		Cells:     make([][]Cell, g.rows),
		RowTotals: make([]Cell, g.rows),
		ColTotals: make([]Cell, cols),
		Total:     cell(g.rows, cols),
	}
	for i := range g.rows {
		p.Cells[i] = make([]Cell, cols)
		for j := range cols {
			p.Cells[i][j] = cell(i, j)
		}
		p.RowTotals[i] = cell(i, cols)
	}
	for j := range cols {
		p.ColTotals[j] = cell(g.rows, j)
	}
	return p
}
