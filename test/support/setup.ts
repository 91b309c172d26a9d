// E2e tests start real apps and processes on a two-core machine: give each test room, never a sleep.
jest.setTimeout(60_000);
