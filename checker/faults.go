package checker

// ActiveFault is a fault firing that was in progress at some moment (or had ended
// shortly before it), as reports list it.
type ActiveFault struct {
	Name    string   `json:"name"`
	Kind    string   `json:"kind"`
	Targets []string `json:"targets"`
	// Start is when it fired; End when it ended (null: still going at the end of the
	// stream), in virtual seconds.
	Start float64  `json:"start"`
	End   *float64 `json:"end"`
}

func (f *FaultWindow) active() ActiveFault {
	a := ActiveFault{Name: f.Name, Kind: f.Kind, Targets: f.Targets, Start: f.Start.Seconds()}
	if a.Targets == nil {
		a.Targets = []string{}
	}
	if f.Ended {
		e := f.End.Seconds()
		a.End = &e
	}
	return a
}
