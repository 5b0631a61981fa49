// The bytes of a watch response. Once the response head has gone to the socket, event
// chunks are written to the socket as they are: the JSON chunk of an event or batch is
// framed once (watch-events.ts) and the same Buffer goes to every watcher, one write per
// watcher per fan-out, instead of Node framing (four small writes and a cork) per watcher.

import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { httpChunk } from '../watch-events.js';

export class WatchStream {
  /** The socket the framed chunks go to; undefined while the response is not at the head of its connection. */
  private readonly socket: Socket | undefined;

  /** Call after the head is flushed (res.flushHeaders()). */
  constructor(private readonly res: ServerResponse) {
    // A response gets its socket only when it is at the head of the connection; flushing
    // the head then wrote it straight to that socket, so our writes follow it in order.
    this.socket = res.headersSent && res.socket ? res.socket : undefined;
  }

  /** Writes an already framed chunk; `lines` gives the same data unframed, for the fallback. */
  writeFramed(chunk: Buffer, lines: () => Buffer): void {
    if (this.socket) this.socket.write(chunk);
    else this.res.write(lines());
  }

  /** Writes watch lines, framing them here. */
  writeLines(lines: readonly Buffer[]): void {
    if (this.socket) this.socket.write(httpChunk(lines));
    else this.res.write(lines.length === 1 ? lines[0] : Buffer.concat(lines));
  }

  /** Bytes queued for the client and not yet taken by the kernel. */
  get buffered(): number {
    return this.socket ? this.socket.writableLength : this.res.writableLength;
  }

  /** Ends the response (the final empty chunk goes through the response, after everything written). */
  end(last?: Buffer): void {
    if (last) this.writeLines([last]);
    this.res.end();
  }
}
