// Subscribes with the reference graphql-transport-ws client (graphql-ws over ws) and prints
// one JSON line per message it receives; exits after `count` results (or on error/complete).
// usage: node subscribe.mjs <ws-url> <query> <variables-json> <connection-params-json> <count>
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const [url, query, variables, connectionParams, count] = process.argv.slice(2);
const client = createClient({
  url,
  webSocketImpl: WebSocket,
  connectionParams: JSON.parse(connectionParams || '{}'),
  retryAttempts: 0,
  on: { connected: () => console.log(JSON.stringify({ connected: true })) },
});
let received = 0;
await new Promise((resolve) => {
  client.subscribe(
    { query, variables: JSON.parse(variables || '{}') },
    {
      next: (result) => {
        console.log(JSON.stringify({ next: result }));
        if (++received >= Number(count || 1)) resolve();
      },
      error: (error) => {
        console.log(JSON.stringify({ error: error?.code ?? String(error), reason: error?.reason }));
        resolve();
      },
      complete: () => { console.log(JSON.stringify({ complete: true })); resolve(); },
    },
  );
});
await client.dispose();
