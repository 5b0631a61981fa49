// The server's join endpoint, in front of the API server's own handler (agents that
// join have no credentials yet, so it sits before authentication):
//   GET  /cacerts        the cluster CA bundle, the bytes whose hash join tokens carry
//   POST /v1-k8ts/join   Authorization: Bearer <join token>; body a JoinRequest; answers
//                        a JoinResponse with the node's certificates
// Everything else goes on to the API server, where the join token authenticates nothing.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KeyPairPem } from '../../apiserver/pki.js';
import type { Logger } from '../log.js';
import { JoinRequestError, parseJoinRequest, signNodeCertificates } from './node-certs.js';
import { parseJoinToken, tokenMatches } from './token.js';

export const cacertsPath = '/cacerts';
export const joinPath = '/v1-k8ts/join';
const maxBody = 64 * 1024;

export interface JoinEndpointOptions {
  ca: KeyPairPem;
  /** The server's join token, as readOrCreateJoinToken keeps it. */
  token: string;
  log: Logger;
}

/** Handles the join paths, returning false for every other request. */
export type JoinEndpoint = (req: IncomingMessage, res: ServerResponse) => boolean;

function sendStatus(res: ServerResponse, code: number, reason: string, message: string): void {
  const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

class BodyTooLargeError extends Error {
  override name = 'BodyTooLargeError';
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > maxBody) throw new BodyTooLargeError(`join request larger than ${maxBody} bytes`);
    chunks.push(c as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new JoinRequestError('join request: body is not JSON');
  }
}

export function joinEndpoint(o: JoinEndpointOptions): JoinEndpoint {
  const expected = parseJoinToken(o.token);
  return (req, res) => {
    const path = new URL(req.url ?? '/', 'https://apiserver').pathname;
    if (path === cacertsPath) {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        sendStatus(res, 405, 'MethodNotAllowed', `${req.method} is not allowed on ${cacertsPath}`);
        return true;
      }
      res.writeHead(200, { 'Content-Type': 'application/x-pem-file', 'Content-Length': Buffer.byteLength(o.ca.certPem) });
      res.end(req.method === 'HEAD' ? undefined : o.ca.certPem);
      return true;
    }
    if (path !== joinPath) return false;
    if (req.method !== 'POST') {
      sendStatus(res, 405, 'MethodNotAllowed', `${req.method} is not allowed on ${joinPath}`);
      return true;
    }
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!m || !tokenMatches(m[1], expected)) {
      o.log.warn(`join refused from ${req.socket.remoteAddress}: wrong or missing join token`);
      req.resume();
      sendStatus(res, 401, 'Unauthorized', 'the join token is not this cluster\'s');
      return true;
    }
    void (async () => {
      try {
        const joinReq = parseJoinRequest(await readJson(req));
        const issued = await signNodeCertificates(o.ca, joinReq);
        o.log.info(`node ${joinReq.nodeName} joined from ${req.socket.remoteAddress} (addresses ${joinReq.addresses.join(', ')})`);
        const body = JSON.stringify(issued);
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
        res.end(body);
      } catch (err) {
        if (err instanceof JoinRequestError) sendStatus(res, 400, 'BadRequest', err.message);
        else if (err instanceof BodyTooLargeError) sendStatus(res, 413, 'RequestEntityTooLarge', err.message);
        else {
          o.log.error(`join: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
          sendStatus(res, 500, 'InternalError', 'could not issue the node\'s certificates');
        }
      }
    })();
    return true;
  };
}
