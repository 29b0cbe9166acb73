package polku

// Referral is a referral code of the professional network with the
// numbers of families who started from it and who finished the intake.
type Referral struct {
	Code         string
	Organisation string
	// Municipality is the municipality a family starting from the code
	// lives in, so it is not asked; "" when the code is for anyone.
	Municipality string
	Started      int
	Finished     int
}
