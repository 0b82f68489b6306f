// Runs the graphql-http server audits (the GraphQL-over-HTTP spec's MUST, SHOULD and MAY
// checks) against the URL given and prints one JSON line per audit.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
const results = await auditServer({ url });
for (const result of results) {
  console.log(JSON.stringify({ id: result.id, name: result.name, status: result.status,
    reason: result.status === 'ok' ? null : result.reason }));
}
