// The dissectors against nDPI's own captures and expected results (../shared/corpus/ndpi).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tlsDissector } from '../../../src/classify/protocols/tls.js';
import { quicDissector } from '../../../src/classify/protocols/quic.js';
import { dnsDissector } from '../../../src/classify/protocols/dns.js';
import { httpDissector } from '../../../src/classify/protocols/http.js';
import { corpusFlows, corpusSkipReason, expectedFlows, flowKey, runFlow } from './corpus-web-support.js';

const TLS_PCAPS = [
  'tls-rdn-extract.pcap', '443-chrome.pcap', '443-curl.pcap', '443-firefox.pcap', '443-safari.pcap', 'chrome.pcap',
  'firefox.pcap', 'safari.pcap', 'google_ssl.pcap', 'ja3_lots_of_cipher_suites.pcap', 'tls_2_reasms.pcapng',
  'tls_with_huge_ch.pcapng', 'tls_ech.pcapng', 'tls_esni_sni_both.pcap', 'ssl-cert-name-mismatch.pcap',
  'tls_1.2_unidirectional_client.pcapng', 'tls_1.3_unidirectional_client.pcapng', 'tls_port_80.pcapng',
  'long_tls_certificate.pcap', 'tls_verylong_certificate.pcap', 'tls_cipher_lens.pcap', 'tls_alert.pcap',
];

const QUIC_PCAPS = [
  'quic-v2.pcapng', 'quic-29.pcap', 'quic_0RTT.pcap', 'quic_frags_ch_in_multiple_packets.pcapng', 'quic-27.pcap',
  'quic-33.pcapng', 'quic-34.pcap', 'quic-mvfst-27.pcapng', 'quic_crypto_aes_auth_size.pcap',
  'quic_frags_different_dcid.pcapng', 'quic_t51.pcap', 'quic_q43.pcap', 'quic_q46.pcap', 'quic_q50.pcap', 'gquic.pcap',
  'quic-forcing-vn-with-data.pcapng',
];

interface Tally { checked: number; mismatches: string[] }

/**
 * nDPI 4.11's JA4 departs from the FoxIO spec in three places; we follow the spec and compare the rest:
 * the SNI letter ('d' even without a server_name extension), the ALPN letters (the first two characters
 * instead of first + last: "ht" for http/1.1, "h0" for h3) and part c of a hello without extensions
 * (sha256 of "" instead of 000000000000).
 */
function ja4Comparable(s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  const [a, b, c] = s.split('_');
  return `${a.slice(0, 3)}?${a.slice(4, 8)}??_${b}_${c === 'e3b0c44298fc' ? '000000000000' : c}`;
}

function compare(t: Tally, what: string, expected: string | undefined, got: string | undefined): void {
  if (expected === undefined) return;
  t.checked++;
  if (expected !== got) t.mismatches.push(`${what}: expected ${expected} got ${got}`);
}

test('TLS: SNI, JA3, JA4, JA3S and certificate names match nDPI', (t) => {
  const skip = corpusSkipReason();
  if (skip) return t.skip(skip);
  const tally: Tally = { checked: 0, mismatches: [] };
  for (const pcap of TLS_PCAPS) {
    const flows = corpusFlows(pcap);
    for (const e of expectedFlows(pcap)) {
      if (e.l4 !== 'tcp' || !e.fields.has('JA3C')) continue;
      const f = flows.get(flowKey('tcp', e.a, e.b));
      if (!f) continue;
      const r = runFlow(tlsDissector, 'tcp', f.packets);
      const id = `${pcap} ${e.a}`;
      compare(tally, id + ' match', 'match', r.result);
      compare(tally, id + ' SNI', e.fields.get('Hostname/SNI'), r.meta.tls?.sni);
      compare(tally, id + ' JA3C', e.fields.get('JA3C'), r.meta.tls?.ja3?.hash);
      compare(tally, id + ' JA4', ja4Comparable(e.fields.get('JA4')), ja4Comparable(r.meta.tls?.ja4));
      compare(tally, id + ' JA3S', e.fields.get('JA3S')?.split(' ')[0], r.meta.tls?.ja3s?.hash);
      compare(tally, id + ' Subject', e.fields.get('Subject'), r.meta.tls?.subject);
      compare(tally, id + ' Issuer', e.fields.get('Issuer'), r.meta.tls?.issuerdn);
    }
  }
  console.log(`TLS corpus: ${tally.checked} checks, ${tally.mismatches.length} mismatches`);
  for (const m of tally.mismatches) console.log('  ' + m);
  assert.ok(tally.checked > 150);
  assert.deepEqual(tally.mismatches, []);
});

