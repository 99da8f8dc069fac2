// Node `ws` echo server peer on 127.0.0.1, port 0: prints `port N`, echoes
// every message with its frame type, exits after the first client leaves.
// Usage: node node_ws_server.js [--cert F --key F]
'use strict';
const fs = require('fs');
const https = require('https');
const WebSocket = require('ws');

const args = process.argv.slice(2);
const opt = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const cert = opt('--cert');
const key = opt('--key');

let wss;
let server;
const listening = () => {
  const port = (server || wss).address().port;
  console.log(`port ${port}`);
};
if (cert) {
  server = https.createServer({ cert: fs.readFileSync(cert), key: fs.readFileSync(key) });
  wss = new WebSocket.Server({ server });
  server.listen(0, '127.0.0.1', listening);
} else {
  wss = new WebSocket.Server({ host: '127.0.0.1', port: 0 }, listening);
}
setTimeout(() => process.exit(1), 30000).unref();
wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  ws.on('close', () => process.exit(0));
});
