package polku

// Referral is a referral code of the professional network with the
// numbers of families who started from it and who finished the intake.
type Referral struct {
	Code         string
	Organisation string
	Started      int
	Finished     int
}
