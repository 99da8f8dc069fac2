// Node's built-in `http` echo server: the body of each request comes back
// with the request's content type (201 for POST, like Temblor's default).
// usage: node node_echo.js PORT
const http = require('http');
const port = Number(process.argv[2]);
http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    res.writeHead(req.method === 'POST' ? 201 : 200, {
      'content-type': req.headers['content-type'] || 'application/json',
      'content-length': body.length,
    });
    res.end(body);
  });
}).listen(port, '127.0.0.1');
