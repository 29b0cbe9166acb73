package sdc

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestProtectOneCell feeds one group of 0 to 25 as a 1×1 table: the cell,
// its row total, its column total and the grand total are the same count,
// and all four are shown or hidden alike.
func TestProtectOneCell(t *testing.T) {
	for n := range 26 {
		want := Cell{N: n}
		if n >= 1 && n <= 4 {
			want = Cell{Why: Small}
		}
		p := Protect(Table{{n}})
		got := []Cell{p.Cells[0][0], p.RowTotals[0], p.ColTotals[0], p.Total}
		for i, c := range got {
			if c != want {
				t.Errorf("n=%d: cell %d = %+v, want %+v", n, i, c, want)
			}
		}
	}
}

// TestProtectRow feeds a row of two groups, each of 0 to 25 families, and
// checks every cell: a small count hides its neighbour and, where the
// neighbour is the smallest shown cell left, the total.
func TestProtectRow(t *testing.T) {
	for a := range 26 {
		for b := range 26 {
			p := Protect(Table{{a, b}})
			check(t, Table{{a, b}}, p)
			small := func(n int) bool { return n >= 1 && n <= 4 }
			switch {
			case !small(a) && !small(b) && !small(a+b):
				for _, c := range all(p) {
					if !c.Shown() {
						t.Errorf("%d,%d: %+v hidden, nothing is small", a, b, p)
					}
				}
			case small(a) && b == 0:
				// The small count is the total: nothing else to hide, and
				// the zero shows that one column holds the whole row.
				s := Cell{Why: Small}
				want := []Cell{s, {}, s, s, {}, s}
				if got := all(p); !slices.Equal(got, want) {
					t.Errorf("%d,%d: %v, want %v", a, b, got, want)
				}
			}
		}
	}
}

// TestProtectCases are tables whose protection a person can follow.
func TestProtectCases(t *testing.T) {
	const (
		S = -1 // Small
		P = -2 // Protects
	)
	for _, c := range []struct {
		name string
		in   Table
		want [][]int // the grid with its totals: counts, or S and P
	}{
		{"nothing small", Table{{5, 6}, {7, 8}}, [][]int{{5, 6, 11}, {7, 8, 15}, {12, 14, 26}}},
		{"zeros are shown", Table{{0, 6}, {7, 0}}, [][]int{{0, 6, 6}, {7, 0, 7}, {7, 6, 13}}},
		{
			// The 3 would be 12 − 9; hiding the 6 beside it in its row
			// and the 7 below it in its column leaves the 6's column and
			// the 7's row with one hidden each, so the 8 goes too.
			"one small count", Table{{3, 6}, {7, 8}},
			[][]int{{S, P, 9}, {P, P, 15}, {10, 14, 24}},
		},
		{
			// Two "< 5" that add up to 2 are both 1: a third cell goes.
			"two ones", Table{{1, 1, 10}, {6, 7, 8}},
			[][]int{{S, S, P, 12}, {P, P, P, 21}, {7, 8, 18, 33}},
		},
		{
			// Four "< 5" under a total "< 5" are each 1, whatever else is
			// hidden: the total no longer says it is under 5.
			"four ones", Table{{1, 1, 1, 1}},
			[][]int{{P, P, P, P, P}, {P, P, P, P, P}},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := Protect(c.in)
			check(t, c.in, p)
			got := gridOf(p)
			want := make([][]Cell, len(c.want))
			for i, row := range c.want {
				for _, n := range row {
					switch n {
					case S:
						want[i] = append(want[i], Cell{Why: Small})
					case P:
						want[i] = append(want[i], Cell{Why: Protects})
					default:
						want[i] = append(want[i], Cell{N: n})
					}
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("Protect(%v)\n got %v\nwant %v", c.in, got, want)
			}
		})
	}
}

