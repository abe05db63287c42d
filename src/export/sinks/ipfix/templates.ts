// The two templates fleetgate exports (IPv4 and IPv6 biflows, RFC 5103): forward counters with the
// standard IEs, reverse ones with the same IEs under PEN 29305, and the application name (IE 96,
// variable length). IE numbers: IANA IPFIX registry, see anchors-spec §4.2.

export const REVERSE_PEN = 29305;
export const VARLEN = 0xffff;

export interface FieldSpec {
  ie: number;
  len: number;
  pen?: number;
}

export const TEMPLATE_V4 = 256;
export const TEMPLATE_V6 = 257;

function fields(v6: boolean): FieldSpec[] {
  return [
    { ie: v6 ? 27 : 8, len: v6 ? 16 : 4 }, // sourceIPv{4,6}Address
    { ie: v6 ? 28 : 12, len: v6 ? 16 : 4 }, // destinationIPv{4,6}Address
    { ie: 7, len: 2 }, // sourceTransportPort
    { ie: 11, len: 2 }, // destinationTransportPort
    { ie: 4, len: 1 }, // protocolIdentifier
    { ie: 152, len: 8 }, // flowStartMilliseconds
    { ie: 153, len: 8 }, // flowEndMilliseconds
    { ie: 1, len: 8 }, // octetDeltaCount
    { ie: 2, len: 8 }, // packetDeltaCount
    { ie: 1, len: 8, pen: REVERSE_PEN }, // reverseOctetDeltaCount
    { ie: 2, len: 8, pen: REVERSE_PEN }, // reversePacketDeltaCount
    { ie: 136, len: 1 }, // flowEndReason
    { ie: 239, len: 1 }, // biflowDirection
    { ie: 96, len: VARLEN }, // applicationName
  ];
}

export const TEMPLATES: { id: number; fields: FieldSpec[] }[] = [
  { id: TEMPLATE_V4, fields: fields(false) },
  { id: TEMPLATE_V6, fields: fields(true) },
];
