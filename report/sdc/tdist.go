package sdc

import "math"

// The t distribution, for the confidence interval of a mean. It is written
// here on the standard library (the regularized incomplete beta function,
// inverted by bisection); gonum's distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}
// .Quantile(p) is the same function, should the report take gonum/stat.

// tQuantile returns the p-quantile of Student's t distribution with df
// degrees of freedom (df may be +Inf, the normal distribution): the t
// with P(T ≤ t) = p. It returns NaN for p outside (0, 1) or df ≤ 0.
func tQuantile(p, df float64) float64 {
	switch {
	case !(p > 0 && p < 1) || !(df > 0):
		return math.NaN()
	case p < 0.5:
		return -tQuantile(1-p, df)
	case p == 0.5:
		return 0
	case df == 1: // the Cauchy distribution
		return math.Tan(math.Pi * (p - 0.5))
	case df == 2:
		return (2*p - 1) / math.Sqrt(2*p*(1-p))
	case df >= 1e5:
		// Cornish–Fisher: the normal quantile corrected in powers of
		// 1/df, exact to well below 1e-9 this far out, where the
		// continued fraction would take long to converge.
		z := math.Sqrt2 * math.Erfinv(2*p-1)
		z3, z5 := z*z*z, z*z*z*z*z
		return z + (z3+z)/(4*df) + (5*z5+16*z3+3*z)/(96*df*df)
	}
	// P(T > t) = I_x(df/2, 1/2) / 2 with x = df / (df + t²); I_x grows
	// with x, so bisect for the x that gives 2(1 − p).
	want := 2 * (1 - p)
	lo, hi := 0.0, 1.0
	for {
		mid := lo + (hi-lo)/2
		if mid <= lo || mid >= hi {
			break
		}
		if regIncBeta(df/2, 0.5, mid) < want {
			lo = mid
		} else {
			hi = mid
		}
	}
	x := lo + (hi-lo)/2
	return math.Sqrt(df * (1 - x) / x)
}

// regIncBeta is the regularized incomplete beta function I_x(a, b), by
// its continued fraction (Numerical Recipes, betai and betacf).
func regIncBeta(a, b, x float64) float64 {
	if x <= 0 {
		return 0
	}
	if x >= 1 {
		return 1
	}
	la, _ := math.Lgamma(a)
	lb, _ := math.Lgamma(b)
	lab, _ := math.Lgamma(a + b)
	front := math.Exp(a*math.Log(x) + b*math.Log1p(-x) + lab - la - lb)
	// The fraction converges fast on the side of the mean; the other side
	// follows from I_x(a, b) = 1 − I_{1−x}(b, a).
	if x < (a+1)/(a+b+2) {
		return front * betaFraction(a, b, x) / a
	}
	return 1 - front*betaFraction(b, a, 1-x)/b
}

// betaFraction evaluates the continued fraction of the incomplete beta
// function by the modified Lentz method.
func betaFraction(a, b, x float64) float64 {
	const (
		eps  = 1e-16
		tiny = 1e-300
	)
	guard := func(v float64) float64 {
		if math.Abs(v) < tiny {
			return tiny
		}
		return v
	}
	c := 1.0
	d := 1 / guard(1-(a+b)*x/(a+1))
	h := d
	for m := 1.0; m <= 10000; m++ {
		// The even step, then the odd one.
		num := m * (b - m) * x / ((a + 2*m - 1) * (a + 2*m))
		d = 1 / guard(1+num*d)
		c = guard(1 + num/c)
		h *= d * c
		num = -(a + m) * (a + b + m) * x / ((a + 2*m) * (a + 2*m + 1))
		d = 1 / guard(1+num*d)
		c = guard(1 + num/c)
		step := d * c
		h *= step
		if math.Abs(step-1) < eps {
			break
		}
	}
	return h
}