// TestProtectRandom protects thousands of random tables of 1×1 to 6×6
// with counts 0 to 25 (and, to crowd the small counts, 0 to 6), and checks
// every cell of every output.
func TestProtectRandom(t *testing.T) {
	for _, in := range tables(rand.New(rand.NewPCG(12, 5)), 6000, 6, 26, 26, 7) {
		p := Protect(in)
		if !check(t, in, p) {
			return
		}
		if !slices.Equal(all(p), all(Protect(in))) {
			t.Fatalf("Protect(%v) differs from one call to the next", in)
		}
	}
}

// check fails the test unless p is t protected: what is shown is true,
// every count of 1 to 4 is hidden as Small, every 0 is shown, a hidden
// cell carries no count, no hidden cell is the only one of a row or
// column (so none is the total less the shown cells), and the audit pins
// none down.
func check(t *testing.T, in Table, p Protected) bool {
	t.Helper()
	rows, cols := len(in), len(in[0])
	counts := make([][]int, rows+1)
	for i := range counts {
		counts[i] = make([]int, cols+1)
	}
	for i, row := range in {
		for j, n := range row {
			counts[i][j] += n
			counts[i][cols] += n
			counts[rows][j] += n
			counts[rows][cols] += n
		}
	}
	got := gridOf(p)
	ok := true
	fail := func(format string, args ...any) {
		t.Helper()
		t.Errorf("Protect(%v): "+format, append([]any{in}, args...)...)
		ok = false
	}
	for i := range counts {
		for j, n := range counts[i] {
			c := got[i][j]
			switch {
			case c.Shown() && c.N != n:
				fail("cell %d,%d shows %d, the count is %d", i, j, c.N, n)
			case !c.Shown() && c.N != 0:
				fail("hidden cell %d,%d carries %d", i, j, c.N)
			case n >= 1 && n <= 4 && c.Shown():
				fail("cell %d,%d shows %d", i, j, n)
			case n == 0 && !c.Shown():
				fail("cell %d,%d hides a 0", i, j)
			case c.Why == Small && (n < 1 || n > 4):
				fail("cell %d,%d of %d is marked Small", i, j, n)
			case c.Why != Shown && c.Why != Small && c.Why != Protects:
				fail("cell %d,%d hidden for %v", i, j, c.Why)
			}
		}
	}
	if k, ok := subtractable(got); ok {
		fail("%s", k)
	}
	g := newGrid(in)
	for i := range got {
		for j, c := range got[i] {
			g.why[g.at(0, i, j)] = c.Why
		}
	}
	if k := g.pinned(); len(k) > 0 {
		fail("the audit pins cell %d of the grid down: %v", k[0], got)
	}
	return ok
}

// subtractable says which row or column of the grid (a protected table
// with its totals as the last row and column) has exactly one hidden
// cell: that cell is the line's total less its shown cells, or the sum of
// them when it is the total.
func subtractable(grid [][]Cell) (string, bool) {
	for i, row := range grid {
		if hidden(row) == 1 {
			return fmt.Sprintf("row %d has one hidden cell: %v", i, row), true
		}
	}
	for j := range grid[0] {
		var col []Cell
		for _, row := range grid {
			col = append(col, row[j])
		}
		if hidden(col) == 1 {
			return fmt.Sprintf("column %d has one hidden cell: %v", j, col), true
		}
	}
	return "", false
}

func hidden(line []Cell) int {
	n := 0
	for _, c := range line {
		if !c.Shown() {
			n++
		}
	}
	return n
}

// gridOf lays a protected table out with its totals as the last column
// and the last row.
func gridOf(p Protected) [][]Cell {
	var g [][]Cell
	for i, row := range p.Cells {
		g = append(g, append(slices.Clone(row), p.RowTotals[i]))
	}
	return append(g, append(slices.Clone(p.ColTotals), p.Total))
}

// all is every cell of p, totals included.
func all(p Protected) []Cell {
	return slices.Concat(gridOf(p)...)
}

// BenchmarkProtect is a report's largest table: every municipality of
// Finland (about 300) by ten categories, many of the counts small.
func BenchmarkProtect(b *testing.B) {
	in := random(rand.New(rand.NewPCG(3, 0)), 300, 10, 26)
	for b.Loop() {
		Protect(in)
	}
}

