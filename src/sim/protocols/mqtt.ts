// MQTT 3.1.1 control packets (OASIS mqtt-v3.1.1 §3).
import { Bytes } from './bytes.js';

function withFixedHeader(type: number, body: Uint8Array): Uint8Array {
  const w = new Bytes().u8(type);
  let n = body.length;
  do {
    let d = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) d |= 0x80;
    w.u8(d);
  } while (n > 0);
  return w.raw(body).done();
}

function str(w: Bytes, s: string): Bytes {
  return w.u16(s.length).text(s);
}

export function mqttConnect(clientId: string, username: string, password: string, keepAliveSec: number): Uint8Array {
  const w = str(new Bytes(), 'MQTT').u8(4).u8(0xc2).u16(keepAliveSec); // username, password, clean session
  str(w, clientId);
  str(w, username);
  str(w, password);
  return withFixedHeader(0x10, w.done());
}

export const MQTT_CONNACK = Uint8Array.of(0x20, 0x02, 0x00, 0x00);
export const MQTT_PINGREQ = Uint8Array.of(0xc0, 0x00);
export const MQTT_PINGRESP = Uint8Array.of(0xd0, 0x00);
export const MQTT_DISCONNECT = Uint8Array.of(0xe0, 0x00);

export function mqttSubscribe(packetId: number, topic: string, qos: number): Uint8Array {
  const w = new Bytes().u16(packetId);
  str(w, topic).u8(qos);
  return withFixedHeader(0x82, w.done());
}

export function mqttSuback(packetId: number, qos: number): Uint8Array {
  return Uint8Array.of(0x90, 0x03, packetId >> 8, packetId & 0xff, qos);
}

export function mqttPublish(topic: string, payload: string, qos: number, packetId: number): Uint8Array {
  const w = str(new Bytes(), topic);
  if (qos > 0) w.u16(packetId);
  w.text(payload);
  return withFixedHeader(0x30 | (qos << 1), w.done());
}

export function mqttPuback(packetId: number): Uint8Array {
  return Uint8Array.of(0x40, 0x02, packetId >> 8, packetId & 0xff);
}
