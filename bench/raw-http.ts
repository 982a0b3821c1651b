/**
 * The benchmarks' load generator: one keep-alive HTTP/1.1 connection per simulated shopper on a bare socket, one
 * request at a time, answers read by Content-Length. node:http's client (agent, parser, header objects, events)
 * cost about 0.8 ms of CPU per checkout on the same two cores the server runs on; this costs a fraction of it, so
 * the benchmark measures the server rather than its client. Only what the mall server sends is understood: a status
 * line, headers with Content-Length (JSON answers are never chunked), a body.
 */
import net from 'node:net';

export interface RawAnswer {
  status: number;
  body: string;
}

const HEADER_END = Buffer.from('\r\n\r\n');

export class RawConnection {
  private socket: net.Socket | undefined;
  private buffer: Buffer = Buffer.alloc(0);
  private waiting: { resolve: (answer: RawAnswer) => void; reject: (error: Error) => void } | undefined;

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  private open(): net.Socket {
    const socket = net.connect({ host: this.host, port: this.port, noDelay: true });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    const lost = (error?: Error): void => {
      this.socket = undefined;
      this.buffer = Buffer.alloc(0);
      const waiting = this.waiting;
      this.waiting = undefined;
      waiting?.reject(error ?? new Error('connection closed'));
    };
    socket.on('error', lost);
    socket.on('close', () => lost());
    this.socket = socket;
    return socket;
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const headerEnd = this.buffer.indexOf(HEADER_END);
    if (headerEnd < 0) return;
    const head = this.buffer.toString('latin1', 0, headerEnd);
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    if (length === null) {
      this.waiting?.reject(new Error(`answer without content-length: ${head}`));
      this.waiting = undefined;
      return;
    }
    const bodyStart = headerEnd + HEADER_END.length;
    const bodyEnd = bodyStart + Number(length[1]);
    if (this.buffer.length < bodyEnd) return;
    const answer = { status: Number(head.slice(9, 12)), body: this.buffer.toString('utf8', bodyStart, bodyEnd) };
    this.buffer = this.buffer.subarray(bodyEnd);
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.resolve(answer);
  }

  /** One request; `headers` are complete header lines (each ending in CRLF) besides Host and Content-Length. */
  request(method: string, path: string, headers: string, body?: string): Promise<RawAnswer> {
    if (this.waiting !== undefined) return Promise.reject(new Error('one request at a time per connection'));
    const socket = this.socket ?? this.open();
    const payload = body ?? '';
    return new Promise<RawAnswer>((resolve, reject) => {
      this.waiting = { resolve, reject };
      socket.write(
        `${method} ${path} HTTP/1.1\r\nhost: ${this.host}\r\n${headers}content-length: ${Buffer.byteLength(payload)}\r\n\r\n${payload}`,
      );
    });
  }

  close(): void {
    this.socket?.end();
  }
}
