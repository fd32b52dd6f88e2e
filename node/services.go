package node

import (
	"errors"
	"fmt"
	"time"

	"github.com/consim/consim/node/catalog"
)

// ServiceDefinition is a service an agent runs, in the shape of Consul's agent service
// definition: its checks decide whether the catalog sends clients to it.
type ServiceDefinition struct {
	// ID is unique on the agent; empty means Name.
	ID string
	// Name is the service's name in the catalog, which many instances share. Required.
	Name    string
	Tags    []string
	Address string // empty: the agent's address
	Port    int    // 0 to 65535
	Checks  []CheckDefinition
}

// CheckDefinition is a health check of a service: exactly one of TTL, HTTP and Script.
type CheckDefinition struct {
	// ID is unique on the agent; empty means Consul's default, service:ID, or
	// service:ID:N (N from 1) when the service has several checks.
	ID string
	// Name defaults to "Service 'NAME' check", as Consul's.
	Name  string
	Notes string
	// Status is the status the check starts with; empty means critical, as Consul's.
	Status string
	// TTL makes a TTL check: it is critical ("TTL expired") unless updated (pass, warn,
	// fail) at least this often.
	TTL time.Duration
	// HTTP makes an HTTP check: a GET of this URL every Interval, over the agent's Dial,
	// bounded by Timeout (default 10s). 2xx is passing, 429 warning, anything else or no
	// answer critical, as Consul's.
	HTTP string
	// Script makes a script check: called every Interval, its exit status decides (0
	// passing, 1 warning, anything else critical, as Consul's script checks). A real
	// agent runs a program; a simulation scripts the exit status over time.
	Script func() (exit int, output string)
	// Interval is how often an HTTP or script check runs, counted from the end of the
	// previous run; the first run comes after a random stagger of up to one interval.
	Interval time.Duration
	// Timeout bounds an HTTP check's request.
	Timeout time.Duration
}

// defaultCheckTimeout is Consul's timeout of an HTTP check.
const defaultCheckTimeout = 10 * time.Second

// Check types, as the catalog's Type field carries them.
const (
	CheckTTL    = "ttl"
	CheckHTTP   = "http"
	CheckScript = "script"
)

func (c *CheckDefinition) kind() string {
	switch {
	case c.TTL > 0:
		return CheckTTL
	case c.HTTP != "":
		return CheckHTTP
	case c.Script != nil:
		return CheckScript
	}
	return ""
}

// validate checks c as Consul's CheckType.Validate does, with its messages.
func (c *CheckDefinition) validate() error {
	kinds := 0
	for _, set := range []bool{c.TTL != 0, c.HTTP != "", c.Script != nil} {
		if set {
			kinds++
		}
	}
	switch {
	case kinds > 1:
		return errors.New("a check is one of TTL, HTTP and script, not several")
	case c.TTL > 0 && c.Interval > 0:
		return errors.New("Interval and TTL cannot both be specified")
	case (c.HTTP != "" || c.Script != nil) && c.Interval <= 0:
		return errors.New("Interval must be > 0 for Script, HTTP, H2PING, TCP or UDP checks")
	case c.HTTP == "" && c.Script == nil && c.TTL <= 0:
		return errors.New("TTL must be > 0 for TTL checks")
	case c.Timeout < 0:
		return errors.New("Timeout must be >= 0")
	case c.Status != "" && !catalog.ValidStatus(c.Status):
		return errors.New("Status for checks must 'passing', 'warning', 'critical'")
	}
	return nil
}

// normalized returns d with Consul's defaults filled in: the ID, and each check's ID,
// name and initial status.
func (d ServiceDefinition) normalized() ServiceDefinition {
	if d.ID == "" {
		d.ID = d.Name
	}
	checks := make([]CheckDefinition, len(d.Checks))
	for i, c := range d.Checks {
		if c.ID == "" {
			c.ID = "service:" + d.ID
			if len(d.Checks) > 1 {
				c.ID = fmt.Sprintf("service:%s:%d", d.ID, i+1)
			}
		}
		if c.Name == "" {
			c.Name = fmt.Sprintf("Service '%s' check", d.Name)
		}
		if c.Status == "" {
			c.Status = catalog.Critical
		}
		if c.HTTP != "" && c.Timeout == 0 {
			c.Timeout = defaultCheckTimeout
		}
		checks[i] = c
	}
	d.Checks = checks
	return d
}

// validate checks a service definition, with Consul's messages where it has them.
func (d ServiceDefinition) validate() error {
	if d.Name == "" {
		return errors.New("Missing service name")
	}
	if d.Port < 0 || d.Port > 65535 {
		return fmt.Errorf("Invalid service port %d", d.Port)
	}
	ids := map[string]bool{}
	for _, c := range d.normalized().Checks {
		if err := c.validate(); err != nil {
			return fmt.Errorf("Invalid check: %w", err)
		}
		if ids[c.ID] {
			return fmt.Errorf("Invalid check: duplicate check ID %q", c.ID)
		}
		ids[c.ID] = true
	}
	return nil
}

// validateServices checks the services of an agent's configuration: each valid, IDs
// unique among services and among checks.
func validateServices(defs []ServiceDefinition) error {
	svcIDs, checkIDs := map[string]bool{}, map[string]bool{}
	for _, d := range defs {
		if err := d.validate(); err != nil {
			return fmt.Errorf("service %q: %w", d.Name, err)
		}
		n := d.normalized()
		if svcIDs[n.ID] {
			return fmt.Errorf("service ID %q defined twice", n.ID)
		}
		svcIDs[n.ID] = true
		for _, c := range n.Checks {
			if checkIDs[c.ID] {
				return fmt.Errorf("check ID %q defined twice", c.ID)
			}
			checkIDs[c.ID] = true
		}
	}
	return nil
}
