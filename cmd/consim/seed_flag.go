package main

import (
	"fmt"
	"strconv"
)

// seedFlag is --seed: a whole number from 1, with an error that says so (pflag's own
// would quote strconv).
type seedFlag uint64

func (s *seedFlag) String() string { return strconv.FormatUint(uint64(*s), 10) }
func (s *seedFlag) Type() string   { return "N" }

func (s *seedFlag) Set(v string) error {
	n, err := strconv.ParseUint(v, 10, 64)
	switch {
	case err != nil:
		return fmt.Errorf("a seed is a whole number from 1 to %d", uint64(1<<64-1))
	case n == 0:
		return fmt.Errorf("seeds start at 1 (0 means \"not set\" in scenario files)")
	}
	*s = seedFlag(n)
	return nil
}
