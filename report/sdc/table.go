package sdc

import (
	"math"
	"strconv"
)

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
	g := newGrid(t)
	g.protect()
	return g.protected()
}

// grid is a table with its totals as one more row and one more column:
// (rows+1) × (cols+1) cells, the grand total in the last corner. Each of
// its lines (every row, the totals' row among them, and every column)
// says that its last cell is the sum of the others.
type grid struct {
	rows, cols int
	val        []int
	why        []Reason
	lines      [][]int // indices into val; the line's total is last
}

func newGrid(t Table) *grid {
	g := &grid{rows: len(t)}
	if g.rows > 0 {
		g.cols = len(t[0])
	}
	w := g.cols + 1
	g.val = make([]int, (g.rows+1)*w)
	g.why = make([]Reason, len(g.val))
	for i, row := range t {
		if len(row) != g.cols {
			panic("sdc: row " + strconv.Itoa(i) + " has " + strconv.Itoa(len(row)) + " columns, row 0 has " + strconv.Itoa(g.cols))
		}
		for j, n := range row {
			if n < 0 {
				panic("sdc: negative count " + strconv.Itoa(n))
			}
			g.val[i*w+j] = n
			g.val[i*w+g.cols] += n
			g.val[g.rows*w+j] += n
			g.val[g.rows*w+g.cols] += n
		}
	}
	for i := 0; i <= g.rows; i++ {
		line := make([]int, 0, w)
		for j := 0; j <= g.cols; j++ {
			line = append(line, i*w+j)
		}
		g.lines = append(g.lines, line)
	}
	for j := 0; j <= g.cols; j++ {
		line := make([]int, 0, g.rows+1)
		for i := 0; i <= g.rows; i++ {
			line = append(line, i*w+j)
		}
		g.lines = append(g.lines, line)
	}
	return g
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
			if best < 0 || g.isTotal(best) && !g.isTotal(k) ||
				g.isTotal(best) == g.isTotal(k) && g.val[k] < g.val[best] {
				best = k
			}
		}
	}
	return best
}

// isTotal reports whether cell k is one of the totals.
func (g *grid) isTotal(k int) bool {
	w := g.cols + 1
	return k/w == g.rows || k%w == g.cols
}

// unpin hides one more cell beside the hidden cells the audit pins down:
// the smallest shown cell of their rows and columns. Where there is none,
// the "< 5" of those rows and columns (or, failing that, of the whole
// table) are what give the cells away, and they become [Protects], which
// says nothing of their size. It reports whether anything changed.
func (g *grid) unpin(pinned []int) bool {
	var lines [][]int
	for _, p := range pinned {
		row, col := g.linesOf(p)
		lines = append(lines, row, col)
	}
	if k := g.smallestShown(lines...); k >= 0 {
		g.why[k] = Protects
		return true
	}
	for _, lines := range [][][]int{lines, g.lines} {
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
	return false
}

// linesOf returns the row and the column of the grid that hold cell k.
func (g *grid) linesOf(k int) (row, col []int) {
	w := g.cols + 1
	return g.lines[k/w], g.lines[g.rows+1+k%w]
}

// unbounded stands for "no upper bound" in the audit's intervals.
const unbounded = math.MaxInt / 4

// pinned returns the hidden cells whose counts a reader could work out
// exactly.
//
// The reader is modelled as one who knows every shown count, that a "< 5"
// is 1 to 4 and any other hidden count at least 1, and that every line
// adds up; the audit narrows each hidden cell to the interval these allow,
// line by line, until nothing narrows further. It is the standard interval
// audit of a table's suppression, not an exhaustive search, so it can miss
// what only a combination of many lines reveals; the single subtraction
// the secondary rule is about it never misses.
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
	return pinned
}

func (g *grid) protected() Protected {
	w := g.cols + 1
	cell := func(i, j int) Cell {
		k := i*w + j
		if g.why[k] != Shown {
			return Cell{Why: g.why[k]}
		}
		return Cell{N: g.val[k]}
	}
	p := Protected{
		Cells:     make([][]Cell, g.rows),
		RowTotals: make([]Cell, g.rows),
		ColTotals: make([]Cell, g.cols),
		Total:     cell(g.rows, g.cols),
	}
	for i := range g.rows {
		p.Cells[i] = make([]Cell, g.cols)
		for j := range g.cols {
			p.Cells[i][j] = cell(i, j)
		}
		p.RowTotals[i] = cell(i, g.cols)
	}
	for j := range g.cols {
		p.ColTotals[j] = cell(g.rows, j)
	}
	return p
}
