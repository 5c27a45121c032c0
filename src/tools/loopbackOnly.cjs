'use strict';
/**
 * Preload for `node --require`: every TCP listener in the process binds to 127.0.0.1.
 *
 * Microsoft 365 Agents Playground has no host option and listens on all interfaces, which would let
 * anyone on the network chat through it to the local bot. Patching `net.Server.prototype.listen`
 * covers its HTTP server (http.Server extends net.Server), the port probe it runs first, and the
 * websockets, which share that HTTP server. Unix sockets and inherited handles are left alone.
 */
const net = require('node:net');

const LOOPBACK = '127.0.0.1';
const originalListen = net.Server.prototype.listen;

function isPort(value) {
  return typeof value === 'number' || (typeof value === 'string' && /^\d+$/.test(value));
}

net.Server.prototype.listen = function listenOnLoopback(...args) {
  const callback = typeof args[args.length - 1] === 'function' ? args.pop() : undefined;
  const [first] = args;

  // listen(options): a TCP listener unless it names a path or wraps an existing handle.
  if (first !== null && typeof first === 'object') {
    const isTcp = first.path === undefined && first.fd === undefined && first.handle === undefined && first._handle === undefined;
    const options = isTcp ? { ...first, host: LOOPBACK } : first;
    return callback ? originalListen.call(this, options, callback) : originalListen.call(this, options);
  }

  // listen(), listen(port[, host][, backlog]): a port (or none, meaning any free port).
  if (first === undefined || isPort(first)) {
    const rest = args.slice(1);
    if (typeof rest[0] === 'string' || rest[0] === null || rest[0] === undefined) rest.shift();
    const options = { port: first === undefined ? 0 : Number(first), host: LOOPBACK };
    if (typeof rest[0] === 'number') options.backlog = rest[0];
    return callback ? originalListen.call(this, options, callback) : originalListen.call(this, options);
  }

  // listen(path): a Unix socket or named pipe, not reachable from the network.
  return originalListen.apply(this, callback ? [...args, callback] : args);
};
