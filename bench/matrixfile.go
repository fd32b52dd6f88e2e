package bench

import (
	_ "embed"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/consim/consim/scenarios"
)

//go:embed default-matrix.yaml
var defaultMatrix []byte

// defaultMatrixName is the file name errors give the default matrix: it is no file of
// the user's, and it is valid (a test holds it to that).
const defaultMatrixName = "default matrix"

// MaxRuns bounds the runs of one benchmark: conditions x rates x seeds.
const MaxRuns = 1000

// ConditionPattern is what a condition's name must match: it names run directories.
var ConditionPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{0,62}$`)

// DefaultMatrixFile returns the text of the default matrix, comments and all: what
// `consim bench --print-matrix` prints, for a user to copy.
func DefaultMatrixFile() []byte { return slices.Clone(defaultMatrix) }

// Source says where each part of a matrix came from (the default matrix, the user's file,
// a flag), so that a problem is reported where it was written.
type Source struct {
	file  *scenarios.File // the user's matrix file; nil without one
	def   *scenarios.File // the default matrix
	flags map[string]bool // top-level fields a flag set: "rates"
}

// LoadMatrix returns the default matrix with the fields of the file at path written over
// it (path "" for none). It is not checked yet: flags may still change it (SetByFlag),
// then Check. The error is an *scenarios.ErrorList with the file's positions.
func LoadMatrix(path string) (*Matrix, *Source, error) {
	m := new(Matrix)
	def, err := scenarios.DecodeFile(defaultMatrixName, "a benchmark matrix", defaultMatrix, m)
	if err != nil {
		panic(fmt.Sprintf("bench: the default matrix does not decode: %v", err))
	}
	src := &Source{def: def, flags: map[string]bool{}}
	if path == "" {
		m.number()
		return m, src, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("bench: matrix: %w", err)
	}
	if len(data) > scenarios.MaxFileSize {
		return nil, nil, fmt.Errorf("bench: matrix %s is %d bytes; matrix files are limited to %d", path, len(data), scenarios.MaxFileSize)
	}
	// The file's conditions replace the default ones as a whole; other lists likewise.
	f, err := scenarios.DecodeFile(path, "a benchmark matrix (docs/bench.md)", data, m)
	src.file = f
	if err != nil {
		return nil, nil, err
	}
	m.number()
	return m, src, nil
}

// number records each condition's place in the list as written.
func (m *Matrix) number() {
	for i := range m.Conditions {
		m.Conditions[i].at = i
	}
}

// SetByFlag records that a flag (--modes for "modes") set the field: its problems then
// name the flag.
func (s *Source) SetByFlag(field string) { s.flags[field] = true }

// errorf places a problem with the field at path (a dotted path with [i] indexes, as in
// the file) where that field came from.
func (s *Source) errorf(path, format string, args ...any) *scenarios.FieldError {
	top := path
	if i := strings.IndexAny(path, ".["); i >= 0 {
		top = path[:i]
	}
	switch {
	case s.flags[top]:
		return &scenarios.FieldError{Field: "--" + top, Msg: fmt.Sprintf(format, args...)}
	case s.file != nil && s.file.Written(top):
		return s.file.Errorf(path, format, args...)
	}
	return s.def.Errorf(path, format, args...)
}

// Check checks a matrix: every list given and each of its values allowed, at most once;
// condition names that can name directories, each once; per-client rates the workload
// allows; at most MaxRuns runs. The error is an *scenarios.ErrorList, each problem placed
// in the file or named by its flag (src), and says what is allowed.
func Check(m *Matrix, src *Source) error {
	var errs []*scenarios.FieldError
	bad := func(path, format string, args ...any) { errs = append(errs, src.errorf(path, format, args...)) }
	list := func(field string, vals, allowed []string) {
		if len(vals) == 0 {
			bad(field, "must list at least one of %s", strings.Join(allowed, ", "))
		}
		for i, v := range vals {
			p := fmt.Sprintf("%s[%d]", field, i)
			switch {
			case !slices.Contains(allowed, v):
				bad(p, "must be one of %s, got %q", strings.Join(allowed, ", "), v)
			case slices.Index(vals, v) < i:
				bad(p, "%q is listed twice", v)
			}
		}
	}
	list("modes", m.Modes, scenarios.ReadModes)
	list("paths", m.Paths, AllPaths)
	list("ops", m.Ops, AllOps)
	if len(m.Rates) == 0 {
		bad("rates", "must list at least one offered rate, like 50/s")
	}
	for i, r := range m.Rates {
		p := fmt.Sprintf("rates[%d]", i)
		perClient := r / scenarios.Rate(max(len(m.Paths), 1))
		switch {
		case !(r > 0):
			bad(p, "must be above 0/s, got %s", r)
		case perClient > scenarios.MaxRate:
			bad(p, "%s over %d paths is %s per workload client, above the workload's limit of %s: offer at most %s, or measure more paths",
				r, len(m.Paths), perClient, scenarios.MaxRate, scenarios.MaxRate*scenarios.Rate(len(m.Paths)))
		case slices.Index(m.Rates, r) < i:
			bad(p, "%s is listed twice", r)
		}
	}
	if len(m.Seeds) == 0 {
		bad("seeds", "must list at least one seed, from 1")
	}
	for i, s := range m.Seeds {
		p := fmt.Sprintf("seeds[%d]", i)
		switch {
		case s == 0:
			bad(p, "must be 1 or more, got 0")
		case slices.Index(m.Seeds, s) < i:
			bad(p, "%d is listed twice", s)
		}
	}
	if len(m.Conditions) == 0 {
		bad("conditions", "must list at least one condition (a condition with only a name runs the scenario as written)")
	}
	for i, c := range m.Conditions {
		p := fmt.Sprintf("conditions[%d].name", i)
		switch {
		case c.Name == "":
			bad(p, "required field is missing")
		case !ConditionPattern.MatchString(c.Name):
			bad(p, "must be 1 to 63 lower-case letters, digits, '.' or '-', starting with a letter or digit (it names run directories), got %q", c.Name)
		case slices.IndexFunc(m.Conditions, func(o Condition) bool { return o.Name == c.Name }) < i:
			bad(p, "%q is the name of an earlier condition", c.Name)
		}
	}
	if n := len(m.Conditions) * len(m.Rates) * len(m.Seeds); n > MaxRuns {
		bad("conditions", "%d conditions x %d rates x %d seeds is %d runs; a benchmark is limited to %d", len(m.Conditions), len(m.Rates), len(m.Seeds), n, MaxRuns)
	}
	return errorList(errs)
}

// errorList returns errs as an *scenarios.ErrorList, or nil when there are none.
func errorList(errs []*scenarios.FieldError) error {
	if len(errs) == 0 {
		return nil
	}
	return &scenarios.ErrorList{Errs: errs}
}

// SelectConditions keeps the matrix's conditions named in names, in that order (the
// --conditions flag). A name the matrix does not have is an error that lists those it has.
func (m *Matrix) SelectConditions(names []string) error {
	var out []Condition
	for _, n := range names {
		i := slices.IndexFunc(m.Conditions, func(c Condition) bool { return c.Name == n })
		if i < 0 {
			have := make([]string, len(m.Conditions))
			for j, c := range m.Conditions {
				have[j] = c.Name
			}
			return fmt.Errorf("--conditions: the matrix has no condition %q (it has %s)", n, strings.Join(have, ", "))
		}
		out = append(out, m.Conditions[i])
	}
	m.Conditions = out
	return nil
}

// ParseSeeds reads seeds written as a list of numbers and ranges: "1,2,5-8".
func ParseSeeds(list []string) ([]uint64, error) {
	var out []uint64
	for _, item := range list {
		lo, hi, isRange := strings.Cut(item, "-")
		a, err1 := strconv.ParseUint(lo, 10, 64)
		b, err2 := a, error(nil)
		if isRange {
			b, err2 = strconv.ParseUint(hi, 10, 64)
		}
		if err1 != nil || err2 != nil || b < a || b-a >= MaxRuns {
			return nil, fmt.Errorf("%q: want a seed (3) or a range of at most %d seeds (1-5)", item, MaxRuns)
		}
		for s := a; s <= b; s++ {
			out = append(out, s)
		}
	}
	return out, nil
}

// ParseRates reads offered rates written as scenario rates: "25/s", "600/m".
func ParseRates(list []string) ([]scenarios.Rate, error) {
	out := make([]scenarios.Rate, len(list))
	for i, item := range list {
		if err := out[i].UnmarshalText([]byte(item)); err != nil {
			return nil, err
		}
	}
	return out, nil
}
