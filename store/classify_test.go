package store

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"polku"
)

// TestWrapClassifies: the one place that reads PostgreSQL's errors names
// each by its SQLSTATE or pgx's own error values, never by its text.
func TestWrapClassifies(t *testing.T) {
	pg := func(code string) error { return fmt.Errorf("exec: %w", &pgconn.PgError{Code: code}) }
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"no rows", pgx.ErrNoRows, polku.ENOTFOUND},
		{"unique violation", pg("23505"), polku.ECONFLICT},
		{"check violation", pg("23514"), polku.EINVALID},
		{"connection exception", pg("08006"), polku.EUNAVAILABLE},
		{"shutting down", pg("57P01"), polku.EUNAVAILABLE},
		{"conn closed", fmt.Errorf("begin: %w", pgconn.ErrConnClosed), polku.EUNAVAILABLE},
		{"cancelled", context.Canceled, polku.EINTERNAL},
		{"syntax", pg("42601"), polku.EINTERNAL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var perr *polku.Error
			if err := wrap(tt.err, "test"); !errors.As(err, &perr) || perr.Code != tt.want {
				t.Errorf("wrap(%v) = %v, want code %v", tt.err, err, tt.want)
			}
		})
	}
	if storable(pg("22P05")) || !storable(pg("08006")) {
		t.Error("storable: class 22 is the data's fault, anything else the database's")
	}
}
