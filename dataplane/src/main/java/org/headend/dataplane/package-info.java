/**
 * The packet path. No locks, no allocation and no logging per packet; expected outcomes are return codes and
 * counters ({@link org.headend.dataplane.api.DataplaneCounter}).
 *
 * <p>Inbound (client → inside), TLS/CSTP version:
 * <ol>
 *   <li>{@code tunnel.CstpTunnelHandler} on the Netty event loop of the client's TLS connection: cut CSTP frames,
 *       check the packet against the session's {@code tunnel.TunnelAccess} (source is its lease, destination allowed
 *       by its split-tunnel policy), copy the packet into the inbound ring.</li>
 *   <li>{@code tun.TunAgent} (its own thread): drain the inbound ring, one {@code write(2)} per packet to the TUN.</li>
 * </ol>
 *
 * <p>Outbound (inside → client):
 * <ol>
 *   <li>{@code tun.TunAgent}: read a packet from the TUN, look its destination up in the agent's own route table
 *       (inner IPv4 or IPv6 address → tunnel), copy it into the egress ring of the tunnel's event loop.</li>
 *   <li>{@code tunnel.EgressQueue} drain task on that event loop: frame each packet as CSTP DATA, one TLS record per
 *       frame, one flush per batch.</li>
 * </ol>
 *
 * <p>Control never touches an agent's state: it sends commands through {@link org.headend.dataplane.api.Dataplane}.
 */
package org.headend.dataplane;
