"""The routes, one module per area: session (log in/out, home), review (upload, a report, decisions),
browse (lists, an agency), rollup (the dashboard), write (the form), admin (users, audit), api (JSON)."""
