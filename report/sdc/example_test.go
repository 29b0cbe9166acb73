package sdc_test

import (
	"fmt"

	"polku/report/sdc"
)

// A table of families by municipality and children's age band, as a
// report would draw it: "< 5" for a small count, "·" for a count hidden
// to protect one.
func ExampleProtect() {
	p := sdc.Protect(sdc.Table{
		{3, 6, 12},
		{7, 8, 0},
		{9, 11, 14},
	})
	show := func(c sdc.Cell) string {
		switch c.Why {
		case sdc.Shown:
			return fmt.Sprint(c.N)
		case sdc.Small:
			return "< 5"
		}
		return "·"
	}
	for i, row := range p.Cells {
		for _, c := range row {
			fmt.Printf("%5s", show(c))
		}
		fmt.Printf(" |%5s\n", show(p.RowTotals[i]))
	}
	for _, c := range p.ColTotals {
		fmt.Printf("%5s", show(c))
	}
	fmt.Printf(" |%5s\n", show(p.Total))
	// Output:
	//   < 5    ·   12 |   21
	//     ·    ·    0 |   15
	//     9   11   14 |   34
	//    19   25   26 |   70
}

func ExampleShare() {
	for _, k := range []int{0, 3, 6, 12} {
		s := sdc.Share(k, 12)
		if s.Shown() {
			fmt.Printf("%d of 12: %.0f %%\n", k, 100*s.X)
		} else {
			fmt.Printf("%d of 12: hidden, %v\n", k, s.Why)
		}
	}
	// Output:
	// 0 of 12: hidden, share of a group under 20 would be 0 % or 100 %
	// 3 of 12: hidden, share would reveal a count under 5
	// 6 of 12: 50 %
	// 12 of 12: hidden, share of a group under 20 would be 0 % or 100 %
}
