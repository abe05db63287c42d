// An MQTT 3.1.1 client session over TCP 1883: CONNECT/CONNACK, SUBSCRIBE/SUBACK, QoS 1 PUBLISH/PUBACK
// telemetry at the group's interval, PINGREQ/PINGRESP when idle for the keep-alive, then DISCONNECT.
import type { SimDevice } from './device.js';
import type { DeviceGroup } from './fleet.js';
import { MQTT_HOST } from './hosts.js';
import { mqttConnect, MQTT_CONNACK, MQTT_DISCONNECT, MQTT_PINGREQ, MQTT_PINGRESP, mqttPuback, mqttPublish, mqttSuback, mqttSubscribe } from './protocols/mqtt.js';
import type { Rng } from './prng.js';
import type { SimContext } from './session.js';
import { TcpSession } from './tcp-session.js';

export const MQTT_PORT = 1883;
const KEEPALIVE_SEC = 45;
/** Mean telemetry interval per group, µs. */
const PUBLISH_US: Record<DeviceGroup, number> = { meters: 60e6, sensors: 15e6, cameras: 20e6, routers: 30e6 };

function telemetry(group: DeviceGroup, rng: Rng, tUs: number): string {
  const ts = Math.floor(tUs / 1e6);
  switch (group) {
    case 'meters':
      return `{"ts":${ts},"kwh":${(10000 + rng.float() * 5000).toFixed(2)},"v":${(228 + rng.float() * 4).toFixed(1)}}`;
    case 'sensors':
      return `{"ts":${ts},"temp":${(18 + rng.float() * 8).toFixed(1)},"hum":${rng.range(30, 70)},"bat":${rng.range(60, 100)}}`;
    case 'cameras':
      return `{"ts":${ts},"motion":${rng.chance(0.2)},"fps":15,"storage":${rng.range(10, 90)}}`;
    default:
      return `{"ts":${ts},"clients":${rng.range(1, 12)},"rssi":${-rng.range(60, 95)},"uptime":${rng.range(1000, 900000)}}`;
  }
}

export class MqttSession extends TcpSession {
  private phase = 0;
  private reply: Uint8Array | null = null;
  private nextPublish = 0;
  private lastSent = 0;
  private readonly topic: string;

  constructor(
    dev: SimDevice,
    rng: Rng,
    private readonly endAt: number,
  ) {
    super(dev, MQTT_HOST, dev.nextPort(), MQTT_PORT, rng.u32(), rng.u32());
    this.topic = `fleet/${dev.info.name}/telemetry`;
  }

  protected nextMessage(ctx: SimContext, now: number): boolean {
    const rng = ctx.rng;
    if (this.reply !== null) {
      this.set(false, this.reply, rng.range(500, 3000));
      this.reply = null;
      return true;
    }
    const dev = this.dev;
    switch (this.phase) {
      case 0:
        this.phase = 1;
        this.set(true, mqttConnect(dev.info.name, dev.info.imsi, `tok-${(dev.ip ^ 0x5a5a5a5a).toString(16)}`, KEEPALIVE_SEC), 0);
        this.reply = MQTT_CONNACK;
        return true;
      case 1: {
        this.phase = 2;
        const id = this.packetId();
        this.set(true, mqttSubscribe(id, `fleet/${dev.info.name}/cmd`, 1), rng.range(2000, 8000));
        this.reply = mqttSuback(id, 1);
        this.nextPublish = now + rng.jitter(PUBLISH_US[dev.group] / 4, 0.5);
        this.lastSent = now;
        return true;
      }
      case 2: {
        const end = Math.min(this.endAt, ctx.endUs);
        const ping = this.lastSent + KEEPALIVE_SEC * 1e6;
        const due = Math.min(this.nextPublish, ping);
        if (due >= end || now >= end) {
          this.phase = 3;
          this.set(true, MQTT_DISCONNECT, Math.max(0, end - now));
          return true;
        }
        if (this.nextPublish <= ping) {
          const id = this.packetId();
          this.set(true, mqttPublish(this.topic, telemetry(dev.group, rng, this.nextPublish), 1, id), Math.max(0, this.nextPublish - now));
          this.reply = mqttPuback(id);
          this.lastSent = this.nextPublish;
          this.nextPublish += rng.jitter(PUBLISH_US[dev.group], 0.2);
        } else {
          this.set(true, MQTT_PINGREQ, Math.max(0, ping - now));
          this.reply = MQTT_PINGRESP;
          this.lastSent = ping;
        }
        return true;
      }
      default:
        return false;
    }
  }

  private set(fromClient: boolean, msg: Uint8Array, gapUs: number): void {
    this.nFromClient = fromClient;
    this.nHead = msg;
    this.nLen = msg.length;
    this.nGapUs = gapUs;
  }

  private packetId(): number {
    const id = this.dev.mqttPacketId;
    this.dev.mqttPacketId = id >= 65535 ? 1 : id + 1;
    return id;
  }
}
