// The `graft` CLI arrives with its own issue (train, eval, predict, distill, merge, inspect, bench).
export {};
