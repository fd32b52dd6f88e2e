package sim

// Version is consim's version. It is written into every stream header, so a replay on a
// different version is detected and said.
const Version = "0.1.0-dev"
