/** cluster-key-slot ships no types; ioredis uses it for the same CRC16 slot of a key. */
declare module 'cluster-key-slot' {
  /** The Redis Cluster slot (0..16383) of a key, honouring its {hash tag}. */
  export default function calculateSlot(key: string): number;
}
