/**
 * Service ClusterIPs come from this range. Nothing ever connects to a ClusterIP (pods are fakes and the
 * project routes by pod labels), so it may lie outside loopback without breaking the network rule.
 */
export const SERVICE_CIDR = '10.96.0.0/24';

/** The first address of `SERVICE_CIDR`: the `kubernetes` Service's ClusterIP, a SAN of the serving cert. */
export const FIRST_SERVICE_IP = '10.96.0.1';

/**
 * The pod CIDR of fake node `index` (0-based): `127.1.<index>.0/24`, inside loopback, so that every pod IP
 * KWOK hands out is a loopback address that the stack's simulators can serve and tests can dial.
 * Throws a RangeError past 255 nodes.
 */
export function podCidr(index: number): string {
  if (!Number.isInteger(index) || index < 0 || index > 255) throw new RangeError(`node index ${index} is outside 0..255`);
  return `127.1.${index}.0/24`;
}

/** Name of fake node `index` (0-based): `steward-node-<index>`. */
export function nodeName(index: number): string {
  return `steward-node-${index}`;
}
