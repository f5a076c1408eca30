// SPDX-License-Identifier: MIT
/**
 * Node's TLS client checks the server's host name after every full handshake by calling
 * `getPeerCertificate(true)`: the whole chain (leaf, issuers, up to the root from the trust store)
 * converted to JS objects, with SHA-1/256/512 fingerprints, modulus strings and DER copies of each
 * certificate. Measured here at 0.5–0.8 ms per call — more than an RSA-2048 signature, and the
 * largest single item of the simulator's CPU in the apple-enroll benchmark (≈ 13 %).
 *
 * The host-name check (`tls.checkServerIdentity`) reads only the leaf's `subject` and
 * `subjectaltname`, which the abbreviated form (`getPeerCertificate(false)`, ≈ 0.04 ms) carries
 * too. Chain verification is OpenSSL's and has already happened by then; nothing about what is
 * verified changes. So, for the handshake only, a socket answers that one call with the
 * abbreviated certificate; the override is removed when the handshake ends ('secureConnect' or
 * an error), after which `getPeerCertificate(true)` behaves as usual.
 */
import { TLSSocket } from "node:tls";

const original = TLSSocket.prototype.getPeerCertificate;

function abbreviated(this: TLSSocket, _detailed?: boolean): ReturnType<TLSSocket["getPeerCertificate"]> {
  return original.call(this, false);
}

/** Installs the handshake-only override on a client socket that has not finished its handshake. */
export function cheapHostCheck(socket: TLSSocket): void {
  if (socket.encrypted && (socket as { _secureEstablished?: boolean })._secureEstablished) return;
  Object.defineProperty(socket, "getPeerCertificate", { value: abbreviated, configurable: true, writable: true });
  const restore = (): void => {
    delete (socket as { getPeerCertificate?: unknown }).getPeerCertificate;
    socket.off("error", restore);
    socket.off("close", restore);
  };
  socket.once("secureConnect", restore);
  socket.once("error", restore);
  socket.once("close", restore);
}
