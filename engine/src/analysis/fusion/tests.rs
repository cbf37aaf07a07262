//! Unit tests of the simulation on graphs built by hand (odd graphs the writers cannot make).
