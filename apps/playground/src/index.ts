// The browser playground arrives with its own issue.
export {};
