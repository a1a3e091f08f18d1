// How frames reach the page: the WebSocket stream, or, when a socket cannot be
// had (a proxy that drops them, say), REST polling that drives training itself.
// Both offer the same commands and call onFrame with decoded frames, and onError with
// what went wrong (and, from REST, the HTTP status).

import { api } from "./api.js";
import { decodeLeanFrame } from "./frames.js";

export class StreamTransport {
  constructor(sessionId, { onFrame, onError, onClosed, subscribe, path }) {
    this.kind = "stream";
    this.sessionId = sessionId;
    this.path = path || `/api/sessions/${encodeURIComponent(sessionId)}/stream`;
    this.onFrame = onFrame;
    this.onError = onError;
    this.onClosed = onClosed;
    this.subscription = subscribe;
    this.lean = Boolean(subscribe.lean); // asking for lean frames, until the server turns them down
    this.socket = null;
  }

  // subscription.lean: what to add to ask for lean frames ({maps: false, fps}).
  wanted() {
    const { lean, ...plain } = this.subscription;
    return { ...plain, ...(this.lean ? lean : {}) };
  }

  subscribe() {
    this.send({ type: "subscribe", ...this.wanted() });
  }

  receive(data) {
    if (data instanceof ArrayBuffer) {
      this.onFrame(decodeLeanFrame(data));
      return;
    }
    const message = JSON.parse(data);
    if (message.type === "frame") this.onFrame(message);
    else if (message.type !== "error") return;
    else if (this.lean && message.detail.startsWith("maps:")) {
      this.lean = false; // a server without lean frames: it keeps sending JSON ones
      this.subscribe();
    } else this.onError(message.detail);
  }

  // Resolves once open; rejects if the socket cannot be opened.
  open() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    // The address asks for the same as the subscribe message, so that the first frame has that form already.
    const url = `${scheme}://${location.host}${this.path}?${new URLSearchParams(this.wanted())}`;
    return new Promise((resolve, reject) => {
      let opened = false;
      const socket = new WebSocket(url);
      socket.binaryType = "arraybuffer";
      this.socket = socket;
      socket.onopen = () => {
        opened = true;
        this.subscribe();
        resolve(this);
      };
      socket.onmessage = (event) => this.receive(event.data);
      socket.onclose = (event) => {
        if (!opened) reject(new Error("the live stream could not connect"));
        else if (this.socket === socket) this.onClosed(event.code);
      };
    });
  }

  send(message) {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  play(speed) {
    this.send({ type: "play", speed });
  }
  pause() {
    this.send({ type: "pause" });
  }
  step(steps, unit) {
    this.send({ type: "step", steps, unit });
  }
  reset() {
    this.send({ type: "reset" });
  }
  close() {
    const socket = this.socket;
    this.socket = null;
    if (socket) socket.close();
  }
}

// Polling: GET /frame a few times a second; "play" becomes REST steps of a tick's worth of epochs.
export class PollingTransport {
  constructor(sessionId, { onFrame, onError, subscribe }) {
    this.kind = "polling";
    this.sessionId = sessionId;
    this.onFrame = onFrame;
    this.onError = onError;
    this.subscription = subscribe;
    this.speed = null;
    this.since = 0;
    this.configVersion = -1;
    this.timer = null;
    this.busy = false;
    this.interval = 250;
  }

  async open() {
    await this.poll();
    this.timer = setInterval(() => this.tick(), this.interval);
    return this;
  }

  async tick() {
    if (this.busy) return;
    this.busy = true;
    try {
      if (this.speed !== null) {
        const epochs = this.speed === "max" ? 20 : Math.max(1, Math.round((Number(this.speed) * this.interval) / 1000));
        const state = await api.step(this.sessionId, epochs, "epoch");
        if (state.status === "diverged" || state.status === "stopped") this.speed = null;
      }
      await this.poll();
    } catch (err) {
      this.onError(err.message, err.status);
    } finally {
      this.busy = false;
    }
  }

  async poll() {
    const frame = await api.frame(this.sessionId, {
      since: this.since,
      config_version: this.configVersion,
      resolution: this.subscription.boundary_resolution,
      neuron_resolution: this.subscription.neuron_resolution,
    });
    const tail = frame.history_tail;
    if (tail.length) this.since = tail[tail.length - 1].epoch;
    this.configVersion = frame.config_version;
    if (this.speed !== null && frame.state.status === "ready") frame.state.status = "training";
    this.onFrame(frame);
  }

  play(speed) {
    this.speed = speed;
  }
  pause() {
    this.speed = null;
    this.poll().catch((err) => this.onError(err.message, err.status));
  }
  async step(steps, unit) {
    await api.step(this.sessionId, steps, unit).catch((err) => this.onError(err.message, err.status));
    await this.poll();
  }
  async reset() {
    await api.reset(this.sessionId).catch((err) => this.onError(err.message, err.status));
    this.since = 0;
    await this.poll();
  }
  close() {
    clearInterval(this.timer);
    this.timer = null;
  }
}