// TestProtectLarge checks the protection of tables of a whole country's
// municipalities, where the audit's narrowing runs over many lines.
func TestProtectLarge(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 1))
	for _, top := range []int{7, 26, 200} {
		in := random(rng, 300, 10, top)
		check(t, in, Protect(in))
	}
}

// TestProtectLinkedRandom protects random pairs and triples of tables that
// break the same rows down in different ways, and checks every cell of
// every output: each table as Protect's are checked, the shared totals
// alike in all, and the audit over all the tables' lines together. It also
// shows why the tables must be protected together: one by one, some total
// hidden in one table is shown in another.
func TestProtectLinkedRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 6))
	leaks := 0
	for _, first := range tables(rng, 3000, 6, 26, 26, 7) {
		ts := []Table{first}
		for range 1 + rng.IntN(2) {
			ts = append(ts, split(rng, ts[0], 1+rng.IntN(6)))
		}
		ps := ProtectLinked(ts...)
		for k := range ts {
			if !check(t, ts[k], ps[k]) {
				return
			}
			if k > 0 && (!slices.Equal(ps[k].RowTotals, ps[0].RowTotals) || ps[k].Total != ps[0].Total) {
				t.Fatalf("ProtectLinked(%v): the totals differ between tables: %v and %v", ts, gridOf(ps[0]), gridOf(ps[k]))
			}
		}
		g := newGrid(ts...)
		for k, p := range ps {
			for i, row := range gridOf(p) {
				for j, c := range row {
					g.why[g.at(k, i, j)] = c.Why
				}
			}
		}
		if p := g.pinned(); len(p) > 0 {
			t.Fatalf("ProtectLinked(%v): the audit pins cell %d of the grid down", ts, p[0])
		}
		a, b := Protect(ts[0]), Protect(ts[1])
		if !slices.Equal(append(a.RowTotals, a.Total), append(b.RowTotals, b.Total)) {
			leaks++
		}
	}
	t.Logf("%d of 3000 protected one by one would show a total the other hides", leaks)
	if leaks == 0 {
		t.Error("no pair of tables protected one by one shows what the other hides: the test shows nothing")
	}
}

func TestProtectLinkedMismatch(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("ProtectLinked of tables whose rows add up differently did not panic")
		}
	}()
	ProtectLinked(Table{{1, 2}}, Table{{4}})
}

// tables are n random tables of 1×1 to size×size, their counts below
// each of tops in turn.
func tables(rng *rand.Rand, n, size int, tops ...int) []Table {
	out := make([]Table, n)
	for i := range out {
		out[i] = random(rng, 1+rng.IntN(size), 1+rng.IntN(size), tops[i%len(tops)])
	}
	return out
}

// random is a table of counts below top.
func random(rng *rand.Rand, rows, cols, top int) Table {
	t := make(Table, rows)
	for i := range t {
		t[i] = make([]int, cols)
		for j := range t[i] {
			t[i][j] = rng.IntN(top)
		}
	}
	return t
}

// split breaks the rows of t down again into cols columns at random.
func split(rng *rand.Rand, t Table, cols int) Table {
	out := make(Table, len(t))
	for i, row := range t {
		out[i] = make([]int, cols)
		for _, n := range row {
			for range n {
				out[i][rng.IntN(cols)]++
			}
		}
	}
	return out
}

// TestProtectExhaustive checks small protected tables the slow way: it
// lists every table a reader could hold for true (the shown counts as
// shown, a "< 5" 1 to 4, any other hidden count at least 1, every line
// adding up) and fails where a hidden cell, totals included, has the same
// count in all of them. It shares nothing with the audit: it reasons
// about whole tables, not lines or cycles.
func TestProtectExhaustive(t *testing.T) {
	for _, in := range tables(rand.New(rand.NewPCG(12, 7)), 1500, 3, 8, 5) {
		if reason, pinned := exhaustivelyPinned(in, Protect(in)); pinned {
			t.Fatalf("Protect(%v) = %v: %s", in, gridOf(Protect(in)), reason)
		}
	}
}

