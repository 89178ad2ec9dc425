// Test support: simulators and fake servers.
