/**
 * The packet path. No locks, no allocation and no logging per packet; expected outcomes are return codes and
 * counters ({@link org.headend.dataplane.api.DataplaneCounter}).
 *
 * <p>Inbound (client → inside), TLS/CSTP version:
 * <ol>
 *   <li>{@code tunnel.CstpTunnelHandler} on the Netty event loop of the client's TLS connection: cut CSTP frames,
 *       check the packet against the session's {@code tunnel.TunnelAccess} (source is its lease, destination allowed
 *       by its split-tunnel policy), copy the packet into the inbound ring.</li>
 *   <li>The TUN queue's owner: {@code tun.TunAgent} (its own thread, mode {@code dedicated}) drains the inbound ring,
 *       one {@code write(2)} per packet to the TUN; in mode {@code shared} the tunnel's event loop writes it at
 *       once ({@code tun.SharedTunIo}).</li>
 * </ol>
 *
 * <p>Outbound (inside → client):
 * <ol>
 *   <li>{@code tun.TunLoop}, run by the TUN queue's owner in either mode: read a packet from the TUN, look its
 *       destination up in the queue's route table (inner IPv4 or IPv6 address → tunnel), hand it to the
 *       {@code tunnel.EgressQueue} of the tunnel's event loop.</li>
 *   <li>That event loop frames each packet as CSTP DATA (one TLS record per frame) or seals it as DTLS, one flush per
 *       batch: after draining the egress ring ({@code dedicated}), or straight away ({@code shared}, no ring).</li>
 * </ol>
 *
 * <p>Control never touches an agent's state: it sends commands through {@link org.headend.dataplane.api.Dataplane}.
 */
package org.headend.dataplane;
