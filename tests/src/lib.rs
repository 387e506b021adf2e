//! End-to-end tests live in `e2e/` (one test binary); fixtures in `fixtures/`.
