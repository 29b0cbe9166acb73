package report

import "testing"

func TestReferralCells(t *testing.T) {
	for _, tc := range []struct {
		started, finished int
		want              [2]string
	}{
		{12, 7, [2]string{"12", "7"}},
		{12, 10, [2]string{"12", MarkHidden}}, // 2 not finished would be 12 less 10
		{9, 6, [2]string{"9", MarkHidden}},
		{3, 1, [2]string{MarkSmall, MarkSmall}},
		{0, 0, [2]string{"0", "0"}},
		{6, 0, [2]string{"6", "0"}},
		{6, 9, [2]string{"6", "6"}}, // more finished than started: as many as started
	} {
		s, f := ReferralCells(tc.started, tc.finished)
		if got := [2]string{text("en", s), text("en", f)}; got != tc.want {
			t.Errorf("%d started, %d finished: %q, want %q", tc.started, tc.finished, got, tc.want)
		}
	}
}
