import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DirBit, TcpFlag, TcpState, nextTcpState, timeoutClassOf } from '../../src/flow/tcp-state.js';
import { TimeoutClass } from '../../src/flow/timeouts.js';
import { IpProto } from '../../src/core/layers.js';

const { SYN, ACK, FIN, RST } = TcpFlag;
const { SEEN_A, SEEN_B, FIN_A, FIN_B } = DirBit;

test('nextTcpState transitions', () => {
  assert.equal(nextTcpState(TcpState.NEW, SYN, SEEN_A), TcpState.SYN);
  assert.equal(nextTcpState(TcpState.NEW, ACK, SEEN_A), TcpState.NEW);
  assert.equal(nextTcpState(TcpState.SYN, SYN | ACK, SEEN_A | SEEN_B), TcpState.ESTABLISHED);
  assert.equal(nextTcpState(TcpState.ESTABLISHED, FIN, SEEN_A | SEEN_B | FIN_B), TcpState.CLOSING);
  assert.equal(nextTcpState(TcpState.CLOSING, FIN, SEEN_A | SEEN_B | FIN_A | FIN_B), TcpState.CLOSED);
  assert.equal(nextTcpState(TcpState.SYN, RST, SEEN_A | SEEN_B), TcpState.RESET);
  assert.equal(nextTcpState(TcpState.RESET, ACK, SEEN_A | SEEN_B), TcpState.RESET);
  assert.equal(nextTcpState(TcpState.CLOSED, SYN, SEEN_A | SEEN_B | FIN_A | FIN_B), TcpState.SYN);
  assert.equal(nextTcpState(TcpState.CLOSED, SYN | ACK, SEEN_A | SEEN_B | FIN_A | FIN_B), TcpState.CLOSED);
});

test('timeout classes by protocol and state', () => {
  assert.equal(timeoutClassOf(IpProto.TCP, TcpState.NEW), TimeoutClass.TCP_OPENING);
  assert.equal(timeoutClassOf(IpProto.TCP, TcpState.SYN), TimeoutClass.TCP_OPENING);
  assert.equal(timeoutClassOf(IpProto.TCP, TcpState.ESTABLISHED), TimeoutClass.TCP_ESTABLISHED);
  assert.equal(timeoutClassOf(IpProto.TCP, TcpState.CLOSING), TimeoutClass.TCP_CLOSING);
  assert.equal(timeoutClassOf(IpProto.TCP, TcpState.RESET), TimeoutClass.TCP_CLOSED);
  assert.equal(timeoutClassOf(IpProto.UDP, 0), TimeoutClass.UDP);
  assert.equal(timeoutClassOf(IpProto.ICMPV6, 0), TimeoutClass.ICMP);
  assert.equal(timeoutClassOf(IpProto.ESP, 0), TimeoutClass.OTHER);
});
