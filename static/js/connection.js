// Frames from the server: the WebSocket stream, or polling when sockets are blocked or the
// stream closes; a presenter's students get a receive-only stream of the same frames.

import { PollingTransport, StreamTransport } from "./transport.js";

const PRESENTER_LEFT = 4410;

export class Connection {
  // subscribe: what frames to send ({fps, boundary_resolution, neuron_resolution}, and lean: what
  // to add to ask the stream for lean frames instead).
  // onGone(): the session is no more (deleted, expired, or the server restarted without it).
  constructor({ onFrame, status, subscribe, onGone }) {
    Object.assign(this, { onFrame, status, subscribe, onGone });
    this.transport = null;
  }

  handlers(onClosed) {
    const onError = (detail, code) => (code === 404 ? this.onGone() : this.status.error(detail));
    return { onFrame: this.onFrame, onError, onClosed, subscribe: this.subscribe };
  }

  async open(sessionId) {
    const handlers = this.handlers((code) => this.closed(sessionId, code));
    try {
      this.transport = await new StreamTransport(sessionId, handlers).open();
    } catch (err) {
      this.transport = await new PollingTransport(sessionId, handlers).open();
      this.status.warn("Live updates are unavailable here, so the page is polling the server instead.");
    }
  }

  closed(sessionId, code) {
    if (code === 4404) {
      this.onGone();
      return;
    }
    this.status.warn("The live stream closed; polling the server instead.");
    this.transport = null;
    new PollingTransport(sessionId, this.handlers())
      .open()
      .then((t) => (this.transport = t))
      .catch((err) => (err.status === 404 ? this.onGone() : this.status.error(err.message)));
  }

  // The watch stream closes with PRESENTER_LEFT once the presenter's page has gone; the last picture stays.
  async watch(token) {
    const onClosed = (code) =>
      this.status.warn(
        code === PRESENTER_LEFT
          ? "The presenter has left. This is the last picture they showed."
          : "The presenter's session ended or the connection dropped. Reload to try again.",
      );
    const path = `/api/watch/${encodeURIComponent(token)}/stream`;
    this.transport = await new StreamTransport(null, { ...this.handlers(onClosed), path }).open().catch((err) => this.status.error(err.message));
  }

  // Play, pause, step or reset the run.
  send(command, ...args) {
    this.transport?.[command](...args);
  }

  close() {
    this.transport?.close();
  }
}
