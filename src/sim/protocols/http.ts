// HTTP/1.1 request and response heads (RFC 9112); bodies are bulk filler appended by the TCP session.
import { ascii } from './bytes.js';

export function httpGet(host: string, path: string, userAgent: string): Uint8Array {
  return ascii(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: ${userAgent}\r\nAccept: */*\r\nConnection: close\r\n\r\n`);
}

export function httpPostHead(host: string, path: string, userAgent: string, contentType: string, bodyLen: number): Uint8Array {
  return ascii(
    `POST ${path} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: ${userAgent}\r\nContent-Type: ${contentType}\r\n` +
      `Content-Length: ${bodyLen}\r\n\r\n`,
  );
}

/** Response head for a body of bodyLen bytes; `dateMs` is simulated time (the Date header is deterministic). */
export function httpResponseHead(status: number, reason: string, contentType: string, bodyLen: number, dateMs: number, etag: string): Uint8Array {
  return ascii(
    `HTTP/1.1 ${status} ${reason}\r\nServer: nginx/1.24.0\r\nDate: ${new Date(dateMs).toUTCString()}\r\n` +
      `Content-Type: ${contentType}\r\nContent-Length: ${bodyLen}\r\nETag: "${etag}"\r\nAccept-Ranges: bytes\r\nConnection: close\r\n\r\n`,
  );
}