// TestCheckersCatch shows the two checkers catch what they are for, on
// tables protected by the first rule alone.
func TestCheckersCatch(t *testing.T) {
	s, n := Cell{Why: Small}, func(n int) Cell { return Cell{N: n} }
	// 3 beside 6 in a row of 9: 9 − 6.
	one := Protected{Cells: [][]Cell{{s, n(6)}}, RowTotals: []Cell{n(9)}, ColTotals: []Cell{s, n(6)}, Total: n(9)}
	if _, ok := subtractable(gridOf(one)); !ok {
		t.Error("subtractable misses 9 − 6")
	}
	if _, ok := exhaustivelyPinned(Table{{3, 6}}, one); !ok {
		t.Error("exhaustivelyPinned misses 9 − 6")
	}
	// Two "< 5" that add up to 2, which no single subtraction gives.
	two := Protected{Cells: [][]Cell{{s, s, n(10)}}, RowTotals: []Cell{n(12)}, ColTotals: []Cell{s, s, n(10)}, Total: n(12)}
	if _, ok := subtractable(gridOf(two)); ok {
		t.Error("subtractable finds a single subtraction in two cells")
	}
	if _, ok := exhaustivelyPinned(Table{{1, 1, 10}}, two); !ok {
		t.Error("exhaustivelyPinned misses 1 + 1 = 12 − 10")
	}
}

// exhaustivelyPinned says which hidden cell of p every table consistent
// with what p shows agrees on. It tries each hidden cell of the table
// within 2 of its true count: where the cells of a table can move at all
// they can move by 1 each, around a cycle of rows and columns (the
// constraints are those of a network), so a wider search would find no
// cell free that this one finds pinned.
func exhaustivelyPinned(in Table, p Protected) (string, bool) {
	return exhaustivelyPinnedLinked([]Table{in}, []Protected{p})
}

// exhaustivelyPinnedLinked is exhaustivelyPinned for linked tables: those
// a reader could hold for true have their rows add up alike.
func exhaustivelyPinnedLinked(ins []Table, ps []Protected) (string, bool) {
	all := pinnedByEnumeration(ins, ps)
	if len(all) == 0 {
		return "", false
	}
	return all[0], true
}

// pinnedByEnumeration lists, as "table t, cell i,j can only be n", every
// hidden cell that all the linked tables consistent with what ps show
// agree on.
func pinnedByEnumeration(ins []Table, ps []Protected) []string {
	fits := func(c Cell, n int) bool {
		switch c.Why {
		case Shown:
			return c.N == n
		case Small:
			return n >= 1 && n <= 4
		}
		return n >= 1
	}
	rows := len(ins[0])
	shown := make([][][]Cell, len(ins))
	try := make([]Table, len(ins))
	lo := make([][][]int, len(ins)) // the least and most each cell was
	hi := make([][][]int, len(ins))
	for t, in := range ins {
		shown[t] = gridOf(ps[t])
		try[t] = make(Table, rows)
		for i := range try[t] {
			try[t][i] = make([]int, len(in[0]))
		}
		lo[t] = make([][]int, rows+1)
		hi[t] = make([][]int, rows+1)
		for i := range lo[t] {
			lo[t][i] = make([]int, len(in[0])+1)
			hi[t][i] = make([]int, len(in[0])+1)
			for j := range lo[t][i] {
				lo[t][i][j] = -1
			}
		}
	}
	sum := func(row []int) int {
		n := 0
		for _, c := range row {
			n += c
		}
		return n
	}
	record := func() {
		for t, tab := range try {
			cols := len(tab[0])
			full := make([][]int, rows+1)
			for i := range full {
				full[i] = make([]int, cols+1)
			}
			for i, row := range tab {
				for j, n := range row {
					full[i][j] = n
					full[i][cols] += n
					full[rows][j] += n
					full[rows][cols] += n
				}
			}
			for i := range full {
				for j, n := range full[i] {
					if !fits(shown[t][i][j], n) {
						return
					}
				}
			}
		}
		for t, tab := range try {
			cols := len(tab[0])
			for i := 0; i <= rows; i++ {
				for j := 0; j <= cols; j++ {
					n := 0
					switch {
					case i < rows && j < cols:
						n = tab[i][j]
					case i < rows:
						n = sum(tab[i])
					default:
						for r := range rows {
							if j < cols {
								n += tab[r][j]
							} else {
								n += sum(tab[r])
							}
						}
					}
					if lo[t][i][j] < 0 || n < lo[t][i][j] {
						lo[t][i][j] = n
					}
					hi[t][i][j] = max(hi[t][i][j], n)
				}
			}
		}
	}
	var fill func(t, k int)
	fill = func(t, k int) {
		if t == len(ins) {
			record()
			return
		}
		cols := len(ins[t][0])
		if k == rows*cols {
			fill(t+1, 0)
			return
		}
		i, j := k/cols, k%cols
		// A row that is complete must add up to what its total allows,
		// and to the same as in the first table.
		next := func() {
			if j == cols-1 {
				n := sum(try[t][i])
				if !fits(shown[t][i][cols], n) || t > 0 && n != sum(try[0][i]) {
					return
				}
			}
			fill(t, k+1)
		}
		c := shown[t][i][j]
		if c.Shown() {
			try[t][i][j] = c.N
			next()
			return
		}
		bottom, top := max(1, ins[t][i][j]-2), ins[t][i][j]+2
		if c.Why == Small {
			top = min(top, 4)
		}
		for n := bottom; n <= top; n++ {
			try[t][i][j] = n
			next()
		}
	}
	fill(0, 0)
	var pinned []string
	for t := range shown {
		for i := range shown[t] {
			for j, c := range shown[t][i] {
				if !c.Shown() && lo[t][i][j] == hi[t][i][j] {
					pinned = append(pinned, fmt.Sprintf("table %d, cell %d,%d can only be %d", t, i, j, lo[t][i][j]))
				}
			}
		}
	}
	return pinned
}

