package sdc

import (
	"math"
	"testing"
)

// t975 is the 0.975 quantile of Student's t for df 9 to 24, from the
// printed tables, to check the intervals of groups of 10 to 25.
var t975 = map[int]float64{
	9: 2.262, 10: 2.228, 11: 2.201, 12: 2.179, 13: 2.160, 14: 2.145, 15: 2.131, 16: 2.120,
	17: 2.110, 18: 2.101, 19: 2.093, 20: 2.086, 21: 2.080, 22: 2.074, 23: 2.069, 24: 2.064,
}

// TestMeanOf feeds groups of 1 to 25 values and checks every field of
// every output.
func TestMeanOf(t *testing.T) {
	for n := 1; n <= 25; n++ {
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = float64(i*37%101) / 4 // WHO-5-like scores, 0 to 25
		}
		got := MeanOf(xs)
		if want := Count(n); got.N != want {
			t.Errorf("n=%d: N = %+v, want %+v", n, got.N, want)
		}
		if n < 10 {
			if want := (Mean{N: Count(n), Why: FewN}); got != want {
				t.Errorf("n=%d: %+v, want %+v", n, got, want)
			}
			continue
		}
		sum, sq := 0.0, 0.0
		for _, x := range xs {
			sum += x
			sq += x * x
		}
		mean := sum / float64(n)
		sd := math.Sqrt((sq - float64(n)*mean*mean) / float64(n-1))
		half := t975[n-1] * sd / math.Sqrt(float64(n))
		if !got.Shown() || !near(got.Mean, mean, 1e-9) || !near(got.SD, sd, 1e-9) ||
			!near(got.Low, mean-half, 0.001*sd) || !near(got.High, mean+half, 0.001*sd) {
			t.Errorf("n=%d: %+v, want mean %v, SD %v, interval %v to %v", n, got, mean, sd, mean-half, mean+half)
		}
	}
}

// TestMeanOfUniform: a group under 20 in which everyone answered the same
// tells each one's answer; from 20 on the mean shows, with no spread.
func TestMeanOfUniform(t *testing.T) {
	for n := 1; n <= 25; n++ {
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = 64
		}
		got := MeanOf(xs)
		want := Mean{N: Count(n), Mean: 64, Low: 64, High: 64}
		switch {
		case n < 10:
			want = Mean{N: Count(n), Why: FewN}
		case n < 20:
			want = Mean{N: Count(n), Why: Uniform}
		}
		if got != want {
			t.Errorf("n=%d: %+v, want %+v", n, got, want)
		}
	}
}

func TestChange(t *testing.T) {
	// Ten families: eight a little better, one much better, one worse.
	before := []float64{40, 44, 52, 36, 60, 48, 28, 56, 32, 64}
	after := []float64{52, 48, 60, 44, 68, 60, 68, 60, 36, 52}
	got := Change(before, after)
	// The differences 12 4 8 8 8 12 40 4 4 −12: mean 8.8, SD
	// √(1497.6/9) = 12.900, half-width 2.262 · 12.900 / √10 = 9.227.
	if !got.Shown() || got.N != (Cell{N: 10}) || !near(got.Mean, 8.8, 1e-9) ||
		!near(got.SD, 12.8996, 1e-4) || !near(got.Low, -0.427, 0.002) || !near(got.High, 18.027, 0.002) {
		t.Errorf("Change = %+v", got)
	}
	if got := Change(before[:9], after[:9]); got.Shown() || got.Why != FewN {
		t.Errorf("Change of 9 pairs = %+v, want hidden for n below 10", got)
	}
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }
