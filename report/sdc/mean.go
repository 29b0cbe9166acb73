package sdc

import "math"

// Level is the confidence of the intervals the package gives.
const Level = 0.95

// Mean is a mean with its spread and its confidence interval, as the
// report may show them: Mean, SD (the sample standard deviation) and the
// [Level] interval Low to High of the mean (Student's t with n − 1
// degrees of freedom) when Why is Shown, all 0 otherwise. N is the size of
// the group, a count protected as [Count] protects one.
type Mean struct {
	N                   Cell
	Mean, SD, Low, High float64
	Why                 Reason
}

// Shown reports whether the mean, its spread and its interval may be
// shown.
func (m Mean) Shown() bool { return m.Why == Shown }

// MeanOf protects the mean of xs, such as the WHO-5 scores at baseline or
// the feedback scores: it is shown for at least [MinN] values ([FewN]
// otherwise), and not when fewer than [MinAllOrNone] values are all the
// same ([Uniform]).
func MeanOf(xs []float64) Mean {
	n := len(xs)
	m := Mean{N: Count(n)}
	if n < MinN {
		m.Why = FewN
		return m
	}
	mean := 0.0
	uniform := true
	for _, x := range xs {
		mean += x
		uniform = uniform && x == xs[0]
	}
	if uniform && n < MinAllOrNone {
		m.Why = Uniform
		return m
	}
	mean /= float64(n)
	ss := 0.0
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	sd := math.Sqrt(ss / float64(n-1))
	half := tQuantile(1-(1-Level)/2, float64(n-1)) * sd / math.Sqrt(float64(n))
	m.Mean, m.SD, m.Low, m.High = mean, sd, mean-half, mean+half
	return m
}

// Change protects the mean paired change from before to after: before[i]
// and after[i] are one family's two answers (the pairs are anonymous; the
// caller gives them in any order as long as each after stands with its
// before). It is [MeanOf] the differences after − before, so its interval
// is the paired t interval. Unequal lengths are a mistake of the caller,
// and Change panics on them.
func Change(before, after []float64) Mean {
	if len(before) != len(after) {
		panic("sdc: change of unpaired answers")
	}
	d := make([]float64, len(before))
	for i := range d {
		d[i] = after[i] - before[i]
	}
	return MeanOf(d)
}
