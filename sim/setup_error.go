package sim

// SetupError says that this machine cannot build the simulated world: no Go toolchain on
// PATH, or one too old for consim's source. It is not a failure of a run or of the harness,
// and says what to do; the CLI maps it to exit code 2.
type SetupError struct {
	Msg string
}

func (e *SetupError) Error() string { return e.Msg }
