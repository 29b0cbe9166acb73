package sdc

import (
	"math"
	"testing"
)

func TestTQuantile(t *testing.T) {
	inf := math.Inf(1)
	for _, c := range []struct {
		p, df, want float64
	}{
		// Two-sided 95 %: the tables every statistics book prints, to 3
		// decimals.
		{0.975, 1, 12.706}, {0.975, 2, 4.303}, {0.975, 3, 3.182}, {0.975, 4, 2.776},
		{0.975, 5, 2.571}, {0.975, 9, 2.262}, {0.975, 10, 2.228}, {0.975, 19, 2.093},
		{0.975, 29, 2.045}, {0.975, 30, 2.042}, {0.975, 60, 2.000}, {0.975, 120, 1.980},
		{0.975, 1000, 1.962}, {0.975, 1e6, 1.960}, {0.975, inf, 1.960},
		{0.95, 1, 6.314}, {0.95, 9, 1.833}, {0.95, inf, 1.645},
		{0.995, 9, 3.250}, {0.995, 29, 2.756}, {0.995, inf, 2.576},
		{0.025, 9, -2.262}, {0.5, 7, 0},
	} {
		got := tQuantile(c.p, c.df)
		if math.Abs(got-c.want) > 0.0005 {
			t.Errorf("tQuantile(%v, %v) = %.4f, want %.3f", c.p, c.df, got, c.want)
		}
	}
}

// TestTQuantileInverts checks the quantile against the distribution
// function it inverts, over df 1 to 200 and both tails, and that it
// meets the normal distribution's from above as df grows.
func TestTQuantileInverts(t *testing.T) {
	z := tQuantile(0.975, math.Inf(1))
	prev := math.Inf(1)
	for df := 1.0; df <= 200; df++ {
		for _, p := range []float64{0.6, 0.9, 0.975, 0.999} {
			q := tQuantile(p, df)
			x := df / (df + q*q)
			if tail := regIncBeta(df/2, 0.5, x) / 2; math.Abs(tail-(1-p)) > 1e-12 {
				t.Errorf("df %v: P(T > %v) = %v, want %v", df, q, tail, 1-p)
			}
		}
		q := tQuantile(0.975, df)
		if q >= prev || q <= z {
			t.Errorf("df %v: t = %v, the one before %v, the normal %v", df, q, prev, z)
		}
		prev = q
	}
	// Where the series takes over from the fraction, the two agree.
	if a, b := tQuantile(0.975, 99999), tQuantile(0.975, 1e5); math.Abs(a-b) > 1e-8 {
		t.Errorf("df 99999: %v, df 1e5: %v", a, b)
	}
	for _, bad := range [][2]float64{{0, 5}, {1, 5}, {0.5, 0}, {math.NaN(), 3}, {0.9, math.NaN()}} {
		if got := tQuantile(bad[0], bad[1]); !math.IsNaN(got) {
			t.Errorf("tQuantile(%v, %v) = %v, want NaN", bad[0], bad[1], got)
		}
	}
}