test('QUIC: version and SNI match nDPI', (t) => {
  const skip = corpusSkipReason();
  if (skip) return t.skip(skip);
  const tally: Tally = { checked: 0, mismatches: [] };
  for (const pcap of QUIC_PCAPS) {
    const flows = corpusFlows(pcap);
    for (const e of expectedFlows(pcap)) {
      if (e.l4 !== 'udp' || !e.fields.has('QUIC ver')) continue;
      const f = flows.get(flowKey('udp', e.a, e.b));
      if (!f) continue;
      const r = runFlow(quicDissector, 'udp', f.packets);
      const id = `${pcap} ${e.a}`;
      compare(tally, id + ' match', 'match', r.result);
      compare(tally, id + ' ver', e.fields.get('QUIC ver'), r.meta.quic?.version);
      compare(tally, id + ' SNI', e.fields.get('Hostname/SNI'), r.meta.quic?.sni);
      compare(tally, id + ' JA4', ja4Comparable(e.fields.get('JA4')), ja4Comparable(r.meta.extra?.quic_ja4 as string | undefined));
    }
  }
  console.log(`QUIC corpus: ${tally.checked} checks, ${tally.mismatches.length} mismatches`);
  for (const m of tally.mismatches) console.log('  ' + m);
  assert.ok(tally.checked > 50);
  assert.deepEqual(tally.mismatches, []);
});

test('DNS: query names match nDPI and every DNS flow matches', (t) => {
  const skip = corpusSkipReason();
  if (skip) return t.skip(skip);
  const tally: Tally = { checked: 0, mismatches: [] };
  for (const pcap of ['dns.pcap', 'dns_long_domainname.pcap', 'dns_fragmented.pcap', 'dns-google-nsid.pcapng', 'dns_dot.pcap']) {
    const flows = corpusFlows(pcap);
    for (const e of expectedFlows(pcap)) {
      const f = flows.get(flowKey(e.l4, e.a, e.b));
      if (!f || !e.proto.startsWith('DNS')) continue;
      const r = runFlow(dnsDissector, e.l4 as 'tcp' | 'udp', f.packets);
      const id = `${pcap} ${e.a}`;
      compare(tally, id + ' match', 'match', r.result);
      compare(tally, id + ' host', e.fields.get('Hostname/SNI'), r.meta.hostname?.toLowerCase());
    }
  }
  console.log(`DNS corpus: ${tally.checked} checks, ${tally.mismatches.length} mismatches`);
  for (const m of tally.mismatches) console.log('  ' + m);
  assert.ok(tally.checked > 10);
  assert.deepEqual(tally.mismatches, []);
});

test('HTTP: Host, User-Agent and status match nDPI', (t) => {
  const skip = corpusSkipReason();
  if (skip) return t.skip(skip);
  const tally: Tally = { checked: 0, mismatches: [] };
  for (const pcap of ['http.pcapng', 'http-lines-split.pcap', 'http_ua_splitted_in_two_pkts.pcapng', 'http_auth.pcap', 'http_connect.pcap', 'http-proxy.pcapng']) {
    const flows = corpusFlows(pcap);
    for (const e of expectedFlows(pcap)) {
      const f = flows.get(flowKey(e.l4, e.a, e.b));
      if (!f || !e.proto.startsWith('HTTP')) continue;
      const r = runFlow(httpDissector, 'tcp', f.packets);
      const id = `${pcap} ${e.a}`;
      compare(tally, id + ' match', 'match', r.result);
      compare(tally, id + ' host', e.fields.get('Hostname/SNI'), r.meta.hostname?.toLowerCase());
      // nDPI prints only the part of a User-Agent split over two segments it saw first ("Mozil"): prefix.
      const ua = e.fields.get('User-Agent');
      compare(tally, id + ' UA', ua, ua !== undefined && r.meta.http?.http_user_agent?.startsWith(ua) ? ua : r.meta.http?.http_user_agent);
      compare(tally, id + ' status', e.fields.get('StatusCode'), r.meta.http?.status?.toString());
    }
  }
  console.log(`HTTP corpus: ${tally.checked} checks, ${tally.mismatches.length} mismatches`);
  for (const m of tally.mismatches) console.log('  ' + m);
  assert.ok(tally.checked > 10);
  assert.deepEqual(tally.mismatches, []);
});