// TestAcyclicExact checks the cycles' audit against the enumeration, on
// one table and on linked pairs hidden at random (not as Protect would):
// both must find the same cells pinned.
func TestAcyclicExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 9))
	pinned := 0
	for n, in := range tables(rng, 1500, 3, 7, 12) {
		ts := []Table{in}
		if n%2 == 1 {
			ts = append(ts, split(rng, in, 1+rng.IntN(3)))
		}
		g := newGrid(ts...)
		for k, v := range g.val {
			switch {
			case v >= 1 && v < MinCount && rng.IntN(4) > 0:
				g.why[k] = Small
			case v >= 1 && rng.IntN(3) == 0:
				g.why[k] = Protects
			}
		}
		var ps []Protected
		for k := range ts {
			ps = append(ps, g.protected(k))
		}
		want := pinnedByEnumeration(ts, ps)
		if len(want) > 0 {
			pinned++
		}
		var got []string
		for _, k := range g.acyclic(0, len(ts)-1) {
			for tab := range ts {
				for i := 0; i <= g.rows; i++ {
					for j := 0; j <= g.cols[tab]; j++ {
						if g.at(tab, i, j) == k {
							got = append(got, fmt.Sprintf("table %d, cell %d,%d can only be %d", tab, i, j, g.val[k]))
						}
					}
				}
			}
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("tables %v hidden as %v:\n the cycles pin %q\nthe enumeration %q", ts, ps, got, want)
		}
	}
	if pinned == 0 {
		t.Error("no table hidden at random had a cell pinned: the test shows nothing")
	}
}

// TestProtectLinkedExhaustive is TestProtectExhaustive for pairs of
// linked tables.
func TestProtectLinkedExhaustive(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 8))
	for _, in := range tables(rng, 600, 2, 6, 4) {
		ts := []Table{in, split(rng, in, 1+rng.IntN(3))}
		if reason, pinned := exhaustivelyPinnedLinked(ts, ProtectLinked(ts...)); pinned {
			ps := ProtectLinked(ts...)
			t.Fatalf("ProtectLinked(%v) = %v, %v: %s", ts, gridOf(ps[0]), gridOf(ps[1]), reason)
		}
	}
}
