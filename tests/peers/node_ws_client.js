// Node `ws` client peer: sends COUNT messages to URL and checks each echo.
// Usage: node node_ws_client.js URL [--cafile F] [--binary] [--count N]
'use strict';
const fs = require('fs');
const WebSocket = require('ws');

const args = process.argv.slice(2);
const url = args[0];
const opt = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const binary = args.includes('--binary');
const count = Number(opt('--count') || 10);
const cafile = opt('--cafile');

const ws = new WebSocket(url, cafile ? { ca: fs.readFileSync(cafile) } : {});
const sent = [];
let received = 0;
const timer = setTimeout(() => { console.error('timeout'); process.exit(2); }, 10000);

function sendNext() {
  const text = JSON.stringify({ peer: 'node', seq: sent.length, text: 'h\u00e9llo' });
  sent.push(text);
  ws.send(binary ? Buffer.from(text) : text, { binary });
}

ws.on('open', sendNext);
ws.on('message', (data, isBinary) => {
  const expected = sent[received];
  if (isBinary !== binary || data.toString() !== expected) {
    console.error(`mismatch at ${received}: binary=${isBinary} got ${data.toString()}`);
    process.exit(1);
  }
  received += 1;
  if (received === count) {
    clearTimeout(timer);
    console.log(`ok ${count}`);
    ws.close();
  } else {
    sendNext();
  }
});
ws.on('error', (e) => { console.error(`error: ${e.message}`); process.exit(1); });
