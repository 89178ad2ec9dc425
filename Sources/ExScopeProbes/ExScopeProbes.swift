// The scanner library.
